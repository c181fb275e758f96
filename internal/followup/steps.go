package followup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"dossier/internal/store"
)

// Handler runs one job of a kind, given its payload.
type Handler = func(ctx context.Context, payload []byte) error

// Steps returns the handler of Follow jobs: it runs each step the job lists
// with that kind's handler, in order, with the payload a job of that kind
// would have had. A step that fails is queued as a job of its own kind,
// which is then retried and parked as any job is, and the steps after it
// still run now; the Follow job itself fails only when it cannot queue
// that job, and is then retried whole (a step is run at least once, as any
// job is). Every step's handler is idempotent: it reads the document anew.
func Steps(handlers map[string]Handler, st store.Store, now func() time.Time) Handler {
	return func(ctx context.Context, payload []byte) error {
		var p Payload
		if err := json.Unmarshal(payload, &p); err != nil {
			return fmt.Errorf("follow-up job %s: %w", payload, err)
		}
		steps := p.Steps
		p.Steps = nil
		one, err := json.Marshal(p)
		if err != nil {
			return fmt.Errorf("follow-up job of %s: %w", p.DocumentID, err)
		}
		var errs []error
		for _, kind := range steps {
			// A kind this process has no handler for goes to a runner that has.
			err := fmt.Errorf("no handler for %s here", kind)
			if h, ok := handlers[kind]; ok {
				err = h(ctx, one)
			}
			if err != nil {
				job := store.Job{Kind: kind, Payload: one, RunAt: now()}
				if qerr := st.Write(ctx, func(tx store.Tx) error { return tx.Enqueue(ctx, job) }); qerr != nil {
					errs = append(errs, fmt.Errorf("follow-up %s of %s failed (%w), and queuing it again failed: %w", kind, p.DocumentID, err, qerr))
				}
			}
		}
		return errors.Join(errs...)
	}
}
