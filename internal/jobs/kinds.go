package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/riverqueue/river"

	"dossier/internal/dossier"
	"dossier/internal/followup"
)

// The kinds of job, by the name stored with each job; the names are
// followup's, which queues them. This list is the only place a kind is
// given its River args type; New refuses a handler of any other kind.
var kinds = map[string]kind{
	followup.Stamp:   kindOf[stamp](),
	followup.Retain:  kindOf[retain](),
	followup.Index:   kindOf[index](),
	followup.Notify:  kindOf[notify](),
	followup.Extract: kindOf[extractText](),
	followup.Watch:   kindOf[watch](),
	followup.Deliver: kindOf[deliver](),

	followup.Checkpoint: kindOf[checkpoint](),
	followup.Follow:     kindOf[follow](),
}

type (
	stamp       struct{}
	retain      struct{}
	index       struct{}
	notify      struct{}
	extractText struct{}
	watch       struct{}
	deliver     struct{}
	checkpoint  struct{}
	follow      struct{}
)

func (stamp) name() string       { return followup.Stamp }
func (retain) name() string      { return followup.Retain }
func (index) name() string       { return followup.Index }
func (notify) name() string      { return followup.Notify }
func (extractText) name() string { return followup.Extract }
func (watch) name() string       { return followup.Watch }
func (deliver) name() string     { return followup.Deliver }
func (checkpoint) name() string  { return followup.Checkpoint }
func (follow) name() string      { return followup.Follow }

// name is what a kind's marker type gives: its name.
type name interface{ name() string }

// Args is the River args of the kind K: the job's JSON payload, kept as it
// was queued, for the kind's handler to decode.
type Args[K name] struct{ Payload json.RawMessage }

// Kind is the name River stores and routes the job by.
func (Args[K]) Kind() string {
	var k K
	return k.name()
}

// MarshalJSON stores the payload itself as the job's args.
func (a Args[K]) MarshalJSON() ([]byte, error) {
	if len(a.Payload) == 0 {
		return []byte("{}"), nil
	}
	return a.Payload, nil
}

// UnmarshalJSON keeps the stored args as the payload.
func (a *Args[K]) UnmarshalJSON(b []byte) error {
	a.Payload = slices.Clone(b)
	return nil
}

// worker runs the jobs of kind K with the kind's handler.
type worker[K name] struct {
	river.WorkerDefaults[Args[K]]
	handle Handler
}

// Work runs the handler. A failure the handler marks unprocessable (the
// input can never be processed: an encrypted PDF, a file pdfcpu cannot
// read) is final: the job is parked at once instead of being retried ten
// times over an afternoon.
func (w *worker[K]) Work(ctx context.Context, job *river.Job[Args[K]]) error {
	err := w.handle(ctx, job.Args.Payload)
	if err != nil && dossier.ErrorCode(err) == dossier.EUnprocessable {
		return river.JobCancel(err)
	}
	return err
}

// kind is what the runner needs of a kind: how to register its handler
// with River and how to make its args from a payload.
type kind struct {
	register func(*river.Workers, Handler) error
	args     func(payload []byte) river.JobArgs
}

func kindOf[K name]() kind {
	return kind{
		register: func(w *river.Workers, h Handler) error {
			return river.AddWorkerSafely(w, &worker[K]{handle: h})
		},
		args: func(payload []byte) river.JobArgs { return Args[K]{Payload: payload} },
	}
}

// lookup returns the kind named k.
func lookup(k string) (kind, error) {
	if kd, ok := kinds[k]; ok {
		return kd, nil
	}
	return kind{}, fmt.Errorf("unknown job kind %q", k)
}
