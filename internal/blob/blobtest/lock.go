package blobtest

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"dossier/internal/blob"
)

// retainFor is how long test retentions last. It must stay short: S3 COMPLIANCE
// retention cannot be removed, so a test bucket can only be dropped once it has
// lapsed. It must also outlast the few calls that check it is in force.
const retainFor = 4 * time.Second

// lapseWithin bounds every wait for a retention to lapse, so a store that never
// lets go fails the test instead of hanging it.
const lapseWithin = retainFor + 20*time.Second

func testRetain(t *testing.T, s blob.Store) {
	ctx := t.Context()
	b := randomBytes(3000)
	st := put(t, s, b)
	until := time.Now().Add(retainFor)
	want := blob.RetainUntil(until)
	if err := s.Retain(ctx, st.SHA256, until); err != nil {
		t.Fatalf("Retain: %v", err)
	}
	checkLock(t, s, st.SHA256, want, false)

	// Never shortened: an earlier date is a no-op, not an error.
	if err := s.Retain(ctx, st.SHA256, until.Add(-2*time.Second)); err != nil {
		t.Fatalf("Retain with an earlier date: %v", err)
	}
	checkLock(t, s, st.SHA256, want, false)

	err := s.Delete(ctx, st.SHA256)
	if !errors.Is(err, blob.ErrLocked) {
		t.Fatalf("Delete under retention = %v, want ErrLocked", err)
	}
	checkIntact(t, s, st.SHA256, b)

	deleteOnceAllowed(t, s, st.SHA256)
	if _, err := s.Stat(ctx, st.SHA256); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Stat after Delete of lapsed retention = %v, want ErrNotFound", err)
	}
	if content, staged := walk(t, s); len(content) != 0 || len(staged) != 0 {
		t.Fatalf("Walk after Delete: %v content, %v staged; want none (lock records included)", content, staged)
	}
}

func testHold(t *testing.T, s blob.Store) {
	ctx := t.Context()
	b := randomBytes(4000)
	st := put(t, s, b)
	// Clearing a hold that was never set is not an error.
	if err := s.Hold(ctx, st.SHA256, false); err != nil {
		t.Fatalf("Hold off on content never held: %v", err)
	}
	checkLock(t, s, st.SHA256, time.Time{}, false)
	for range 2 { // setting it twice is not an error either
		if err := s.Hold(ctx, st.SHA256, true); err != nil {
			t.Fatalf("Hold on: %v", err)
		}
	}
	checkLock(t, s, st.SHA256, time.Time{}, true)
	if err := s.Delete(ctx, st.SHA256); !errors.Is(err, blob.ErrLocked) {
		t.Fatalf("Delete under legal hold = %v, want ErrLocked", err)
	}
	checkIntact(t, s, st.SHA256, b)

	// A hold outlives any retention: once the retention lapses, Delete is still refused.
	if err := s.Retain(ctx, st.SHA256, time.Now().Add(2*time.Second)); err != nil {
		t.Fatalf("Retain under hold: %v", err)
	}
	deadline := time.Now().Add(lapseWithin)
	for {
		until, held, err := s.Lock(ctx, st.SHA256)
		if err != nil || !held {
			t.Fatalf("Lock under hold = %s, %t, %v; want held", until, held, err)
		}
		if until.IsZero() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Lock still reports retention until %s after %s", until, lapseWithin)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := s.Delete(ctx, st.SHA256); !errors.Is(err, blob.ErrLocked) {
		t.Fatalf("Delete under hold after retention lapsed = %v, want ErrLocked", err)
	}
	checkIntact(t, s, st.SHA256, b)

	if err := s.Hold(ctx, st.SHA256, false); err != nil {
		t.Fatalf("Hold off: %v", err)
	}
	checkLock(t, s, st.SHA256, time.Time{}, false)
	deleteOnceAllowed(t, s, st.SHA256)
	if _, err := s.Stat(ctx, st.SHA256); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Stat after Delete of released content = %v, want ErrNotFound", err)
	}
}

func testLockMissing(t *testing.T, s blob.Store) {
	ctx := t.Context()
	gone := put(t, s, randomBytes(100))
	if err := s.Delete(ctx, gone.SHA256); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	for _, sha := range []string{hexSHA(randomBytes(32)), gone.SHA256} {
		if err := s.Retain(ctx, sha, time.Now().Add(retainFor)); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Retain(missing %s) = %v, want ErrNotFound", sha, err)
		}
		if err := s.Hold(ctx, sha, true); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Hold(missing %s) = %v, want ErrNotFound", sha, err)
		}
		if _, _, err := s.Lock(ctx, sha); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Lock(missing %s) = %v, want ErrNotFound", sha, err)
		}
	}
	if content, staged := walk(t, s); len(content) != 0 || len(staged) != 0 {
		t.Fatalf("Walk after locking missing content: %v content, %v staged; want none", content, staged)
	}
}

// checkLock asserts what Lock reports; until is compared as an instant.
func checkLock(t *testing.T, s blob.Store, sha string, wantUntil time.Time, wantHeld bool) {
	t.Helper()
	until, held, err := s.Lock(t.Context(), sha)
	if err != nil || !until.Equal(wantUntil) || held != wantHeld {
		t.Fatalf("Lock = %s, held %t, %v; want %s, held %t", until, held, err, wantUntil, wantHeld)
	}
}

// checkIntact asserts a refused Delete removed nothing: the bytes still read
// back and Walk still lists the content, once.
func checkIntact(t *testing.T, s blob.Store, sha string, want []byte) {
	t.Helper()
	if got := readAll(t, s, sha); !bytes.Equal(got, want) {
		t.Fatalf("content of %s changed after a refused Delete", sha)
	}
	if content, staged := walk(t, s); len(content) != 1 || len(staged) != 0 {
		t.Fatalf("Walk after a refused Delete: %v content, %v staged; want just %s", content, staged, sha)
	} else if _, ok := content[sha]; !ok {
		t.Fatalf("Walk after a refused Delete lacks %s", sha)
	}
}

// deleteOnceAllowed retries Delete while it answers ErrLocked: a retention
// lapses on the store's clock, which the test does not control.
func deleteOnceAllowed(t *testing.T, s blob.Store, sha string) {
	t.Helper()
	deadline := time.Now().Add(lapseWithin)
	for {
		err := s.Delete(t.Context(), sha)
		if err == nil {
			return
		}
		if !errors.Is(err, blob.ErrLocked) {
			t.Fatalf("Delete once the lock lapses: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("Delete still refused %s after the retention: %v", lapseWithin, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
