package jobs_test

import (
	"context"
	"database/sql"
	"sync/atomic"
	"testing"
	"time"

	"dossier/internal/jobs"
	"dossier/internal/store"
)

// TestJobOfADeadRunnerRunsAgain: a runner killed in the middle of a job
// leaves it "running" under its id, and River would wait an hour before
// rescuing it. A runner that starts finds that nobody holds the dead
// runner's sign of life and runs the job again, at once and once.
func TestJobOfADeadRunnerRunsAgain(t *testing.T) {
	for name, db := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			enqueue(t, db, store.Job{Kind: "notify", Payload: []byte(`{"n":"orphan"}`)})
			// What SIGKILL leaves behind, written as River would have.
			deadRunner := `UPDATE river_job SET state = 'running', attempt = 1, attempted_by = ARRAY['dossier-dead'] WHERE kind = 'notify'`
			if name == "sqlite" {
				deadRunner = `UPDATE river_job SET state = 'running', attempt = 1, attempted_by = jsonb('["dossier-dead"]') WHERE kind = 'notify'`
			}
			err := db.WriteSQL(context.Background(), func(tx *sql.Tx) error {
				res, err := tx.Exec(deadRunner)
				if n, _ := res.RowsAffected(); err == nil && n != 1 {
					t.Fatalf("%d jobs marked running, want 1", n)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			var runs atomic.Int32
			ran := make(chan struct{}, 1)
			r := start(t, db, map[string]jobs.Handler{"notify": func(context.Context, []byte) error {
				runs.Add(1)
				ran <- struct{}{}
				return nil
			}}, jobs.Config{})
			select {
			case <-ran:
			case <-time.After(30 * time.Second):
				t.Fatalf("the job of the dead runner did not run again within 30 s")
			}
			waitIdle(t, r)
			if got := queued(t, db, "notify"); len(got) != 0 {
				t.Errorf("jobs left after the rescue: %+v", got)
			}
			if n := runs.Load(); n != 1 {
				t.Errorf("the job ran %d times, want once", n)
			}
		})
	}
}
