package storetest

import (
	"encoding/json"
	"errors"
	"maps"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

func testTransactions(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Run("ErrorRollsBackEverything", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var u dossier.User
		var first dossier.AuditEvent
		write(t, s, func(tx store.Tx) error {
			u = newUser(t, tx)
			first = appendEvent(t, tx, eventFixture("", u.ID))
			return nil
		})
		heads := auditHeads(t, s)

		var doc dossier.Document
		err := s.Write(t.Context(), func(tx store.Tx) error {
			doc = newDocument(t, tx, u.ID)
			appendEvent(t, tx, eventFixture(doc.ID, u.ID, func(e *dossier.AuditEvent) { e.Action = "document.upload" }))
			appendEvent(t, tx, eventFixture("", u.ID))
			job := store.Job{Kind: "extract_text", Payload: json.RawMessage(`{"document_id":"` + doc.ID + `"}`), RunAt: now()}
			if err := tx.Enqueue(ctx(t), job); err != nil {
				t.Fatalf("Enqueue: %v", err)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("Write: got %v, want the callback's error", err)
		}

		read(t, s, func(tx store.Tx) error {
			_, err := tx.Document(ctx(t), doc.ID)
			wantCode(t, err, dossier.ENotFound, "Document created in a rolled-back Write")
			inUse, err := tx.BlobInUse(ctx(t), doc.File.SHA256)
			if err != nil {
				return err
			}
			if inUse {
				t.Errorf("BlobInUse of the rolled-back document's file: true, want false")
			}
			return nil
		})
		if got := queued(t, s, "extract_text"); len(got) != 0 {
			t.Errorf("jobs after the rollback: %+v, want none", got)
		}
		if got := listAudit(t, s, store.AuditFilter{DocumentID: doc.ID}); len(got) != 0 {
			t.Errorf("ListAudit of the rolled-back document: %d events, want none", len(got))
		}
		checkEvents(t, "ScanAudit after the rollback", []dossier.AuditEvent{first}, scanAudit(t, s))
		if got := auditHeads(t, s); !maps.Equal(got, heads) {
			t.Errorf("AuditHeads after the rollback:\n  got  %v\n  want %v", got, heads)
		}

		// The chain goes on from the committed head, not from a head the
		// rolled-back transaction left in some cache.
		var next dossier.AuditEvent
		write(t, s, func(tx store.Tx) error { next = appendEvent(t, tx, eventFixture("", u.ID)); return nil })
		if next.StreamSeq != 2 || next.PrevHash != first.Hash {
			t.Errorf("append after the rollback: StreamSeq %d PrevHash %q, want 2 and %q", next.StreamSeq, next.PrevHash, first.Hash)
		}
	})

	t.Run("CommitIsVisible", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var u dossier.User
		write(t, s, func(tx store.Tx) error { u = newUser(t, tx); return nil })
		read(t, s, func(tx store.Tx) error {
			got, err := tx.UserByID(ctx(t), u.ID)
			if err != nil {
				t.Errorf("UserByID after commit: %v", err)
			} else if got.Username != u.Username {
				t.Errorf("UserByID after commit: username %q, want %q", got.Username, u.Username)
			}
			return nil
		})
	})

	t.Run("ReadReturnsCallbackError", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		err := s.Read(t.Context(), func(store.Tx) error { return errRollback })
		if !errors.Is(err, errRollback) {
			t.Errorf("Read: got %v, want the callback's error", err)
		}
	})

	t.Run("ReadIsReadOnly", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		u := userFixture()
		err := s.Read(t.Context(), func(tx store.Tx) error { return tx.CreateUser(ctx(t), u) })
		if err == nil {
			t.Errorf("CreateUser inside Read: got nil error, want the write refused")
		}
		read(t, s, func(tx store.Tx) error {
			_, err := tx.UserByID(ctx(t), u.ID)
			wantCode(t, err, dossier.ENotFound, "UserByID of a user created inside Read")
			return nil
		})
	})

	t.Run("Ping", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		if err := s.Ping(t.Context()); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})

	t.Run("Enqueue", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var doc dossier.Document
		write(t, s, func(tx store.Tx) error {
			doc = newDocument(t, tx, newUser(t, tx).ID)
			for _, j := range []store.Job{
				{Kind: "extract_text", Payload: json.RawMessage(`{"document_id":"` + doc.ID + `"}`), RunAt: now()},
				{Kind: "index", Payload: json.RawMessage(`{"document_id":"` + doc.ID + `"}`), RunAt: now().Add(time.Minute)},
			} {
				if err := tx.Enqueue(ctx(t), j); err != nil {
					t.Errorf("Enqueue %s: %v", j.Kind, err)
				}
			}
			return nil
		})
		// The jobs commit with the document they belong to.
		getDocument(t, s, doc.ID)
		for _, kind := range []string{"extract_text", "index"} {
			// PostgreSQL stores the payload as jsonb: same JSON, other spacing.
			var p struct {
				DocumentID string `json:"document_id"`
			}
			got := queued(t, s, kind)
			if len(got) != 1 || json.Unmarshal(got[0].Payload, &p) != nil || p.DocumentID != doc.ID || got[0].Attempts != 0 {
				t.Errorf("queued %s jobs: %+v, want one for document %s", kind, got, doc.ID)
			}
		}
	})

	t.Run("EnqueueUnique", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		for range 2 {
			write(t, s, func(tx store.Tx) error {
				return tx.Enqueue(ctx(t), store.Job{Kind: "notify", Payload: json.RawMessage(`{"to":"ann"}`), UniqueFor: time.Hour},
					store.Job{Kind: "notify", Payload: json.RawMessage(`{"to":"bob"}`), UniqueFor: time.Hour})
			})
		}
		write(t, s, func(tx store.Tx) error {
			return tx.Enqueue(ctx(t), store.Job{Kind: "notify", Payload: json.RawMessage(`{"to":"ann"}`)})
		})
		// Once per payload and hour; a job without UniqueFor is always queued.
		if got := queued(t, s, "notify"); len(got) != 3 {
			t.Errorf("queued notify jobs: %+v, want ann and bob once each plus the one that is not unique", got)
		}
	})
}

// queued returns the jobs of kind that wait to run.
func queued(t *testing.T, s store.Store, kind string) []store.Job {
	t.Helper()
	var out []store.Job
	read(t, s, func(tx store.Tx) (err error) {
		out, err = tx.Jobs(ctx(t), kind, 100)
		return err
	})
	return out
}
