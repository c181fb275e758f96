// Package jobs runs the background work of the outbox (SPEC §3a): jobs are
// written in the transaction of the change that causes them and run here
// after it commits. A job is claimed with a lease, so several workers and
// several replicas can share one queue; a failed job is retried with
// exponential backoff and parked after MaxAttempts, with its last error kept.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"dossier/internal/store"
)

// Handler runs one job; an error makes it run again later.
type Handler func(ctx context.Context, payload []byte) error

// MaxAttempts is how often a job is tried before it is parked.
const MaxAttempts = 10

// parkedFor is how far in the future a parked job is set: it stays visible in
// the jobs table with its last error, and an operator can set run_at to retry.
const parkedFor = 100 * 365 * 24 * time.Hour

// Runner claims and runs jobs of the kinds it has handlers for; other kinds
// stay in the queue for the runner that knows them.
type Runner struct {
	store    store.Store
	handlers map[string]Handler
	log      *slog.Logger
	now      func() time.Time
	lease    time.Duration
	poll     time.Duration
	wake     chan struct{}
}

// New returns a Runner with the given handlers.
func New(s store.Store, handlers map[string]Handler, log *slog.Logger, now func() time.Time) *Runner {
	return &Runner{store: s, handlers: handlers, log: log, now: now, lease: 10 * time.Minute, poll: time.Second, wake: make(chan struct{}, 1)}
}

// Wake makes the runner look for work now rather than at its next poll.
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run works until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	for {
		for {
			ran, err := r.RunOne(ctx)
			if err != nil && ctx.Err() == nil {
				r.log.Warn("job queue", "err", err)
			}
			if !ran || ctx.Err() != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		case <-time.After(r.poll):
		}
	}
}

// RunOne claims and runs one due job; ran is false when there was none.
func (r *Runner) RunOne(ctx context.Context) (ran bool, err error) {
	kinds := slices.Sorted(maps.Keys(r.handlers))
	var job store.Job
	var ok bool
	now := r.now()
	err = r.store.Write(ctx, func(tx store.Tx) (err error) {
		job, ok, err = tx.ClaimJob(ctx, kinds, now, now.Add(r.lease))
		return err
	})
	if err != nil || !ok {
		return false, err
	}
	runErr := r.run(ctx, job)
	err = r.store.Write(context.WithoutCancel(ctx), func(tx store.Tx) error {
		if runErr == nil {
			return tx.FinishJob(ctx, job.ID)
		}
		next := r.now().Add(Backoff(job.Attempts))
		if job.Attempts >= MaxAttempts {
			next = r.now().Add(parkedFor)
			r.log.Error("job parked", "job", job.ID, "kind", job.Kind, "attempts", job.Attempts, "err", runErr)
		} else {
			r.log.Warn("job failed", "job", job.ID, "kind", job.Kind, "attempts", job.Attempts, "retry_at", next, "err", runErr)
		}
		return tx.RetryJob(ctx, job.ID, next, runErr.Error())
	})
	return true, err
}

// run calls the handler, turning a panic into an error so one bad job cannot
// stop the worker.
func (r *Runner) run(ctx context.Context, job store.Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job %d (%s) panicked: %v", job.ID, job.Kind, p)
		}
	}()
	return r.handlers[job.Kind](ctx, job.Payload)
}

// Backoff is the wait before attempt n+1: 2^n seconds, at most an hour.
func Backoff(attempts int) time.Duration {
	if attempts > 12 {
		return time.Hour
	}
	return min(time.Duration(1<<attempts)*time.Second, time.Hour)
}

// Parked returns the jobs that failed MaxAttempts times and wait for an
// operator, with their last error.
func (r *Runner) Parked(ctx context.Context, limit int) ([]store.Job, error) {
	var out []store.Job
	err := r.store.Read(ctx, func(tx store.Tx) (err error) {
		out, err = tx.ListJobs(ctx, MaxAttempts, limit)
		return err
	})
	return out, err
}
