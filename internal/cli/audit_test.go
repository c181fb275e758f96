package cli

import (
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"dossier/internal/audit"
	"dossier/internal/signing"
	"dossier/internal/store"
)

// audit checkpoint writes one; audit verify checks against it, with the
// service's key or the one named, and exits 1 once a stream was cut short
// behind the service's back.
func TestAuditCheckpointCommands(t *testing.T) {
	forEachStack(t, func(t *testing.T, s *stack) {
		d := s.document(t, "CUS-1", "a declaration", time.Time{})
		err := s.App.Store.Write(t.Context(), func(tx store.Tx) error {
			return audit.Append(t.Context(), tx, time.Now(), audit.Event{Actor: s.Admin.ID, Action: "document.download", DocumentID: d.ID})
		})
		if err != nil {
			t.Fatal(err)
		}
		code, out, errOut := s.run(t, "audit", "checkpoint")
		var w audit.Written
		if code != 0 || json.Unmarshal([]byte(out), &w) != nil || !strings.HasPrefix(w.Name, audit.CheckpointPrefix) {
			t.Fatalf("audit checkpoint: exit %d:\n%s%s", code, out, errOut)
		}
		if code, out, errOut := s.run(t, "audit", "verify"); code != 0 || !strings.Contains(out, `"stored":1,"checked":1`) {
			t.Fatalf("audit verify: exit %d:\n%s%s", code, out, errOut)
		}
		key := s.App.Key.PublicText()
		if code, out, errOut := s.run(t, "audit", "verify", "--checkpoints", "latest", "--key", key); code != 0 {
			t.Fatalf("audit verify --key (the service's): exit %d:\n%s%s", code, out, errOut)
		}
		other := signing.Generate().PublicText()
		if code, out, _ := s.run(t, "audit", "verify", "--key", other); code != 1 || !strings.Contains(out, "signed by key") {
			t.Errorf("audit verify --key (another): exit %d, want 1 naming the key:\n%s", code, out)
		}
		for _, args := range [][]string{{"--checkpoints", "some"}, {"--key", "ed25519:short"}} {
			if code, _, errOut := s.run(t, append([]string{"audit", "verify"}, args...)...); code != 2 {
				t.Errorf("audit verify %v: exit %d, want 2:\n%s", args, code, errOut)
			}
		}

		// Cut the document's stream short and move its head back: the chain
		// alone still verifies, the checkpoint does not.
		db := rawDB(t, s)
		var last, prevSeq int64
		var prevHash string
		if err := db.QueryRowContext(t.Context(), `SELECT MAX(stream_seq) FROM audit_events WHERE stream = $1`, d.ID).Scan(&last); err != nil || last < 2 {
			t.Fatalf("the document's stream: %d events, %v", last, err)
		}
		if err := db.QueryRowContext(t.Context(), `SELECT stream_seq, hash FROM audit_events WHERE stream = $1 AND stream_seq = $2`, d.ID, last-1).Scan(&prevSeq, &prevHash); err != nil {
			t.Fatal(err)
		}
		mustExec(t, db, `DELETE FROM audit_events WHERE stream = $1 AND stream_seq = $2`, d.ID, last)
		mustExec(t, db, `UPDATE audit_heads SET stream_seq = $1, hash = $2 WHERE stream = $3`, prevSeq, prevHash, d.ID)
		if code, out, errOut := s.run(t, "audit", "verify", "--checkpoints", "none"); code != 0 {
			t.Fatalf("audit verify --checkpoints none after the cut: exit %d, want 0:\n%s%s", code, out, errOut)
		}
		code, out, errOut = s.run(t, "audit", "verify")
		if code != 1 || !strings.Contains(out, "truncated") || !strings.Contains(errOut, "does not match its checkpoints") {
			t.Fatalf("audit verify after the cut: exit %d, want 1 and the stream named truncated:\n%s%s", code, out, errOut)
		}
	})
}

func rawDB(t *testing.T, s *stack) *sql.DB {
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

func mustExec(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	res, err := db.ExecContext(t.Context(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("%s: %d rows, want 1", query, n)
	}
}
