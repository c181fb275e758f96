package faulttest_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", to cut the service's connections

	"dossier/internal/apptest"
	"dossier/internal/faulttest"
	"dossier/internal/pdf/pdftest"
	"dossier/internal/testenv"
)

// TestDatabaseConnectionsCut cuts every PostgreSQL connection of a running
// service (pg_terminate_backend, as a database restart or a failover does)
// again and again under upload and archive load (SPEC §15): requests in
// flight fail cleanly (503, never another 5xx), the pool reconnects without
// a restart of the service, and what was accepted is stored whole.
func TestDatabaseConnectionsCut(t *testing.T) {
	cuts := 3
	if faulttest.Soak() {
		cuts = 15
	}
	admin := testenv.Require(t, "TEST_DATABASE_URL", "PostgreSQL")
	c := apptest.Backends()[1].Config(t) // "servers": PostgreSQL and S3
	app := fmt.Sprintf("dossier-fault-%d", rand.Int64())
	u, err := url.Parse(c.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", app) // the connections to cut, and no other test's
	u.RawQuery = q.Encode()
	c.DatabaseURL = u.String()
	s := stack{name: "servers", bin: faulttest.Binary(t), vars: faulttest.Vars(c)}
	if code, out := faulttest.Run(t, s.bin, s.vars, "user", "add", "--username", "admin", "--password", adminPassword, "--roles", "admin"); code != 0 {
		t.Fatalf("user add: %d: %s", code, out)
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	srv := faulttest.Serve(t, s.bin, s.vars)
	client := faulttest.SignIn(t, srv.URL, "admin", adminPassword)
	ledger := faulttest.NewLedger()
	load := newCrashLoad(client, ledger, runID(), [][]byte{pdftest.Make(t, 1, "database cut")})
	load.allow503 = true
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { load.client(ctx) })
	}
	for i := range cuts {
		load.waitAccepted(t, 3) // the pool has reconnected and works
		var n int
		if err := db.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&n); err != nil {
			t.Fatalf("cut the connections: %v", err)
		}
		if n == 0 {
			t.Fatalf("cut %d: the service has no connection named %s", i+1, app)
		}
		t.Logf("cut %d: %d connections after %d requests accepted", i+1, n, load.accepted())
	}
	load.waitAccepted(t, 3)
	stop()
	wg.Wait()
	if !srv.Running() {
		t.Fatalf("the service died:\n%s", srv.Log())
	}
	if len(load.errors) > 0 {
		t.Errorf("%d answers were 5xx other than 503, e.g. %s; the log says:\n%s", len(load.errors), load.errors[0], failures(srv.Log()))
	}
	uploads, events := ledger.Counts()
	t.Logf("%d cuts: %d uploads and %d events accepted, %d requests failed cleanly", cuts, uploads, events, load.failed())
	ledger.Check(t, client, "received")
	ledger.WaitSearchable(t, client, time.Minute)
	if code := srv.Term(); code != 0 {
		t.Errorf("dossier serve exited with %d", code)
	}
	srv.RequireCleanLog(t)
	s.requireClean(t)
}

// failures are the log lines of requests that failed with a 500.
func failures(log string) string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "request failed") && !strings.Contains(l, "unavailable") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
