// Package jobs runs the background work of the outbox (SPEC §3a) on River:
// jobs are written in the transaction of the change that causes them
// (store.Tx.Enqueue) and run here after it commits. River takes a job with
// a conditional update, so several workers and replicas share one queue and
// a worker whose job was taken from it cannot mark it done; a failed job is
// retried with exponential backoff and parked (discarded, in River's words)
// after store.MaxJobAttempts, with its errors kept. The kinds of job and
// their handlers are named in kinds.go.
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"dossier/internal/followup"
	"dossier/internal/store"
	"dossier/internal/store/sqldb"
)

// Handler runs one job; an error makes it run again later.
type Handler func(ctx context.Context, payload []byte) error

// MaxAttempts is how often a job is tried before it is parked.
const MaxAttempts = store.MaxJobAttempts

// Config tunes a Runner; the zero value is the production setting.
type Config struct {
	// Workers is how many jobs of this process run at once (default 4),
	// besides those of followup.SlowQueue.
	Workers int
	// SlowWorkers is how many jobs of followup.SlowQueue run at once
	// (default one per two CPUs, at least one).
	SlowWorkers int
	// Backoff is the wait before the next attempt after attempt n failed
	// (default Backoff).
	Backoff func(attempt int) time.Duration
	// Timeout is how long one attempt may run (default 10 minutes).
	Timeout time.Duration
	// Poll is how often the queue is read when no insert woke the workers,
	// as when a retry falls due (default a second).
	Poll time.Duration
	// RescueEvery is how often the runner renews its sign of life and looks
	// for the jobs of runners that died (default RescueEvery).
	RescueEvery time.Duration
}

// Runner works the jobs of the kinds it has handlers for; other kinds stay
// in the queue for a runner that knows them.
type Runner struct {
	client      *river.Client[*sql.Tx]
	queue       sqldb.JobQueue
	id          string // River's client id: whose jobs are whose
	rescueEvery time.Duration
	kinds       []string
	log         *slog.Logger
}

// RescueEvery is how often a runner looks for the jobs of runners that died.
const RescueEvery = 30 * time.Second

// New returns a Runner of the queue q with the given handlers, one per kind.
func New(q sqldb.JobQueue, handlers map[string]Handler, log *slog.Logger, c Config) (*Runner, error) {
	workers := river.NewWorkers()
	for name, h := range handlers {
		k, err := lookup(name)
		if err != nil {
			return nil, err
		}
		if err := k.register(workers, h); err != nil {
			return nil, fmt.Errorf("job kind %s: %w", name, err)
		}
	}
	if c.Backoff == nil {
		c.Backoff = Backoff
	}
	id := "dossier-" + strings.ToLower(ulid.Make().String())
	client, err := river.NewClient(q.Driver, &river.Config{
		ID: id,
		Queues: map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: cmp.Or(c.Workers, 4)},
			followup.SlowQueue: {MaxWorkers: cmp.Or(c.SlowWorkers, max(1, runtime.NumCPU()/2))},
		},
		Workers: workers,
		// A kind without a handler here waits for a runner that has one,
		// as during a rolling upgrade that adds a kind.
		FetchOnlyKnownKinds: true,
		// Inserts wake the workers (LISTEN on PostgreSQL, River's
		// notification table on SQLite); polling finds retries that fall due.
		FetchPollInterval: cmp.Or(c.Poll, time.Second),
		FetchCooldown:     10 * time.Millisecond,
		JobTimeout:        cmp.Or(c.Timeout, 10*time.Minute),
		MaxAttempts:       MaxAttempts,
		// Parked jobs wait for an operator; done ones are kept a day.
		DiscardedJobRetentionPeriod: -1,
		RetryPolicy:                 retryPolicy(c.Backoff),
		ErrorHandler:                errorLog{log},
		Logger:                      log,
		Schema:                      q.Schema,
	})
	if err != nil {
		return nil, fmt.Errorf("job runner: %w", err)
	}
	return &Runner{client: client, queue: q, id: id, rescueEvery: cmp.Or(c.RescueEvery, RescueEvery), kinds: slices.Sorted(maps.Keys(handlers)), log: log}, nil
}

// Run works jobs until ctx ends, then lets the running ones finish.
func (r *Runner) Run(ctx context.Context) error {
	hold, err := r.queue.HoldRunner(ctx, r.id)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped before it started
		}
		return err
	}
	defer hold.Release()
	r.rescue(ctx)
	if err := r.client.Start(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("start the job runner: %w", err)
	}
	tick := time.NewTicker(r.rescueEvery)
	defer tick.Stop()
	for ctx.Err() == nil {
		select {
		case <-tick.C:
			if err := hold.Renew(ctx); err != nil && ctx.Err() == nil {
				r.log.Warn("job runner: could not renew its sign of life", "err", err)
			}
			r.rescue(ctx)
		case <-ctx.Done():
		}
	}
	stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := r.client.Stop(stop); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("stop the job runner: %w", err)
	}
	return nil
}

// AddPeriodic queues a job of kind with payload every interval, once for
// all replicas: only the elected leader queues it. The first is queued one
// interval after the leader starts.
func (r *Runner) AddPeriodic(kind string, every time.Duration, payload []byte) error {
	if !slices.Contains(r.kinds, kind) {
		return fmt.Errorf("periodic job %s: this runner has no handler for it", kind)
	}
	k, err := lookup(kind)
	if err != nil {
		return err
	}
	r.client.PeriodicJobs().Add(river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return k.args(payload), nil }, nil))
	return nil
}

// Backoff is the wait before attempt n+1: 2^n seconds, at most an hour.
func Backoff(attempts int) time.Duration {
	if attempts > 12 {
		return time.Hour
	}
	return min(time.Duration(1<<attempts)*time.Second, time.Hour)
}

// retryPolicy schedules the next attempt after a failure by backoff.
type retryPolicy func(attempt int) time.Duration

func (b retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(b(job.Attempt))
}

// errorLog logs each failure; the last attempt's as the job being parked.
type errorLog struct{ log *slog.Logger }

func (e errorLog) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	e.failed(ctx, job, err.Error())
	return nil
}

func (e errorLog) HandlePanic(ctx context.Context, job *rivertype.JobRow, v any, _ string) *river.ErrorHandlerResult {
	e.failed(ctx, job, fmt.Sprintf("panic: %v", v))
	return nil
}

func (e errorLog) failed(ctx context.Context, job *rivertype.JobRow, msg string) {
	if job.Attempt >= job.MaxAttempts {
		e.log.ErrorContext(ctx, "job parked", "job", job.ID, "kind", job.Kind, "attempts", job.Attempt, "err", msg)
		return
	}
	e.log.WarnContext(ctx, "job failed", "job", job.ID, "kind", job.Kind, "attempts", job.Attempt, "err", msg)
}

// rescue hands the jobs of dead runners back to the queue (sqldb.RescueOrphans).
func (r *Runner) rescue(ctx context.Context) {
	n, err := r.queue.RescueOrphans(ctx, r.id)
	switch {
	case err != nil && ctx.Err() == nil:
		r.log.Warn("could not look for the jobs of runners that died", "err", err)
	case n > 0:
		r.log.Info("jobs of a runner that died are queued again", "jobs", n)
	}
}
