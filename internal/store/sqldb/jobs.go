package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"dossier/internal/store"
)

// JobQueue is the job queue of a database as River sees it: the driver over
// the pool River uses and the schema its tables are in ("" on SQLite). The
// jobs package runs the queue's workers on it.
type JobQueue struct {
	Driver riverdriver.Driver[*sql.Tx]
	Schema string
	owner  *DB // set by New: the store whose runners' lives RescueOrphans judges
}

// JobQueue returns the database's job queue.
func (db *DB) JobQueue() JobQueue { return db.queue }

// newInserter returns the River client the store queues jobs with: it only
// inserts, inside the transaction of the change that causes the jobs. The
// short cooldown lets every commit that queues a job wake the workers.
func newInserter(q JobQueue) (*river.Client[*sql.Tx], error) {
	c, err := river.NewClient(q.Driver, &river.Config{
		FetchCooldown: river.FetchCooldownMin,
		Logger:        slog.New(slog.DiscardHandler),
		MaxAttempts:   store.MaxJobAttempts,
		Schema:        q.Schema,
	})
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return c, nil
}

// payload is the River args of a store.Job: River stores the job's payload
// as its args, byte for byte, under the job's kind. The workers read it
// back into the typed args of each kind (package jobs).
type payload struct {
	kind string
	raw  json.RawMessage
}

func (p payload) Kind() string { return p.kind }

func (p payload) MarshalJSON() ([]byte, error) {
	if len(p.raw) == 0 {
		return []byte("{}"), nil
	}
	return p.raw, nil
}

func (t *tx) Enqueue(ctx context.Context, jobs ...store.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(jobs))
	now := time.Now()
	for i, j := range jobs {
		opts := &river.InsertOpts{Queue: j.Queue}
		// A job due now is not given a time: River's "now" is the
		// database's, and a job scheduled ahead of it would wait for the
		// scheduler instead of waking a worker.
		if j.RunAt.After(now) {
			opts.ScheduledAt = j.RunAt
		}
		if j.UniqueFor > 0 {
			opts.UniqueOpts = river.UniqueOpts{ByArgs: true, ByPeriod: j.UniqueFor}
		}
		params[i] = river.InsertManyParams{Args: payload{kind: j.Kind, raw: j.Payload}, InsertOpts: opts}
	}
	if t.tx == nil {
		return fmt.Errorf("enqueue %s: jobs are queued by writes, and this is a read", jobs[0].Kind)
	}
	if _, err := t.jobs.InsertManyTx(ctx, t.tx, params); err != nil {
		return fmt.Errorf("enqueue %s: %w", jobs[0].Kind, err)
	}
	return nil
}

// waiting are the states of a job that has yet to finish.
var waiting = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
	rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled}

func (t *tx) Jobs(ctx context.Context, kind string, limit int) ([]store.Job, error) {
	params := river.NewJobListParams().Kinds(kind).States(waiting...).OrderBy(river.JobListOrderByID, river.SortOrderAsc).First(limit)
	var res *river.JobListResult
	var err error
	if t.tx != nil {
		res, err = t.jobs.JobListTx(ctx, t.tx, params)
	} else {
		res, err = t.jobs.JobList(ctx, params) // a read outside a transaction
	}
	if err != nil {
		return nil, fmt.Errorf("list %s jobs: %w", kind, err)
	}
	out := make([]store.Job, len(res.Jobs))
	for i, row := range res.Jobs {
		out[i] = JobOf(row)
	}
	return out, nil
}

// JobOf is a River job as a store.Job: its args are the payload, its
// scheduled time RunAt, and the error of its last attempt LastError.
func JobOf(row *rivertype.JobRow) store.Job {
	j := store.Job{ID: row.ID, Kind: row.Kind, Payload: row.EncodedArgs, RunAt: row.ScheduledAt.UTC(), Attempts: row.Attempt}
	if n := len(row.Errors); n > 0 {
		j.LastError = row.Errors[n-1].Error
	}
	return j
}
