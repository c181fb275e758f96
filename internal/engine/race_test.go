package engine_test

import (
	"database/sql"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"

	"dossier/internal/dossier"
	"dossier/internal/engine"
)

const racers = 16

// race fires one request per actor at document id, all released at once
// from a barrier, and returns the errors in actor order.
func race(e *env, id string, actors []dossier.User, f func(i int) engine.Fire) []error {
	errs := make([]error, len(actors))
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i, u := range actors {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			_, errs[i] = e.eng.Fire(e.ctx, u, id, f(i))
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return errs
}

// oneWinner checks that exactly one request won and every other got 409.
func oneWinner(t *testing.T, errs []error) int {
	t.Helper()
	winner, wins := -1, 0
	for i, err := range errs {
		switch {
		case err == nil:
			winner, wins = i, wins+1
		case dossier.ErrorCode(err) != dossier.EConflict:
			t.Errorf("racer %d: %v, want success or %s", i, err, dossier.EConflict)
		}
	}
	if wins != 1 {
		t.Errorf("%d racers won, want exactly 1", wins)
	}
	return winner
}

// TestRaces: SPEC §15 — N clients firing the same event on one document:
// exactly one wins, the others get 409, the version moves by exactly one and
// exactly one approval is stored.
func TestRaces(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		makeUsers := func(prefix string, level int, roles ...dossier.Role) []dossier.User {
			us := make([]dossier.User, racers)
			for i := range us {
				us[i] = e.user(t, fmt.Sprintf("%s-%02d", prefix, i), level, roles...)
			}
			return us
		}
		admins := makeUsers("admin", 0, dossier.RoleAdmin)
		approvers := makeUsers("l3", 3, dossier.RoleApprover)

		t.Run("submit", func(t *testing.T) {
			d := e.doc(t, dossier.KindPurchaseOrder, c.admin)
			errs := race(e, d.ID, admins, func(int) engine.Fire { return engine.Fire{Event: "submit"} })
			w := oneWinner(t, errs)
			after := e.get(t, d.ID)
			if after.State != "in_review" || after.Version != d.Version+1 {
				t.Errorf("after the race: %s v%d, want in_review v%d", after.State, after.Version, d.Version+1)
			}
			h := e.history(t, d.ID)
			if len(h) != 1 || w < 0 || h[0].Actor != admins[w].ID {
				t.Errorf("history = %+v, want one submit by the winner", h)
			}
		})

		t.Run("approve the only level", func(t *testing.T) {
			d := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin), c.admin, c.reviewer)
			errs := race(e, d.ID, approvers, func(int) engine.Fire { return engine.Fire{Event: "approve"} })
			w := oneWinner(t, errs)
			after := e.get(t, d.ID)
			if after.State != "approved" || after.Version != d.Version+1 {
				t.Errorf("after the race: %s v%d, want approved v%d", after.State, after.Version, d.Version+1)
			}
			a := e.approvals(t, d.ID)
			if len(a.Approvals) != 1 || w < 0 || a.Approvals[0].ApproverID != approvers[w].ID {
				t.Errorf("approvals = %+v, want one by the winner", a.Approvals)
			}
			if got := e.jobStates(t, "stamp", d.ID); len(got) != 1 {
				t.Errorf("stamp jobs = %v, want one", got)
			}
		})

		t.Run("approve level 1 of 2 with If-Match", func(t *testing.T) {
			// Every racer could approve level 2 as well, so only If-Match
			// keeps the losers from signing the next level unseen.
			d := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin, amount("150000", "EUR")), c.admin, c.reviewer)
			errs := race(e, d.ID, approvers, func(int) engine.Fire { return engine.Fire{Event: "approve", IfMatch: d.Version} })
			oneWinner(t, errs)
			after := e.get(t, d.ID)
			if after.State != "pending_approval" || after.Version != d.Version+1 {
				t.Errorf("after the race: %s v%d, want pending_approval v%d", after.State, after.Version, d.Version+1)
			}
			if a := e.approvals(t, d.ID); len(a.Approvals) != 1 || a.NextLevel != 2 {
				t.Errorf("approvals = %+v, want level 1 only, next 2", a)
			}
		})

		t.Run("reject against approve", func(t *testing.T) {
			d := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin), c.admin, c.reviewer)
			errs := race(e, d.ID, approvers, func(i int) engine.Fire {
				if i%2 == 0 {
					return engine.Fire{Event: "approve"}
				}
				return engine.Fire{Event: "reject"}
			})
			w := oneWinner(t, errs)
			after := e.get(t, d.ID)
			want := "approved"
			if w%2 == 1 {
				want = "rejected"
			}
			if after.State != want || after.Version != d.Version+1 {
				t.Errorf("after the race won by %d: %s v%d, want %s v%d", w, after.State, after.Version, want, d.Version+1)
			}
		})
		e.verifyAudit(t)
	})
}

// TestRaceLoserSeesOneSnapshot pins down on PostgreSQL the interleaving
// that TestRaces hits by chance: a request reads the document, another
// transaction approves and commits, then the first request's guards read
// the approvals. Whatever it then decides must rest on one consistent view:
// it wins (having locked the document first) or it gets 409 — not a 422
// built from the document of before and the approvals of after.
//
// The test holds an exclusive lock on fx_rates to stop the request between
// its read of the document and its read of the approvals (the doa guard
// reads the FX rates first), commits the competing approval, then lets go.
func TestRaceLoserSeesOneSnapshot(t *testing.T) {
	t.Parallel()
	for _, b := range backends() {
		if b.name != "postgres" {
			continue
		}
		t.Run(b.name, func(t *testing.T) {
			e := setup(t, b)
			c := e.cast(t)
			d := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin), c.admin, c.reviewer)

			db, err := sql.Open("pgx", e.url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			lock, err := db.BeginTx(e.ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer lock.Rollback()
			if _, err := lock.ExecContext(e.ctx, `LOCK TABLE fx_rates IN ACCESS EXCLUSIVE MODE`); err != nil {
				t.Fatal(err)
			}
			// blocked counts the lock requests waiting on this schema's
			// fx_rates, or those of process pid when pid is not 0.
			blocked := func(pid int) int {
				q, args := `SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'fx_rates'::regclass`, []any{}
				if pid != 0 {
					q, args = `SELECT count(*) FROM pg_locks WHERE NOT granted AND pid = $1`, []any{pid}
				}
				var n int
				if err := db.QueryRowContext(e.ctx, q, args...).Scan(&n); err != nil {
					t.Fatalf("pg_locks: %v", err)
				}
				return n
			}

			loser := make(chan error, 1)
			go func() {
				_, err := e.eng.Fire(e.ctx, c.appr1, d.ID, engine.Fire{Event: "approve"})
				loser <- err
			}()
			waitFor(t, "the request to wait for fx_rates", func() bool { return blocked(0) > 0 })

			// The competing approval, as the engine would commit it.
			winner := make(chan error, 1)
			winnerPID := make(chan int, 1)
			go func() {
				winner <- func() error {
					tx, err := db.BeginTx(e.ctx, nil)
					if err != nil {
						winnerPID <- -1
						return err
					}
					defer tx.Rollback()
					var pid int
					if err := tx.QueryRowContext(e.ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
						winnerPID <- -1
						return err
					}
					winnerPID <- pid
					res, err := tx.ExecContext(e.ctx, `UPDATE documents SET state = 'approved', version = version + 1
						WHERE id = $1 AND version = $2`, d.ID, d.Version)
					if err != nil {
						return err
					}
					if n, _ := res.RowsAffected(); n != 1 {
						return fmt.Errorf("lost the race")
					}
					if _, err := tx.ExecContext(e.ctx, `INSERT INTO approvals (document_id, round, level, approver_id, on_behalf_of, at)
						VALUES ($1, $2, 1, $3, '', $4)`, d.ID, d.Round, c.appr1b.ID, e.clock.Now()); err != nil {
						return err
					}
					return tx.Commit()
				}()
			}()
			// Either the competitor commits, or it queues behind a lock the request holds.
			pid := <-winnerPID
			var winnerErr error
			winnerDone := false
			waitFor(t, "the competing approval to commit or queue", func() bool {
				select {
				case winnerErr = <-winner:
					winnerDone = true
					return true
				default:
					return pid > 0 && blocked(pid) > 0
				}
			})
			if err := lock.Rollback(); err != nil {
				t.Fatal(err)
			}
			err = <-loser
			if !winnerDone {
				winnerErr = <-winner
			}
			if err != nil && dossier.ErrorCode(err) != dossier.EConflict {
				t.Errorf("the request that read the document before the competing approval committed got %v, want success or 409", err)
			}
			if (err == nil) == (winnerErr == nil) {
				t.Errorf("request: %v, competitor: %v; want exactly one to win", err, winnerErr)
			}
			after := e.get(t, d.ID)
			a := e.approvals(t, d.ID)
			if after.State != "approved" || after.Version != d.Version+1 || len(a.Approvals) != 1 {
				t.Errorf("after the race: %s v%d with %d approvals, want approved v%d with 1", after.State, after.Version, len(a.Approvals), d.Version+1)
			}
		})
	}
}

// waitFor polls cond until it holds, failing the test after ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		runtime.Gosched()
	}
}
