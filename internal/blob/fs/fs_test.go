package fs_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dossier/internal/blob"
	"dossier/internal/blob/blobtest"
	blobfs "dossier/internal/blob/fs"
)

func newStore(t *testing.T) *blobfs.Store {
	t.Helper()
	s, err := blobfs.New(t.TempDir())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store { return newStore(t) })
}

// A fresh install points DOSSIER_DATA_DIR at a directory that does not exist yet.
func TestNewCreatesMissingDirs(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data", "blobs")
	s, err := blobfs.New(dir)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "tmp")); err != nil || !fi.IsDir() {
		t.Fatalf("tmp dir: %v", err)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	// A lost mount must turn readiness red.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(t.Context()); err == nil {
		t.Fatal("Ping succeeded after the directory was removed")
	}
}

// fsck deletes what Walk reports, so files the store did not write (an operator's
// notes, editor backups, a hash with the wrong fan-out) must never be reported.
func TestWalkSkipsStrayFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := blobfs.New(dir)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	sha := "aa" + "bb" + "0000000000000000000000000000000000000000000000000000000000ff"[:60]
	strays := []string{
		"README.txt",
		"tmp/Not-A-Key~",
		"sha256/aa/bb/" + sha + ".bak",
		"sha256/ab/bb/" + sha, // wrong fan-out for this hash
		"sha256/aa/bb/" + sha + ".lock",
		"sha256/aa/bb/" + sha + ".lock.123456", // a lock record being written
	}
	for _, p := range strays {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	err = s.Walk(t.Context(), func(e blob.Entry) error {
		t.Errorf("Walk reported stray %+v", e)
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
}

// The lock record is the only thing standing between archived content and a
// purge: it must survive a restart, and a damaged one must refuse deletion.
func TestLockRecordDurableAndFailsClosed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := blobfs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	st, err := s.Stage(ctx, strings.NewReader("archived"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Promote(ctx, st); err != nil {
		t.Fatal(err)
	}
	until := blob.RetainUntil(time.Now().Add(time.Hour))
	if err := s.Retain(ctx, st.SHA256, until); err != nil {
		t.Fatal(err)
	}
	again, err := blobfs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, held, err := again.Lock(ctx, st.SHA256); err != nil || !got.Equal(until) || held {
		t.Fatalf("Lock after reopening = %s, %t, %v; want %s, not held", got, held, err, until)
	}
	record := filepath.Join(dir, filepath.FromSlash(blob.Key(st.SHA256))+".lock")
	if err := os.WriteFile(record, []byte(`{"until":`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := again.Delete(ctx, st.SHA256); err == nil || errors.Is(err, blob.ErrLocked) {
		t.Fatalf("Delete with a corrupt lock record = %v, want a failure that is not ErrLocked", err)
	}
	if _, err := again.Stat(ctx, st.SHA256); err != nil {
		t.Fatalf("content gone after Delete with a corrupt lock record: %v", err)
	}
}

// A record's file is read-only, so the service itself cannot rewrite it by
// accident, and the temporary file it was written through is gone.
func TestRecordReadOnly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := blobfs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutRecord(t.Context(), "checkpoints/a.json", []byte("{}"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "records", "checkpoints", "a.json"))
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o444 {
		t.Errorf("record mode %v, want 0444", mode)
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// A writer killed between creating a record's temporary file and linking it
// into place leaves the file in tmp/, where Walk and fsck never look: opening
// the store removes it once it is old enough that no live writer (another
// process) can still be using it. Young ones and staged uploads stay.
func TestNewRemovesStaleRecordTempFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := blobfs.New(dir); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "tmp")
	old := time.Now().Add(-time.Hour)
	files := []struct {
		name    string
		modTime time.Time
		kept    bool
	}{
		{"record-1234567", old, false},
		{"record-7654321", time.Now(), true},         // another process may be writing it now
		{blob.NewTempKey()[len("tmp/"):], old, true}, // a stale upload is fsck's to report and repair
		{"notes.txt", old, true},                     // nothing the store wrote
	}
	for _, f := range files {
		p := filepath.Join(tmp, f.name)
		if err := os.WriteFile(p, []byte("x"), 0o444); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, f.modTime, f.modTime); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := blobfs.New(dir); err != nil {
		t.Fatalf("New: %v", err)
	}
	for _, f := range files {
		_, err := os.Stat(filepath.Join(tmp, f.name))
		if kept := err == nil; kept != f.kept {
			t.Errorf("tmp/%s (modified %s ago) kept %t, want %t (%v)", f.name, time.Since(f.modTime).Round(time.Minute), kept, f.kept, err)
		}
	}
}
