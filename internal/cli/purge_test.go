package cli

import (
	"strings"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// TestPurgeCommand: the listing deletes nothing; --execute purges what
// retention allows, reports a document whose bytes are still locked and
// exits 1 for it; the audit trail still verifies.
func TestPurgeCommand(t *testing.T) {
	t.Parallel()
	forEachStack(t, func(t *testing.T, s *stack) {
		ctx := t.Context()
		longAgo := time.Now().AddDate(-12, 0, 0)
		old := s.document(t, "OLD-7", "archived twelve years ago\n", longAgo)
		locked := s.document(t, "LOCKED-7", "archived long ago, bytes still locked\n", longAgo.Add(time.Hour))
		young := s.document(t, "YOUNG-7", "archived last year\n", time.Now().AddDate(-1, 0, 0))
		if err := s.App.Blobs.Retain(ctx, locked.File.SHA256, time.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		exists := func(id string) bool {
			err := s.App.Store.Read(ctx, func(tx store.Tx) error { _, err := tx.Document(ctx, id); return err })
			if err != nil && dossier.ErrorCode(err) != dossier.ENotFound {
				t.Fatal(err)
			}
			return err == nil
		}

		code, out, errOut := s.run(t, "purge")
		if code != 0 || !strings.Contains(out, "OLD-7") || !strings.Contains(out, "LOCKED-7") || strings.Contains(out, "YOUNG-7") ||
			!strings.Contains(out, "2 documents may be purged") || !strings.Contains(out, "--execute") {
			t.Fatalf("purge: exit %d, want 0 and a list of OLD-7 and LOCKED-7:\n%s%s", code, out, errOut)
		}
		if !exists(old.ID) {
			t.Fatal("the listing deleted a document")
		}
		if code, out, _ := s.run(t, "purge", "--before", longAgo.Add(time.Minute).Format(time.RFC3339)); code != 0 || !strings.Contains(out, "1 document may") {
			t.Errorf("purge --before: exit %d, want 0 and one document:\n%s", code, out)
		}
		for _, args := range [][]string{{"purge", "--kind", "ledger"}, {"purge", "--before", "last year"}, {"purge", "now"}} {
			if code, _, errOut := s.run(t, args...); code != 2 {
				t.Errorf("%v: exit %d, want 2; stderr:\n%s", args, code, errOut)
			}
		}

		code, out, errOut = s.run(t, "purge", "--execute")
		if code != 1 || !strings.Contains(out, "purged "+old.ID) || !strings.Contains(out, "locked "+locked.ID) ||
			!strings.Contains(out, "purged 1, locked 1, skipped 0, failed 0") || !strings.Contains(errOut, "1 document could not be purged") {
			t.Fatalf("purge --execute: exit %d, want 1 with OLD-7 purged and LOCKED-7 locked:\n%s%s", code, out, errOut)
		}
		if exists(old.ID) || !exists(locked.ID) || !exists(young.ID) {
			t.Errorf("after purge --execute: OLD-7 %t, LOCKED-7 %t, YOUNG-7 %t; want only OLD-7 gone",
				exists(old.ID), exists(locked.ID), exists(young.ID))
		}
		if code, out, errOut := s.run(t, "audit", "verify"); code != 0 || !strings.Contains(out, `"ok":true`) {
			t.Errorf("audit verify after the purge: exit %d:\n%s%s", code, out, errOut)
		}
	})
}
