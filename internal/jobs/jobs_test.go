package jobs_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dossier/internal/jobs"
	"dossier/internal/store"
	"dossier/internal/store/postgres"
	"dossier/internal/store/sqlite"
	"dossier/internal/testenv"
)

func stores(t *testing.T) map[string]store.Store {
	t.Helper()
	out := map[string]store.Store{}
	lite, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lite.Close() })
	out["sqlite"] = lite
	if testenv.Optional("TEST_DATABASE_URL") {
		pg, err := postgres.Open(context.Background(), testenv.PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pg.Close() })
		out["postgres"] = pg
	}
	return out
}

func enqueue(t *testing.T, s store.Store, kind string, at time.Time) {
	t.Helper()
	err := s.Write(context.Background(), func(tx store.Tx) error {
		return tx.Enqueue(context.Background(), store.Job{Kind: kind, Payload: []byte(`{"n":1}`), RunAt: at})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestFailingJobBacksOffThenParks: a job that keeps failing is retried after
// growing waits, parked after MaxAttempts with its last error, and listed.
func TestFailingJobBacksOffThenParks(t *testing.T) {
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			c := testenv.NewClock(time.Now())
			calls := 0
			r := jobs.New(s, map[string]jobs.Handler{"flaky": func(context.Context, []byte) error {
				calls++
				if calls == 3 {
					panic("a bad payload")
				}
				return errors.New("the far side is down")
			}}, slog.New(slog.DiscardHandler), c.Now)
			enqueue(t, s, "flaky", c.Now())
			enqueue(t, s, "unknown", c.Now()) // no handler here: left for another runner
			for attempt := 1; attempt <= jobs.MaxAttempts; attempt++ {
				if ran, err := r.RunOne(context.Background()); err != nil || !ran {
					t.Fatalf("attempt %d: ran %v, %v", attempt, ran, err)
				}
				if ran, _ := r.RunOne(context.Background()); ran {
					t.Fatalf("attempt %d: the job ran again before its backoff of %v", attempt, jobs.Backoff(attempt))
				}
				c.Add(jobs.Backoff(attempt))
			}
			c.Add(24 * time.Hour)
			if ran, _ := r.RunOne(context.Background()); ran {
				t.Fatal("a parked job ran again")
			}
			parked, err := r.Parked(context.Background(), 10)
			if err != nil || len(parked) != 1 || parked[0].Kind != "flaky" || parked[0].Attempts != jobs.MaxAttempts ||
				parked[0].LastError != "the far side is down" {
				t.Fatalf("parked = %+v, %v", parked, err)
			}
		})
	}
}

// TestClaimsDoNotOverlap: runners working the same queue at once run each
// job exactly once.
func TestClaimsDoNotOverlap(t *testing.T) {
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			const n = 60
			for range n {
				enqueue(t, s, "count", time.Now())
			}
			var runs atomic.Int64
			handler := func(context.Context, []byte) error { runs.Add(1); return nil }
			var wg sync.WaitGroup
			for range 4 {
				r := jobs.New(s, map[string]jobs.Handler{"count": handler}, slog.New(slog.DiscardHandler), time.Now)
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						ran, err := r.RunOne(context.Background())
						if err != nil {
							t.Error(err)
							return
						}
						if !ran {
							return
						}
					}
				}()
			}
			wg.Wait()
			if runs.Load() != n {
				t.Fatalf("%d runs for %d jobs", runs.Load(), n)
			}
		})
	}
}
