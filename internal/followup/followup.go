// Package followup decides what follows a committed change of a document —
// text extraction, indexing, notification, stamping, retention — and queues
// it as jobs in the transaction of the change (SPEC §3a), so that the work is
// done exactly when the change commits. Every service that changes a
// document calls Queue; the job kinds are named here and nowhere else.
package followup

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/store"
	"dossier/internal/workflow"
)

// The job kinds. Stamp, Retain, Notify and Index are also the names of the
// workflow effects that ask for them.
const (
	Extract = "extract_text"        // read the text of a new file version
	Index   = workflow.EffectIndex  // refresh the search index entry
	Notify  = workflow.EffectNotify // tell the users who can act next
	Stamp   = workflow.EffectStamp  // make the stamped PDF rendition
	Retain  = workflow.EffectRetain // bring the blob locks in line with archive and legal hold

	// Not queued by a change of a document: the scheduler's round, and the
	// delivery of what it sends.
	Watch   = "watch_deadlines"      // periodic: fire scheduled events, send reminders
	Deliver = "deliver_notification" // one notification over one channel

	// Checkpoint is periodic: sign the audit chains' heads into the object store.
	Checkpoint = "audit_checkpoint"

	// Follow carries the follow-ups of one change that are cheap and touch
	// only the database, notify and index, as one job that runs them in
	// order (see Steps): a transition queues one job instead of two, and a
	// job costs its change a row in the queue, its indexes and a wake-up.
	Follow = "follow_up"
)

// SlowQueue is the queue of the work that keeps a CPU busy for tens of
// milliseconds a document (text extraction, OCR). It has fewer workers than
// the default queue, so that a burst of uploads is answered first and the
// extraction catches up after it, instead of all of them slowing together.
const SlowQueue = "slow"

// merged are the kinds a Follow job carries when a change queues both.
var merged = []string{Notify, Index}

// What is the sort of change that committed.
type What int

// The changes of a document.
const (
	Upload     What = iota + 1 // a new document with its first file
	NewVersion                 // a new file version
	Edit                       // metadata changed
	Link                       // a link to another document
	Transition                 // a workflow event fired
	Review                     // a department signed off
	LegalHold                  // the legal hold was set or cleared
	Import                     // a document loaded from an existing archive, maybe archived already
	Purge                      // the document was deleted after its retention ended
)

// Change is one committed change of a document.
type Change struct {
	What     What
	Document dossier.Document // as the change left it
	// Effects are the workflow effects of the event (Transition only), and
	// Moved whether it changed the state: stamping and retention concern
	// a state, so they follow only a move.
	Effects []string
	Moved   bool
}

// Queue writes the jobs that follow c in tx.
func Queue(ctx context.Context, tx store.JobTx, now time.Time, c Change) error {
	kinds := Follows(c)
	if len(kinds) == 0 {
		return nil
	}
	d := c.Document
	payload, err := json.Marshal(Payload{DocumentID: d.ID, Version: d.Version, State: d.State, FileVersion: d.File.Version})
	if err != nil {
		return fmt.Errorf("follow-ups of %s: %w", d.ID, err)
	}
	jobs, err := group(kinds, d, payload, now)
	if err != nil {
		return fmt.Errorf("follow-ups of %s: %w", d.ID, err)
	}
	if err := tx.Enqueue(ctx, jobs...); err != nil {
		return fmt.Errorf("follow-ups of %s: %w", d.ID, err)
	}
	return nil
}

// group makes the jobs of kinds: one each, except the merged kinds, which
// share one Follow job in the place of the first of them when both follow.
func group(kinds []string, d dossier.Document, payload []byte, now time.Time) ([]store.Job, error) {
	var steps []string
	for _, k := range kinds {
		if slices.Contains(merged, k) {
			steps = append(steps, k)
		}
	}
	jobs := make([]store.Job, 0, len(kinds))
	for _, k := range kinds {
		switch {
		case k == Extract:
			jobs = append(jobs, store.Job{Kind: k, Payload: payload, RunAt: now, Queue: SlowQueue})
		case len(steps) < 2 || !slices.Contains(merged, k):
			jobs = append(jobs, store.Job{Kind: k, Payload: payload, RunAt: now})
		case k == steps[0]:
			p, err := json.Marshal(Payload{DocumentID: d.ID, Version: d.Version, State: d.State, FileVersion: d.File.Version, Steps: steps})
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, store.Job{Kind: Follow, Payload: p, RunAt: now})
		}
	}
	return jobs, nil
}

// Follows returns the job kinds that follow c, in the order they are queued.
// Links follow nothing: they are not indexed and notify nobody.
func Follows(c Change) []string {
	switch c.What {
	case Upload, NewVersion:
		return []string{Extract, Index}
	case Import:
		if c.Document.ArchivedAt != nil {
			return []string{Extract, Index, Retain}
		}
		return []string{Extract, Index}
	case Purge:
		return []string{Index} // the document is gone, so indexing removes it
	case Edit:
		return []string{Index}
	case Review:
		return []string{Notify, Index}
	case LegalHold:
		return []string{Retain, Index}
	case Transition:
		var out []string
		for _, e := range c.Effects {
			if !c.Moved && (e == Stamp || e == Retain) {
				continue
			}
			out = append(out, e)
		}
		return out
	}
	return nil
}

// Payload is what every follow-up job gets: the document and the version of
// it that the change left. Handlers read the document again, so a job that
// runs late works on the newest state.
type Payload struct {
	DocumentID  string `json:"document_id"`
	Version     int    `json:"version"`
	State       string `json:"state"`
	FileVersion int    `json:"file_version"`
	// Steps are the kinds a Follow job runs, in order; empty in any other job.
	Steps []string `json:"steps,omitempty"`
}
