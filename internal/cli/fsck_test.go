package cli

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"dossier/internal/blob"
)

// TestFsckCommand: a clean store exits 0; a deleted blob, an orphan and a
// flipped byte are each reported, with exit 1; --repair removes an orphan
// once it is older than an hour, and nothing else.
func TestFsckCommand(t *testing.T) {
	t.Parallel()
	forEachStack(t, func(t *testing.T, s *stack) {
		ctx := t.Context()
		keep := s.document(t, "F-1", "kept as it is\n", time.Time{})
		deleted := s.document(t, "F-2", "to be deleted\n", time.Time{})
		flipped := s.document(t, "F-3", "to be flipped\n", time.Time{})
		for _, args := range [][]string{{"fsck"}, {"fsck", "--verify-hashes"}} {
			if code, out, errOut := s.run(t, args...); code != 0 || !strings.Contains(out, "0 items of damage left") {
				t.Fatalf("%v on a clean store: exit %d, want 0:\n%s%s", args, code, out, errOut)
			}
		}
		if err := s.App.Blobs.Delete(ctx, deleted.File.SHA256); err != nil {
			t.Fatal(err)
		}
		s.ReplaceBlob(t, flipped.File.SHA256, []byte("to be flipPed\n"))
		st, err := s.App.Blobs.Stage(ctx, strings.NewReader("left by a crash\n"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.App.Blobs.Promote(ctx, st); err != nil {
			t.Fatal(err)
		}
		orphan := st.SHA256

		code, out, errOut := s.run(t, "fsck")
		if code != 1 || !strings.Contains(out, "missing      "+deleted.File.SHA256+": used by "+deleted.ID+"/v1") ||
			!strings.Contains(out, "orphan       "+orphan) || strings.Contains(out, "corrupt") || !strings.Contains(errOut, "1 problem: the store is damaged") {
			t.Errorf("fsck: exit %d, want 1 with the missing blob and the orphan:\n%s%s", code, out, errOut)
		}
		code, out, errOut = s.run(t, "fsck", "--verify-hashes", "--rate", "0")
		if code != 1 || !strings.Contains(out, "corrupt      "+flipped.File.SHA256+": used by "+flipped.ID+"/v1; the bytes hash to") ||
			!strings.Contains(out, "2 items of damage left") {
			t.Errorf("fsck --verify-hashes: exit %d, want 1 with the flipped blob corrupt:\n%s%s", code, out, errOut)
		}
		if code, _, errOut := s.run(t, "fsck", "--verify-hashes", "--rate", "lots"); code != 2 {
			t.Errorf("fsck --rate lots: exit %d, want 2:\n%s", code, errOut)
		}

		code, out, _ = s.run(t, "fsck", "--repair")
		if !strings.Contains(out, "younger than 1h0m0s") || !exists(t, s, orphan) {
			t.Errorf("fsck --repair removed a young orphan (exit %d):\n%s", code, out)
		}
		if s.BlobDir() == "" {
			return // an object's age cannot be set; the fsck package tests the old orphan with its clock
		}
		old := time.Now().Add(-2 * time.Hour)
		if err := os.Chtimes(s.BlobPath(orphan), old, old); err != nil {
			t.Fatal(err)
		}
		code, out, _ = s.run(t, "fsck", "--repair")
		if code != 1 || !strings.Contains(out, "orphan       "+orphan) || !strings.Contains(out, "removed") || exists(t, s, orphan) {
			t.Errorf("fsck --repair of an orphan two hours old: exit %d, want it removed (and 1 for the missing blob):\n%s", code, out)
		}
		for _, sha := range []string{keep.File.SHA256, flipped.File.SHA256} {
			if !exists(t, s, sha) {
				t.Errorf("fsck --repair removed the referenced blob %s", sha)
			}
		}
	})
}

func exists(t *testing.T, s *stack, sha string) bool {
	t.Helper()
	_, err := s.App.Blobs.Stat(t.Context(), sha)
	if err != nil && !errors.Is(err, blob.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}
