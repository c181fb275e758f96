package audit_test

import (
	"database/sql"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"dossier/internal/apptest"
	"dossier/internal/audit"
	"dossier/internal/auditchain"
	"dossier/internal/dossier"
	"dossier/internal/signing"
	"dossier/internal/store"
)

// rawDB opens the stack's database behind the service's back, as an
// intruder with the database's credentials would.
func rawDB(t *testing.T, s *apptest.Stack) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", s.Config.DatabaseURL
	if path, ok := strings.CutPrefix(dsn, "sqlite://"); ok {
		driver, dsn = "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// appendEvents appends n events, one transaction each, on the streams of
// docs in turn ("" for the system stream).
func appendEvents(t *testing.T, st store.Store, n int, docs ...string) {
	t.Helper()
	for i := range n {
		e := audit.Event{Actor: "01JUSER", Action: "document.edit", DocumentID: docs[i%len(docs)],
			Details: map[string]any{"i": i, "amount": "12500.00"}}
		if err := st.Write(t.Context(), func(tx store.Tx) error { return audit.Append(t.Context(), tx, time.Now(), e) }); err != nil {
			t.Fatal(err)
		}
	}
}

// rehash recomputes every hash and link of stream in the database after
// its events were changed, and moves the recorded head: afterwards the
// chain alone verifies again. It is the rewrite a checkpoint must expose.
func rehash(t *testing.T, db *sql.DB, st store.Store, stream string) {
	t.Helper()
	var events []dossier.AuditEvent
	err := st.Read(t.Context(), func(tx store.Tx) error {
		return tx.ScanAudit(t.Context(), func(e dossier.AuditEvent) error {
			if e.Stream == stream {
				events = append(events, e)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	prev := ""
	for _, e := range events {
		e.PrevHash = prev
		e.Hash = auditchain.Hash(e)
		exec(t, db, `UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE seq = $3`, e.PrevHash, e.Hash, e.Seq)
		prev = e.Hash
	}
	exec(t, db, `UPDATE audit_heads SET stream_seq = $1, hash = $2 WHERE stream = $3`, events[len(events)-1].StreamSeq, prev, stream)
}

// streamEvents returns the events of stream, in order.
func streamEvents(t *testing.T, st store.Store, stream string) []dossier.AuditEvent {
	t.Helper()
	events, _, err := audit.NewTrail(st).List(t.Context(), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []dossier.AuditEvent
	for _, e := range events {
		if e.Stream == stream {
			out = append(out, e)
		}
	}
	return out
}

func verifyWith(t *testing.T, s *apptest.Stack, mode string) audit.Result {
	t.Helper()
	res, err := audit.VerifyWith(t.Context(), s.App.Store, audit.VerifyOptions{
		Records: s.App.Blobs, Key: s.App.Key.Public(), Checkpoints: mode})
	if err != nil {
		t.Fatalf("VerifyWith(%s): %v", mode, err)
	}
	return res
}

// wantProblem fails unless res is not ok and names stream with a reason
// containing want.
func wantProblem(t *testing.T, res audit.Result, stream, want string) {
	t.Helper()
	if res.OK {
		t.Fatalf("verify = ok, want a problem with stream %s: %+v", stream, res)
	}
	for _, p := range res.Problems {
		if p.Stream == stream && strings.Contains(p.Reason, want) && p.Checkpoint != "" {
			return
		}
	}
	t.Fatalf("problems %+v: none names stream %s with %q", res.Problems, stream, want)
}

// An old event is changed and every hash after it recomputed, heads
// included: the chains verify, the checkpoint does not.
func TestCheckpointCatchesRewrite(t *testing.T) {
	apptest.ForEachStack(t, func(t *testing.T, s *apptest.Stack) {
		st := s.App.Store
		appendEvents(t, st, 12, "", docA, docB)
		w, ok, err := s.App.Checkpoints.Write(t.Context(), s.Admin.ID, false)
		if err != nil || !ok {
			t.Fatalf("Write = %v, %v; want a checkpoint", ok, err)
		}
		appendEvents(t, st, 3, docA) // after the checkpoint: not pinned, still chained
		res := verifyWith(t, s, audit.CheckAll)
		if !res.OK || res.Checkpoints == nil || res.Checkpoints.Stored != 1 || res.Checkpoints.Checked != 1 || res.Checkpoints.Latest != w.Name {
			t.Fatalf("before the rewrite: %+v (checkpoints %+v), want ok with checkpoint %s checked", res, res.Checkpoints, w.Name)
		}

		db := rawDB(t, s)
		old := streamEvents(t, st, docA)[1]
		exec(t, db, `UPDATE audit_events SET details = $1 WHERE seq = $2`, `{"amount":"1.00","i":1}`, old.Seq)
		rehash(t, db, st, docA)

		if res := verifyWith(t, s, audit.CheckNone); !res.OK {
			t.Fatalf("the rewrite is not consistent, so it proves nothing: %+v", res)
		}
		for _, mode := range []string{audit.CheckAll, audit.CheckLatest} {
			res := verifyWith(t, s, mode)
			wantProblem(t, res, docA, "rewritten")
			if len(res.Problems) != 1 {
				t.Errorf("%s: problems %+v, want only stream %s's", mode, res.Problems, docA)
			}
		}
		// The API says the same to an auditor.
		srv := apptest.Start(t, s.Config)
		resp := srv.Do(t, "GET", "/api/v1/audit/verify", signIn(t, srv, s), nil)
		var got audit.Result
		srv.JSON(t, resp, &got)
		if resp.StatusCode != 200 || got.OK || len(got.Problems) != 1 || got.Problems[0].Stream != docA {
			t.Errorf("GET /api/v1/audit/verify: %d %+v, want ok false naming %s", resp.StatusCode, got, docA)
		}
	})
}

// The last events of a stream are deleted and its head moved back: the
// chain is whole, but it no longer reaches the head the checkpoint saw.
func TestCheckpointCatchesTruncation(t *testing.T) {
	apptest.ForEachStack(t, func(t *testing.T, s *apptest.Stack) {
		st := s.App.Store
		appendEvents(t, st, 12, "", docA, docB)
		if _, _, err := s.App.Checkpoints.Write(t.Context(), "", true); err != nil {
			t.Fatal(err)
		}
		db := rawDB(t, s)
		events := streamEvents(t, st, docB)
		for _, e := range events[len(events)-2:] {
			exec(t, db, `DELETE FROM audit_events WHERE seq = $1`, e.Seq)
		}
		keep := events[len(events)-3]
		exec(t, db, `UPDATE audit_heads SET stream_seq = $1, hash = $2 WHERE stream = $3`, keep.StreamSeq, keep.Hash, docB)

		if res := verifyWith(t, s, audit.CheckNone); !res.OK {
			t.Fatalf("the truncation is not consistent, so it proves nothing: %+v", res)
		}
		wantProblem(t, verifyWith(t, s, audit.CheckAll), docB, "truncated")

		// A whole stream gone, head and all.
		exec(t, db, `DELETE FROM audit_heads WHERE stream = $1`, docA)
		if _, err := db.ExecContext(t.Context(), `DELETE FROM audit_events WHERE stream = $1`, docA); err != nil {
			t.Fatal(err)
		}
		res := verifyWith(t, s, audit.CheckAll)
		wantProblem(t, res, docA, "deleted")
		wantProblem(t, res, docB, "truncated")
	})
}

// A scheduled checkpoint is written only when a chain moved, and each
// links to the one before; the trail announces each in its own stream.
func TestCheckpointSchedule(t *testing.T) {
	apptest.ForEachStack(t, func(t *testing.T, s *apptest.Stack) {
		st, cp := s.App.Store, s.App.Checkpoints
		cp.FullEvery = 3
		appendEvents(t, st, 4, docA)
		first, ok, err := cp.Write(t.Context(), "", false)
		if err != nil || !ok || first.Previous != nil || !first.Full {
			t.Fatalf("first Write = %+v, %v, %v; want a full checkpoint with no previous", first, ok, err)
		}
		if _, ok, err := cp.Write(t.Context(), "", false); err != nil || ok {
			t.Fatalf("Write with nothing moved = %v, %v; want nothing written", ok, err)
		}
		appendEvents(t, st, 1, docB)
		second, ok, err := cp.Write(t.Context(), "", false)
		if err != nil || !ok {
			t.Fatalf("Write after an event = %v, %v; want a checkpoint", ok, err)
		}
		if second.Full || second.Previous == nil || *second.Previous != (audit.Link{Name: first.Name, SHA256: first.SHA256}) || second.Name <= first.Name {
			t.Fatalf("second checkpoint %s links to %+v, want %s (%s)", second.Name, second.Previous, first.Name, first.SHA256)
		}
		// The second lists what moved: docB, and the first's announcement
		// (never its own).
		if got, want := headMap(second.Checkpoint), map[string]int64{docB: 1, audit.CheckpointStream: 1}; !maps.Equal(got, want) {
			t.Errorf("partial checkpoint's heads %v, want %v", got, want)
		}
		third, _, err := cp.Write(t.Context(), s.Admin.ID, true)
		if err != nil || third.Previous == nil || third.Previous.Name != second.Name {
			t.Fatalf("Write on demand = %+v, %v; want one after %s", third, err, second.Name)
		}
		announced, _, err := audit.NewTrail(st).List(t.Context(), audit.Filter{Action: audit.CheckpointAction})
		if err != nil || len(announced) != 3 {
			t.Fatalf("audit.checkpoint events: %d, %v; want 3", len(announced), err)
		}
		if e := announced[2]; e.Actor != s.Admin.ID || e.Stream != audit.CheckpointStream || !strings.Contains(string(e.Details), third.Name) {
			t.Errorf("the on-demand checkpoint's event %+v: want the admin as actor and %s named", e, third.Name)
		}
		stored, err := s.App.Blobs.GetRecord(t.Context(), third.Name)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := audit.ParseCheckpoint(stored)
		if err != nil || parsed.Check(s.App.Key.Public()) != nil {
			t.Fatalf("stored checkpoint: %v, signature %v", err, parsed.Check(s.App.Key.Public()))
		}
		res := verifyWith(t, s, audit.CheckAll)
		if !res.OK || res.Checkpoints.Stored != 3 || res.Checkpoints.Checked != 3 || res.Checkpoints.Latest != third.Name {
			t.Fatalf("verify = %+v %+v, want ok with 3 checkpoints checked", res, res.Checkpoints)
		}
		// Every third one is full again.
		fourth, _, err := cp.Write(t.Context(), "", true)
		if err != nil || !fourth.Full {
			t.Fatalf("fourth Write = %+v, %v; want a full checkpoint", fourth, err)
		}
		want := map[string]int64{docA: 4, docB: 1, dossier.SystemStream: 1, audit.CheckpointStream: 3}
		if got := headMap(fourth.Checkpoint); !maps.Equal(got, want) {
			t.Errorf("full checkpoint's heads %v, want %v", got, want)
		}
		res = verifyWith(t, s, audit.CheckLatest)
		if !res.OK || res.Checkpoints.Checked != 1 || res.Checkpoints.Latest != fourth.Name {
			t.Fatalf("verify latest = %+v %+v, want ok with the full one alone checked", res, res.Checkpoints)
		}
	})
}

func headMap(c audit.Checkpoint) map[string]int64 {
	m := map[string]int64{}
	for _, h := range c.Heads {
		m[h.Stream] = h.Seq
	}
	return m
}

// A head pinned by a partial checkpoint only is checked too, also when
// only the latest state is asked for (the full checkpoint and those after).
func TestCheckpointPartialPins(t *testing.T) {
	apptest.ForEachStack(t, func(t *testing.T, s *apptest.Stack) {
		st, cp := s.App.Store, s.App.Checkpoints
		appendEvents(t, st, 2, docA, docB)
		if _, _, err := cp.Write(t.Context(), "", false); err != nil {
			t.Fatal(err)
		}
		appendEvents(t, st, 1, docB)
		partial, _, err := cp.Write(t.Context(), "", false)
		if err != nil || partial.Full || headMap(partial.Checkpoint)[docB] != 2 {
			t.Fatalf("partial Write = %+v, %v; want docB at 2", partial, err)
		}
		db := rawDB(t, s)
		exec(t, db, `UPDATE audit_events SET details = $1 WHERE seq = $2`, `{"i":99}`, streamEvents(t, st, docB)[1].Seq)
		rehash(t, db, st, docB)
		res := verifyWith(t, s, audit.CheckLatest)
		wantProblem(t, res, docB, "rewritten")
		if res.Checkpoints.Checked != 2 || res.Problems[0].Checkpoint != partial.Name {
			t.Errorf("verify latest: %+v %+v, want 2 checked and %s named", res.Problems, res.Checkpoints, partial.Name)
		}
	})
}

// Checkpoints signed by another key, or taken away, do not pass.
func TestCheckpointSignatureAndLinks(t *testing.T) {
	apptest.ForEachStack(t, func(t *testing.T, s *apptest.Stack) {
		appendEvents(t, s.App.Store, 3, docA)
		w, _, err := s.App.Checkpoints.Write(t.Context(), "", true)
		if err != nil {
			t.Fatal(err)
		}
		other := signing.Generate()
		res, err := audit.VerifyWith(t.Context(), s.App.Store, audit.VerifyOptions{Records: s.App.Blobs, Key: other.Public()})
		if err != nil || res.OK || res.Checkpoints.Checked != 0 || len(res.Problems) == 0 || !strings.Contains(res.Problems[0].Reason, "signed by key") {
			t.Fatalf("verify with another key = %+v, %v; want the checkpoint refused", res, err)
		}
		// A forger who holds a key but not the store's history: a
		// checkpoint of their own, stored as if it followed w, is caught
		// by the link it cannot make.
		forged := audit.Checkpoint{Version: audit.CheckpointVersion, Time: w.Time.Add(time.Second), Heads: w.Heads}
		data, err := forged.Seal(s.App.Key)
		if err != nil {
			t.Fatal(err)
		}
		name := audit.CheckpointName(forged.Time)
		if err := s.App.Blobs.PutRecord(t.Context(), name, data, time.Time{}); err != nil {
			t.Fatal(err)
		}
		res = verifyWith(t, s, audit.CheckAll)
		if res.OK || len(res.Problems) != 1 || res.Problems[0].Checkpoint != name || !strings.Contains(res.Problems[0].Reason, "names no checkpoint before it") {
			t.Fatalf("verify with a checkpoint inserted = %+v, want it named", res)
		}
		if s.BlobDir() == "" {
			return // S3 object lock forbids what follows; blob/s3 tests that
		}
		// On files, someone with write access to the directory removes the
		// first checkpoint; the trail still announces it.
		dir := filepath.Join(s.BlobDir(), "records", "checkpoints")
		if err := os.Remove(filepath.Join(dir, strings.TrimPrefix(w.Name, audit.CheckpointPrefix))); err != nil {
			t.Fatal(err)
		}
		res = verifyWith(t, s, audit.CheckAll)
		found := false
		for _, p := range res.Problems {
			found = found || (p.Checkpoint == w.Name && strings.Contains(p.Reason, "no longer has it"))
		}
		if res.OK || !found {
			t.Fatalf("verify with a checkpoint deleted = %+v, want %s reported missing", res.Problems, w.Name)
		}
	})
}

// signIn makes an auditor on the running service and signs them in.
func signIn(t *testing.T, srv *apptest.Server, s *apptest.Stack) string {
	t.Helper()
	srv.AddUser(t, fmt.Sprintf("auditor-%s", s.Name), []dossier.Role{dossier.RoleAuditor}, 0)
	return srv.SignIn(t, fmt.Sprintf("auditor-%s", s.Name))
}

// Checkpoints asked for at once each link to the one before, or end in a
// conflict; never in a fork that verify would take for tampering.
func TestCheckpointRace(t *testing.T) {
	apptest.ForEachStack(t, func(t *testing.T, s *apptest.Stack) {
		appendEvents(t, s.App.Store, 3, docA)
		const writers = 6
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() { _, _, errs[i] = s.App.Checkpoints.Write(t.Context(), s.Admin.ID, true) })
		}
		wg.Wait()
		written := 0
		for i, err := range errs {
			switch {
			case err == nil:
				written++
			case dossier.ErrorCode(err) != dossier.EConflict:
				t.Errorf("writer %d: %v, want success or a conflict", i, err)
			}
		}
		t.Logf("%d of %d writers wrote a checkpoint", written, writers)
		res := verifyWith(t, s, audit.CheckAll)
		if written == 0 || !res.OK || res.Checkpoints.Stored != written || res.Checkpoints.Checked != written {
			t.Fatalf("%d written; verify = %+v %+v, want ok with all of them checked", written, res, res.Checkpoints)
		}
	})
}
