package bench

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"dossier/internal/app"
	"dossier/internal/dossier"
	"dossier/internal/engine"
	"dossier/internal/store"
	"dossier/internal/store/postgres"
	"dossier/internal/testenv"
)

const (
	clients          = 16
	stepsPerClient   = 250
	transitionsTotal = clients * stepsPerClient
)

// BenchmarkTransitions drives workflow transitions from 16 concurrent clients
// on PostgreSQL, each on its own purchase order (submit, return, submit, …),
// and in the same run a raw conditional UPDATE loop on the same database with
// the same concurrency. It reports both rates and their ratio, and checks
// that no update was lost.
func BenchmarkTransitions(b *testing.B) {
	url := testenv.PostgresURL(b)
	ctx := context.Background()
	st, err := postgres.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	defs, err := app.LoadWorkflows("")
	if err != nil {
		b.Fatal(err)
	}
	eng := engine.New(st, defs, time.Now)
	admin := addUser(b, st, "admin", dossier.RoleAdmin)
	reviewer := addUser(b, st, "reviewer", dossier.RoleReviewer)

	for i := 0; i < b.N; i++ {
		docs := make([]string, clients)
		for c := range docs {
			docs[c] = addDocument(b, st, admin.ID)
		}
		engineRate, engineCPU := run(b, func(c, step int) error {
			actor, event := admin, "submit"
			if step%2 == 1 {
				actor, event = reviewer, "return"
			}
			_, _, err := eng.Fire(ctx, actor, docs[c], engine.Fire{Event: event, Comment: "bench step"})
			return err
		})
		checkNoLostUpdates(b, st, docs)

		raw, err := sql.Open("pgx", url)
		if err != nil {
			b.Fatal(err)
		}
		raw.SetMaxOpenConns(clients)
		rawRate, rawCPU := run(b, func(c, step int) error {
			state := "in_review"
			if step%2 == 1 {
				state = "received"
			}
			res, err := raw.ExecContext(ctx, `UPDATE documents SET state = $1, version = version + 1
				WHERE id = $2 AND version = $3`, state, docs[c], 1+stepsPerClient+step)
			if n, _ := res.RowsAffected(); err == nil && n != 1 {
				err = fmt.Errorf("raw update of %s lost", docs[c])
			}
			return err
		})
		raw.Close()
		b.ReportMetric(engineRate, "transitions/s")
		b.ReportMetric(rawRate, "raw-updates/s")
		b.ReportMetric(engineRate/rawRate, "ratio")
		b.ReportMetric(ms(engineCPU), "cpu-ms/transition")
		b.ReportMetric(ms(rawCPU), "raw-cpu-ms/update")
		b.Logf("%d clients, %d transitions, load %s: engine %.0f/s (target >= 1000), raw conditional UPDATE %.0f/s, ratio %.2f; "+
			"processor time of this process (PostgreSQL's not counted) %v a transition, %v a raw update",
			clients, transitionsTotal, loadAverage(), engineRate, rawRate, engineRate/rawRate,
			engineCPU.Round(time.Microsecond), rawCPU.Round(time.Microsecond))
	}
}

// run calls step stepsPerClient times from each of the clients at once and
// returns the rate of calls per second and the processor time of a call:
// on a shared machine the rate says as much about the neighbours.
func run(b *testing.B, step func(client, step int) error) (float64, time.Duration) {
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	cpu := cpuTime()
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range stepsPerClient {
				if err := step(c, s); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu = (cpuTime() - cpu) / transitionsTotal
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return float64(transitionsTotal) / elapsed.Seconds(), cpu
}

func checkNoLostUpdates(b *testing.B, st store.Store, docs []string) {
	err := st.Read(context.Background(), func(tx store.Tx) error {
		for _, id := range docs {
			d, err := tx.Document(context.Background(), id)
			if err != nil {
				return err
			}
			h, err := tx.History(context.Background(), id)
			if err != nil {
				return err
			}
			if d.Version != 1+stepsPerClient || len(h) != stepsPerClient {
				return fmt.Errorf("document %s: version %d and %d history entries, want %d and %d",
					id, d.Version, len(h), 1+stepsPerClient, stepsPerClient)
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

func addUser(b *testing.B, st store.Store, name string, role dossier.Role) dossier.User {
	u := dossier.User{ID: ulid.Make().String(), Username: name, Roles: []dossier.Role{role}, PasswordHash: "-", CreatedAt: time.Now()}
	if err := st.Write(context.Background(), func(tx store.Tx) error { return tx.CreateUser(context.Background(), u) }); err != nil {
		b.Fatal(err)
	}
	return u
}

func addDocument(b *testing.B, st store.Store, by string) string {
	now := time.Now().UTC()
	d := dossier.Document{ID: ulid.Make().String(), Kind: dossier.KindPurchaseOrder, Subtype: "serial", Title: "bench PO", Amount: "12500.00", Currency: "EUR",
		State: "received", Version: 1, CreatedBy: by, CreatedAt: now, UpdatedAt: now,
		File: dossier.FileVersion{Version: 1, SHA256: fmt.Sprintf("%064x", now.UnixNano()), Size: 1, MediaType: "text/plain", Filename: "po.txt", CreatedBy: by, CreatedAt: now}}
	if err := st.Write(context.Background(), func(tx store.Tx) error { return tx.CreateDocument(context.Background(), d) }); err != nil {
		b.Fatal(err)
	}
	return d.ID
}
