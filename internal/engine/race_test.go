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
	"dossier/internal/store"
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
			_, _, errs[i] = e.eng.Fire(e.ctx, u, id, f(i))
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
			errs := race(e, d.ID, approvers, func(int) engine.Fire { return engine.Fire{Event: "approve", IfMatch: new(d.Version)} })
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
				return engine.Fire{Event: "reject", Comment: "price too low"}
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
// reads the FX rates first when the amount is in another currency than
// the matrix's), commits the competing approval, then lets go.
func TestRaceLoserSeesOneSnapshot(t *testing.T) {
	t.Parallel()
	for _, b := range backends() {
		if b.name != "postgres" {
			continue
		}
		t.Run(b.name, func(t *testing.T) {
			e := setup(t, b)
			c := e.cast(t)
			if _, err := e.eng.SetFXRate(e.ctx, c.admin.ID, "USD", "1"); err != nil {
				t.Fatal(err)
			}
			d := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin, amount("50000", "USD")), c.admin, c.reviewer)

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
				_, _, err := e.eng.Fire(e.ctx, c.appr1, d.ID, engine.Fire{Event: "approve"})
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

// TestRaceReviewAgainstCompleteReview: on PostgreSQL, a department's
// rejection committed while complete_review runs must not be lost: the
// agreement may not go on to approval with a department's latest word a
// rejection. The test holds a SHARE lock on reviews, which lets
// complete_review read the sign-offs but stops the rejection's INSERT after
// it has read the document in department_review.
func TestRaceReviewAgainstCompleteReview(t *testing.T) {
	t.Parallel()
	for _, b := range backends() {
		if b.name != "postgres" {
			continue
		}
		t.Run(b.name, func(t *testing.T) {
			e := setup(t, b)
			c := e.cast(t)
			d := e.doc(t, dossier.KindFrameworkAgreement, c.admin)
			e.mustFire(t, d.ID, fire{by: c.admin, event: "submit", to: "department_review"})
			deps := e.departments(t, dossier.KindFrameworkAgreement)
			for _, dep := range deps {
				e.review(t, d.ID, c.reviewer, dep, "approve")
			}

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
			if _, err := lock.ExecContext(e.ctx, `LOCK TABLE reviews IN SHARE MODE`); err != nil {
				t.Fatal(err)
			}
			count := func(q string) int {
				var n int
				if err := db.QueryRowContext(e.ctx, q).Scan(&n); err != nil {
					t.Fatalf("pg_locks: %v", err)
				}
				return n
			}

			reviewed := make(chan error, 1)
			go func() {
				_, err := e.eng.Review(e.ctx, c.reviewer2, d.ID, engine.ReviewRequest{Department: deps[0], Decision: "reject", Comment: "tooling cost not covered"})
				reviewed <- err
			}()
			waitFor(t, "the rejection to wait for the reviews table", func() bool {
				return count(`SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'reviews'::regclass`) > 0
			})
			completed := make(chan error, 1)
			go func() {
				_, _, err := e.eng.Fire(e.ctx, c.admin2, d.ID, engine.Fire{Event: "complete_review"})
				completed <- err
			}()
			// complete_review either commits, or queues behind a lock the rejection holds.
			var completeErr error
			done := false
			waitFor(t, "complete_review to commit or queue", func() bool {
				select {
				case completeErr = <-completed:
					done = true
					return true
				default:
					return count(`SELECT count(*) FROM pg_locks w WHERE NOT w.granted AND w.pid IN
						(SELECT pid FROM pg_locks WHERE relation = 'documents'::regclass AND locktype = 'tuple')`) > 0
				}
			})
			if err := lock.Rollback(); err != nil {
				t.Fatal(err)
			}
			reviewErr := <-reviewed
			if !done {
				completeErr = <-completed
			}
			if code := dossier.ErrorCode(reviewErr); reviewErr != nil && code != dossier.EConflict {
				t.Errorf("rejection: %v, want success or 409", reviewErr)
			}
			if code := dossier.ErrorCode(completeErr); completeErr != nil && code != dossier.EConflict && code != dossier.EUnprocessable {
				t.Errorf("complete_review: %v, want success, 409 or 422", completeErr)
			}

			after := e.get(t, d.ID)
			var reviews []dossier.Review
			e.read(t, func(tx store.Tx) (err error) { reviews, err = tx.Reviews(e.ctx, d.ID, after.Round); return err })
			latest := map[string]string{}
			for _, r := range reviews {
				latest[r.Department] = r.Decision
			}
			if after.State == "pending_approval" && latest[deps[0]] != "approve" {
				t.Errorf("the agreement went on to approval (complete_review: %v) while %s's latest word in round %d is %q (rejection: %v)",
					completeErr, deps[0], after.Round, latest[deps[0]], reviewErr)
			}
		})
	}
}
