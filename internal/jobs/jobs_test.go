package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/jobs"
	"dossier/internal/store"
	"dossier/internal/store/postgres"
	"dossier/internal/store/sqldb"
	"dossier/internal/store/sqlite"
	"dossier/internal/testenv"
)

// stores returns a fresh SQLite store and, when PostgreSQL is configured, a
// store in a fresh PostgreSQL schema.
func stores(t *testing.T) map[string]*sqldb.DB {
	t.Helper()
	out := map[string]*sqldb.DB{"sqlite": openSQLite(t)}
	if testenv.Optional("TEST_DATABASE_URL") {
		out["postgres"] = openPostgres(t)
	}
	return out
}

func openSQLite(t *testing.T) *sqldb.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func openPostgres(t *testing.T) *sqldb.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), testenv.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// start runs a runner of db's queue with handlers until the test ends.
func start(t *testing.T, db *sqldb.DB, handlers map[string]jobs.Handler, c jobs.Config) *jobs.Runner {
	t.Helper()
	r, err := jobs.New(db.JobQueue(), handlers, slog.New(slog.DiscardHandler), c)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("runner: %v", err)
		}
	})
	return r
}

func waitIdle(t *testing.T, r *jobs.Runner) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
}

func enqueue(t *testing.T, s store.Store, jobs ...store.Job) {
	t.Helper()
	if err := s.Write(context.Background(), func(tx store.Tx) error { return tx.Enqueue(context.Background(), jobs...) }); err != nil {
		t.Fatal(err)
	}
}

func queued(t *testing.T, s store.Store, kind string) []store.Job {
	t.Helper()
	var out []store.Job
	err := s.Read(context.Background(), func(tx store.Tx) (err error) { out, err = tx.Jobs(context.Background(), kind, 100); return err })
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestJobRunsOnlyIfItsChangeCommits: a job queued in a transaction that
// rolls back is gone with it; one that commits runs, and wakes the workers
// without waiting for their poll.
func TestJobRunsOnlyIfItsChangeCommits(t *testing.T) {
	for name, db := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ran := make(chan string, 10)
			r := start(t, db, map[string]jobs.Handler{"notify": func(_ context.Context, p []byte) error {
				var v struct{ N string }
				_ = json.Unmarshal(p, &v)
				ran <- v.N
				return nil
			}}, jobs.Config{Poll: time.Hour})
			errRollback := errors.New("roll back")
			err := db.Write(context.Background(), func(tx store.Tx) error {
				if err := tx.Enqueue(context.Background(), store.Job{Kind: "notify", Payload: []byte(`{"n":"rolled back"}`)}); err != nil {
					return err
				}
				return errRollback
			})
			if !errors.Is(err, errRollback) {
				t.Fatalf("Write: %v", err)
			}
			if got := queued(t, db, "notify"); len(got) != 0 {
				t.Fatalf("queued after the rollback: %+v", got)
			}
			enqueue(t, db, store.Job{Kind: "notify", Payload: []byte(`{"n":"committed"}`)})
			select {
			case got := <-ran:
				if got != "committed" {
					t.Fatalf("ran %q, want the committed job", got)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the committed job did not run (with an hour's poll, only the insert can wake the workers)")
			}
			waitIdle(t, r)
			if len(ran) != 0 {
				t.Fatalf("another job ran: %q", <-ran)
			}
		})
	}
}

// TestFailingJobBacksOffThenParks: a job that keeps failing (or panicking)
// is retried after growing waits, parked after MaxAttempts with its last
// error, and listed; a kind the runner has no handler for stays queued.
func TestFailingJobBacksOffThenParks(t *testing.T) {
	for name, db := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			backoff := func(n int) time.Duration { return time.Duration(n) * 20 * time.Millisecond }
			var mu sync.Mutex
			var calls []time.Time
			r := start(t, db, map[string]jobs.Handler{"notify": func(context.Context, []byte) error {
				mu.Lock()
				calls = append(calls, time.Now())
				n := len(calls)
				mu.Unlock()
				if n == 3 {
					panic("a bad payload")
				}
				return errors.New("the far side is down")
			}}, jobs.Config{Backoff: backoff, Poll: 20 * time.Millisecond})
			enqueue(t, db, store.Job{Kind: "notify", Payload: []byte(`{"n":1}`)}, store.Job{Kind: "retain", Payload: []byte(`{"n":2}`)})
			waitIdle(t, r)

			mu.Lock()
			defer mu.Unlock()
			if len(calls) != jobs.MaxAttempts {
				t.Fatalf("%d attempts, want %d", len(calls), jobs.MaxAttempts)
			}
			for i := 1; i < len(calls); i++ {
				if gap := calls[i].Sub(calls[i-1]); gap < backoff(i) {
					t.Errorf("attempt %d came %v after attempt %d, before its backoff of %v", i+1, gap, i, backoff(i))
				}
			}
			parked, err := r.Parked(context.Background(), 10)
			if err != nil || len(parked) != 1 || parked[0].Kind != "notify" || parked[0].Attempts != jobs.MaxAttempts ||
				parked[0].LastError != "the far side is down" {
				t.Fatalf("parked = %+v, %v", parked, err)
			}
			if got := queued(t, db, "retain"); len(got) != 1 || got[0].Attempts != 0 {
				t.Fatalf("the retain job, which this runner has no handler for: %+v, want it queued and untried", got)
			}
		})
	}
}

// TestRunnersShareTheQueue: runners working one database at once (replicas)
// run each job exactly once.
func TestRunnersShareTheQueue(t *testing.T) {
	for name, db := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			const n = 60
			var mu sync.Mutex
			runs := map[string]int{}
			handler := func(_ context.Context, p []byte) error {
				mu.Lock()
				runs[strings.ReplaceAll(string(p), " ", "")]++
				mu.Unlock()
				return nil
			}
			var runners []*jobs.Runner
			for range 3 {
				runners = append(runners, start(t, db, map[string]jobs.Handler{"index": handler}, jobs.Config{}))
			}
			for i := range n {
				enqueue(t, db, store.Job{Kind: "index", Payload: fmt.Appendf(nil, `{"n":%d}`, i)})
			}
			for _, r := range runners {
				waitIdle(t, r)
			}
			mu.Lock()
			defer mu.Unlock()
			for i := range n {
				if k := fmt.Sprintf(`{"n":%d}`, i); runs[k] != 1 {
					t.Errorf("job %s ran %d times", k, runs[k])
				}
			}
			if len(runs) != n {
				t.Errorf("%d distinct jobs ran, want %d", len(runs), n)
			}
		})
	}
}

// TestSchemasKeepTheirJobs: two deployments in two schemas of one
// PostgreSQL database each run their own jobs and only those.
func TestSchemasKeepTheirJobs(t *testing.T) {
	testenv.Require(t, "TEST_DATABASE_URL", "PostgreSQL")
	t.Parallel()
	a, b := openPostgres(t), openPostgres(t)
	var ranA, ranB atomic.Int64
	ra := start(t, a, map[string]jobs.Handler{"notify": func(_ context.Context, p []byte) error {
		if !strings.Contains(string(p), `"a"`) {
			return fmt.Errorf("schema a ran %s", p)
		}
		ranA.Add(1)
		return nil
	}}, jobs.Config{})
	rb := start(t, b, map[string]jobs.Handler{"notify": func(_ context.Context, p []byte) error {
		if !strings.Contains(string(p), `"b"`) {
			return fmt.Errorf("schema b ran %s", p)
		}
		ranB.Add(1)
		return nil
	}}, jobs.Config{})
	for range 5 {
		enqueue(t, a, store.Job{Kind: "notify", Payload: []byte(`{"s":"a"}`)})
	}
	for range 3 {
		enqueue(t, b, store.Job{Kind: "notify", Payload: []byte(`{"s":"b"}`)})
	}
	waitIdle(t, ra)
	waitIdle(t, rb)
	if ranA.Load() != 5 || ranB.Load() != 3 {
		t.Fatalf("schema a ran %d jobs (want 5), schema b %d (want 3)", ranA.Load(), ranB.Load())
	}
	for name, r := range map[string]*jobs.Runner{"a": ra, "b": rb} {
		if parked, err := r.Parked(context.Background(), 10); err != nil || len(parked) != 0 {
			t.Errorf("schema %s parked %+v, %v", name, parked, err)
		}
	}
}

// TestPeriodicJobRunsOnceAcrossReplicas: two runners (replicas) register
// the same periodic job; only the elected leader queues it, so its runs
// come one interval apart, not in pairs.
func TestPeriodicJobRunsOnceAcrossReplicas(t *testing.T) {
	db := openSQLite(t)
	t.Parallel()
	ran := make(chan time.Time, 20)
	handler := func(context.Context, []byte) error { ran <- time.Now(); return nil }
	for range 2 {
		r, err := jobs.New(db.JobQueue(), map[string]jobs.Handler{"notify": handler}, slog.New(slog.DiscardHandler), jobs.Config{})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.AddPeriodic("stamp", time.Second, nil); err == nil {
			t.Error("AddPeriodic of a kind without a handler: no error")
		}
		if err := r.AddPeriodic("notify", time.Second, []byte(`{"what":"tick"}`)); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- r.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-done })
	}
	var runs []time.Time
	for len(runs) < 3 {
		select {
		case at := <-ran:
			runs = append(runs, at)
		case <-time.After(30 * time.Second):
			t.Fatalf("%d periodic runs in 30 s, want 3", len(runs))
		}
	}
	for i := 1; i < len(runs); i++ {
		if gap := runs[i].Sub(runs[i-1]); gap < 500*time.Millisecond {
			t.Errorf("periodic runs %d and %d came %v apart: queued by both replicas", i, i+1, gap)
		}
	}
}

// TestUnknownKindIsRefused: every handler's kind must be in the kinds list.
func TestUnknownKindIsRefused(t *testing.T) {
	db := openSQLite(t)
	_, err := jobs.New(db.JobQueue(), map[string]jobs.Handler{"frobnicate": func(context.Context, []byte) error { return nil }},
		slog.New(slog.DiscardHandler), jobs.Config{})
	if err == nil || !strings.Contains(err.Error(), "frobnicate") {
		t.Fatalf("New with an unknown kind: %v, want an error naming it", err)
	}
}

func TestBackoffGrowsToAnHour(t *testing.T) {
	for n, want := range map[int]time.Duration{1: 2 * time.Second, 2: 4 * time.Second, 9: 512 * time.Second, 12: time.Hour, 40: time.Hour} {
		if got := jobs.Backoff(n); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", n, got, want)
		}
	}
}

// TestUnprocessableJobParksAtOnce: a failure that can never succeed (the
// handler says the input is unprocessable) parks the job after one attempt;
// an admin runs it again, or dismisses it.
func TestUnprocessableJobParksAtOnce(t *testing.T) {
	for name, db := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			calls := 0
			r := start(t, db, map[string]jobs.Handler{"stamp": func(context.Context, []byte) error {
				mu.Lock()
				defer mu.Unlock()
				calls++
				return dossier.Errorf(dossier.EUnprocessable, "the PDF is encrypted")
			}}, jobs.Config{Poll: 20 * time.Millisecond})
			ctx := context.Background()
			enqueue(t, db, store.Job{Kind: "stamp", Payload: []byte(`{"n":1}`)})
			waitIdle(t, r)
			parked, err := r.Parked(ctx, 10)
			if err != nil || len(parked) != 1 || parked[0].Attempts != 1 || !strings.Contains(parked[0].LastError, "encrypted") {
				t.Fatalf("parked = %+v, %v; want the job after one attempt, with its error", parked, err)
			}
			if _, err := r.Retry(ctx, parked[0].ID); err != nil {
				t.Fatalf("retry: %v", err)
			}
			waitIdle(t, r)
			mu.Lock()
			if calls != 2 {
				t.Errorf("%d attempts after a retry, want 2", calls)
			}
			mu.Unlock()
			if err := r.Dismiss(ctx, parked[0].ID); err != nil {
				t.Fatalf("dismiss: %v", err)
			}
			if again, _ := r.Parked(ctx, 10); len(again) != 0 {
				t.Errorf("after dismissing, parked = %+v", again)
			}
			if _, err := r.Retry(ctx, parked[0].ID); dossier.ErrorCode(err) != dossier.ENotFound {
				t.Errorf("retry of a dismissed job: %v, want not found", err)
			}
			enqueue(t, db, store.Job{Kind: "retain", Payload: []byte(`{"n":2}`)}) // no handler here: it stays queued
			waiting := queued(t, db, "retain")
			if err := r.Dismiss(ctx, waiting[0].ID); dossier.ErrorCode(err) != dossier.EConflict {
				t.Errorf("dismissing a queued job: %v, want a conflict", err)
			}
		})
	}
}

// TestRunnerStoppedWhileStarting: a service stopped at once after it started
// (a test, a SIGTERM during start-up) stops its runner cleanly, whatever step
// of its start the cancellation reaches.
func TestRunnerStoppedWhileStarting(t *testing.T) {
	for name, db := range stores(t) {
		t.Run(name, func(t *testing.T) {
			for _, after := range []time.Duration{0, time.Millisecond, 5 * time.Millisecond, 20 * time.Millisecond} {
				r, err := jobs.New(db.JobQueue(), map[string]jobs.Handler{"index": func(context.Context, []byte) error { return nil }},
					slog.New(slog.DiscardHandler), jobs.Config{})
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				go func() { done <- r.Run(ctx) }()
				time.Sleep(after)
				cancel()
				if err := <-done; err != nil {
					t.Errorf("stopped %v after the start: %v", after, err)
				}
			}
		})
	}
}
