// Package blobtest is the conformance suite every blob.Store implementation must
// pass, so that the embedded filesystem store and the S3 store cannot drift apart
// (SPEC §3: no feature may exist on one backend only).
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"dossier/internal/blob"
)

// Run runs the suite. newStore must return an empty store private to the calling
// (sub)test and arrange its clean-up with t.Cleanup; subtests run in parallel.
func Run(t *testing.T, newStore func(t *testing.T) blob.Store) {
	// Sequential first: it measures the heap, so nothing else may run meanwhile.
	t.Run("LargeStreamBoundedMemory", func(t *testing.T) { testLargeStream(t, newStore(t)) })

	tests := []struct {
		name string
		fn   func(t *testing.T, s blob.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"Empty", testEmpty},
		{"IdenticalBytesStoredOnce", testDedup},
		{"Discard", testDiscard},
		{"Missing", testMissing},
		{"InvalidKeys", testInvalidKeys},
		{"PromoteNeverStaged", testPromoteNeverStaged},
		{"SeekAndRange", testSeek},
		{"Walk", testWalk},
		{"Delete", testDelete},
		{"ConcurrentSameBytes", testConcurrent},
		{"Retain", testRetain},
		{"Hold", testHold},
		{"LockMissing", testLockMissing},
		{"Records", testRecords},
		{"RecordNames", testRecordNames},
		{"RecordRace", testRecordRace},
		{"Ping", func(t *testing.T, s blob.Store) {
			if err := s.Ping(t.Context()); err != nil {
				t.Fatalf("Ping: %v", err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

// randomBytes returns n bytes that differ between calls, so no test can pass by
// finding content another test left behind.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rand.Uint32())
	}
	return b
}

func hexSHA(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// put stages and promotes b, checking what Stage reports against an independent hash.
func put(t *testing.T, s blob.Store, b []byte) blob.Staged {
	t.Helper()
	st := stage(t, s, b)
	if err := s.Promote(t.Context(), st); err != nil {
		t.Fatalf("Promote %s: %v", st.SHA256, err)
	}
	return st
}

func stage(t *testing.T, s blob.Store, b []byte) blob.Staged {
	t.Helper()
	st, err := s.Stage(t.Context(), bytes.NewReader(b))
	if err != nil {
		t.Fatalf("Stage: %v", err)
	}
	if want := hexSHA(b); st.SHA256 != want {
		t.Fatalf("Stage SHA256 = %s, want %s", st.SHA256, want)
	}
	if st.Size != int64(len(b)) {
		t.Fatalf("Stage Size = %d, want %d", st.Size, len(b))
	}
	if err := blob.CheckTempKey(st.TempKey); err != nil {
		t.Fatalf("Stage TempKey: %v", err)
	}
	return st
}

func readAll(t *testing.T, s blob.Store, sha string) []byte {
	t.Helper()
	rc, err := s.Open(t.Context(), sha)
	if err != nil {
		t.Fatalf("Open %s: %v", sha, err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", sha, err)
	}
	return got
}

func testRoundTrip(t *testing.T, s blob.Store) {
	want := randomBytes(300_001)
	st := put(t, s, want)
	if got := readAll(t, s, st.SHA256); !bytes.Equal(got, want) {
		t.Fatalf("read back %d bytes, differ from the %d written", len(got), len(want))
	}
	size, err := s.Stat(t.Context(), st.SHA256)
	if err != nil || size != int64(len(want)) {
		t.Fatalf("Stat = %d, %v; want %d", size, err, len(want))
	}
}

func testEmpty(t *testing.T, s blob.Store) {
	st := put(t, s, nil)
	if got := readAll(t, s, st.SHA256); len(got) != 0 {
		t.Fatalf("read back %d bytes of empty content", len(got))
	}
	if size, err := s.Stat(t.Context(), st.SHA256); err != nil || size != 0 {
		t.Fatalf("Stat = %d, %v; want 0", size, err)
	}
}

func testDedup(t *testing.T, s blob.Store) {
	b := randomBytes(10_000)
	first := put(t, s, b)
	second := put(t, s, b)
	if first.TempKey == second.TempKey {
		t.Fatalf("two Stage calls share temp key %s", first.TempKey)
	}
	// Promote is idempotent: repeating it must neither fail nor duplicate.
	if err := s.Promote(t.Context(), first); err != nil {
		t.Fatalf("second Promote of same Staged: %v", err)
	}
	content, staged := walk(t, s)
	if e, ok := content[first.SHA256]; !ok || e.Size != int64(len(b)) {
		t.Fatalf("Walk entry for %s = %+v, %v; want size %d", first.SHA256, e, ok, len(b))
	}
	if len(content) != 1 || len(staged) != 0 {
		t.Fatalf("Walk: %d content hashes, %d staged; want 1 and 0", len(content), len(staged))
	}
	if got := readAll(t, s, first.SHA256); !bytes.Equal(got, b) {
		t.Fatal("content changed after duplicate promote")
	}
}

func testDiscard(t *testing.T, s blob.Store) {
	st := stage(t, s, randomBytes(5000))
	if err := s.Discard(t.Context(), st); err != nil {
		t.Fatalf("Discard: %v", err)
	}
	if _, staged := walk(t, s); len(staged) != 0 {
		t.Fatalf("Walk still lists staged %v after Discard", staged)
	}
	if err := s.Discard(t.Context(), st); err != nil {
		t.Fatalf("Discard of already discarded object: %v", err)
	}
	if _, err := s.Stat(t.Context(), st.SHA256); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Stat of discarded content = %v, want ErrNotFound", err)
	}
}

func testMissing(t *testing.T, s blob.Store) {
	sha := hexSHA(randomBytes(32))
	if rc, err := s.Open(t.Context(), sha); !errors.Is(err, blob.ErrNotFound) {
		if rc != nil {
			rc.Close()
		}
		t.Fatalf("Open missing = %v, want ErrNotFound", err)
	}
	if _, err := s.Stat(t.Context(), sha); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Stat missing = %v, want ErrNotFound", err)
	}
	if err := s.Delete(t.Context(), sha); err != nil {
		t.Fatalf("Delete missing = %v, want nil", err)
	}
}

func testInvalidKeys(t *testing.T, s blob.Store) {
	good := hexSHA([]byte("x"))
	shas := []string{
		"", "abc", "../../../../etc/passwd", strings.ToUpper(good), good[:63] + "g",
		good + "0", "../" + good[3:], good[:62] + "/.",
	}
	for _, sha := range shas {
		if rc, err := s.Open(t.Context(), sha); !errors.Is(err, blob.ErrInvalidKey) {
			if rc != nil {
				rc.Close()
			}
			t.Errorf("Open(%q) = %v, want ErrInvalidKey", sha, err)
		}
		if _, err := s.Stat(t.Context(), sha); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Stat(%q) = %v, want ErrInvalidKey", sha, err)
		}
		if err := s.Delete(t.Context(), sha); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Delete(%q) = %v, want ErrInvalidKey", sha, err)
		}
		if err := s.Retain(t.Context(), sha, time.Now().Add(time.Second)); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Retain(%q) = %v, want ErrInvalidKey", sha, err)
		}
		if err := s.Hold(t.Context(), sha, true); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Hold(%q) = %v, want ErrInvalidKey", sha, err)
		}
		if _, _, err := s.Lock(t.Context(), sha); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Lock(%q) = %v, want ErrInvalidKey", sha, err)
		}
	}
	st := stage(t, s, []byte("staged"))
	forged := []blob.Staged{
		{TempKey: "tmp/../" + blob.Key(good), SHA256: st.SHA256, Size: st.Size},
		{TempKey: blob.Key(good), SHA256: st.SHA256, Size: st.Size},
		{TempKey: "", SHA256: st.SHA256, Size: st.Size},
		{TempKey: st.TempKey, SHA256: "../x", Size: st.Size},
	}
	for _, f := range forged {
		if err := s.Promote(t.Context(), f); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Promote(%+v) = %v, want ErrInvalidKey", f, err)
		}
	}
	for _, f := range forged[:3] {
		if err := s.Discard(t.Context(), f); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Discard(%+v) = %v, want ErrInvalidKey", f, err)
		}
	}
}

func testPromoteNeverStaged(t *testing.T, s blob.Store) {
	b := []byte("never staged")
	st := blob.Staged{TempKey: blob.NewTempKey(), SHA256: hexSHA(b), Size: int64(len(b))}
	if err := s.Promote(t.Context(), st); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Promote of a missing staged object = %v, want ErrNotFound", err)
	}
}

func testSeek(t *testing.T, s blob.Store) {
	b := randomBytes(1 << 20)
	st := put(t, s, b)
	rc, err := s.Open(t.Context(), st.SHA256)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer rc.Close()
	steps := []struct {
		offset int64
		whence int
		n      int
		pos    int64 // expected position after Seek
	}{
		{0, io.SeekEnd, 0, int64(len(b))},
		{1000, io.SeekStart, 500, 1000},
		{100, io.SeekCurrent, 1000, 1600},
		{-10, io.SeekEnd, 10, int64(len(b)) - 10},
		{0, io.SeekStart, 1 << 16, 0},
	}
	for _, step := range steps {
		pos, err := rc.Seek(step.offset, step.whence)
		if err != nil || pos != step.pos {
			t.Fatalf("Seek(%d, %d) = %d, %v; want %d", step.offset, step.whence, pos, err, step.pos)
		}
		got := make([]byte, step.n)
		if _, err := io.ReadFull(rc, got); err != nil {
			t.Fatalf("read %d at %d: %v", step.n, pos, err)
		}
		if !bytes.Equal(got, b[pos:pos+int64(step.n)]) {
			t.Fatalf("bytes at %d..%d differ", pos, pos+int64(step.n))
		}
	}

	// The way the HTTP layer actually uses it: http.ServeContent answering a Range.
	if _, err := rc.Seek(0, io.SeekStart); err != nil {
		t.Fatalf("rewind: %v", err)
	}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/f", nil)
	req.Header.Set("Range", "bytes=123456-124455")
	rec := httptest.NewRecorder()
	http.ServeContent(rec, req, "f.bin", time.Time{}, rc)
	if rec.Code != http.StatusPartialContent {
		t.Fatalf("ServeContent Range status = %d, want 206", rec.Code)
	}
	if !bytes.Equal(rec.Body.Bytes(), b[123456:124456]) {
		t.Fatalf("ServeContent Range body: %d bytes, wrong content", rec.Body.Len())
	}
}

func testDelete(t *testing.T, s blob.Store) {
	st := put(t, s, randomBytes(2048))
	if err := s.Delete(t.Context(), st.SHA256); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Stat(t.Context(), st.SHA256); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Stat after Delete = %v, want ErrNotFound", err)
	}
	if content, _ := walk(t, s); len(content) != 0 {
		t.Fatalf("Walk lists %v after Delete", content)
	}
}

// walk collects Walk's output by content hash and by temp key. It fails the test
// on malformed entries and on a hash listed twice (identical bytes stored twice).
func walk(t *testing.T, s blob.Store) (content, staged map[string]blob.Entry) {
	t.Helper()
	content, staged = map[string]blob.Entry{}, map[string]blob.Entry{}
	err := s.Walk(context.WithoutCancel(t.Context()), func(e blob.Entry) error {
		if (e.SHA256 == "") == (e.TempKey == "") {
			t.Errorf("Walk entry %+v: want exactly one of SHA256 and TempKey", e)
		}
		if e.ModTime.IsZero() || time.Since(e.ModTime) > time.Hour || time.Until(e.ModTime) > time.Hour {
			t.Errorf("Walk entry %+v: implausible ModTime", e)
		}
		if _, dup := content[e.SHA256]; dup && e.SHA256 != "" {
			t.Errorf("Walk lists content %s twice", e.SHA256)
		}
		if e.SHA256 != "" {
			content[e.SHA256] = e
		} else {
			staged[e.TempKey] = e
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return content, staged
}
