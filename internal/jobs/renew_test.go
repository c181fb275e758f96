package jobs_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"testing"
	"time"

	"dossier/internal/jobs"
	"dossier/internal/store"
	"dossier/internal/store/postgres"
	"dossier/internal/testenv"
)

// TestRunnerRenewsItsSignOfLife cuts the PostgreSQL connections of a runner
// in the middle of a job, as a database restart does: the runner takes its
// sign of life again, so another runner does not take it for dead and run
// its job a second time.
func TestRunnerRenewsItsSignOfLife(t *testing.T) {
	base := testenv.PostgresURL(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	app := fmt.Sprintf("dossier-jobs-%d", rand.Int64())
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	ctx := context.Background()
	db, err := postgres.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	held := func() (n int) {
		err := admin.QueryRow(`SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = $1`, app).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	c := jobs.Config{RescueEvery: 50 * time.Millisecond}
	running, release := make(chan struct{}), make(chan struct{})
	defer close(release) // before the runners stop, also when the test fails
	start(t, db, map[string]jobs.Handler{"notify": func(context.Context, []byte) error {
		close(running)
		<-release
		return nil
	}}, c)
	enqueue(t, db, store.Job{Kind: "notify", Payload: []byte(`{}`)})
	<-running
	if err := admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, app).Err(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for held() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the runner did not take its sign of life again within 30 s of the cut")
		}
		time.Sleep(20 * time.Millisecond) // polling the runner's own renewal
	}
	other := make(chan struct{}, 1)
	start(t, db, map[string]jobs.Handler{"notify": func(context.Context, []byte) error {
		other <- struct{}{}
		return nil
	}}, c)
	select {
	case <-other:
		t.Errorf("another runner ran the job of a live runner")
	case <-time.After(20 * c.RescueEvery):
	}
}
