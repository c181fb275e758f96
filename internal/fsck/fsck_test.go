package fsck_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"dossier/internal/apptest"
	"dossier/internal/blob"
	"dossier/internal/dossier"
	"dossier/internal/fsck"
)

// env is the service on one stack, and a way round it to damage the bytes.
type env struct{ *apptest.Stack }

func forEachStack(t *testing.T, fn func(t *testing.T, e *env)) {
	apptest.ForEachStack(t, func(t *testing.T, s *apptest.Stack) { fn(t, &env{s}) })
}

// document uploads a customs declaration holding content.
func (e *env) document(t *testing.T, number string, content []byte) dossier.Document {
	t.Helper()
	f, err := e.App.Documents.Stage(t.Context(), bytes.NewReader(content), number+".txt")
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.App.Documents.Create(t.Context(), e.Admin, dossier.Metadata{Kind: dossier.KindCustoms, Title: "Declaration " + number, Number: number}, f)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// orphan stores content no document refers to.
func (e *env) orphan(t *testing.T, content []byte) string {
	t.Helper()
	st, err := e.App.Blobs.Stage(t.Context(), bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.Blobs.Promote(t.Context(), st); err != nil {
		t.Fatal(err)
	}
	return st.SHA256
}

func (e *env) check(t *testing.T, opt fsck.Options) fsck.Report {
	t.Helper()
	r, err := fsck.Check(t.Context(), e.App.Store, e.App.Blobs, opt)
	if err != nil {
		t.Fatalf("fsck: %v", err)
	}
	return r
}

func (e *env) exists(t *testing.T, sha string) bool {
	t.Helper()
	_, err := e.App.Blobs.Stat(t.Context(), sha)
	if err != nil && !errors.Is(err, blob.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

func text(label string) []byte { return []byte("customs declaration " + label + "\n") }

// found returns the findings of problem p, by key.
func found(r fsck.Report, p fsck.Problem) map[string]fsck.Finding {
	out := map[string]fsck.Finding{}
	for _, f := range r.Findings {
		if f.Problem == p {
			out[f.Key] = f
		}
	}
	return out
}

// TestCleanStore: a store where everything agrees has nothing to report.
func TestCleanStore(t *testing.T) {
	t.Parallel()
	forEachStack(t, func(t *testing.T, e *env) {
		e.document(t, "C-1", text("one"))
		e.document(t, "C-2", text("two"))
		e.document(t, "C-3", text("two")) // the same bytes, stored once
		var last, total int64
		r := e.check(t, fsck.Options{VerifyHashes: true, Progress: func(d, n int64) { last, total = d, n }})
		if len(r.Findings) != 0 || r.Damaged() != 0 || r.Uses != 3 || r.Blobs != 2 || r.Hashed != 2 || r.HashedBytes != r.Bytes {
			t.Errorf("clean store: %+v; want 3 uses of 2 blobs, both hashed, nothing found", r)
		}
		if last != total || total != r.Bytes {
			t.Errorf("progress ended at %d of %d, want all %d bytes", last, total, r.Bytes)
		}
	})
}

// TestDamage: a deleted blob, a blob of the wrong size, a flipped byte, an
// orphan and an abandoned upload are each reported; --repair removes only
// the old orphans and uploads, never a referenced or locked blob.
func TestDamage(t *testing.T) {
	t.Parallel()
	forEachStack(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		intact := e.document(t, "D-0", text("intact"))
		deleted := e.document(t, "D-1", text("deleted"))
		flipped := e.document(t, "D-2", text("flipped"))
		shrunk := e.document(t, "D-3", text("shrunk"))
		if err := e.App.Blobs.Delete(ctx, deleted.File.SHA256); err != nil {
			t.Fatal(err)
		}
		b := text("flipped")
		b[3] ^= 0x01
		e.ReplaceBlob(t, flipped.File.SHA256, b)
		e.ReplaceBlob(t, shrunk.File.SHA256, text("shrunk")[:5])
		orphan := e.orphan(t, text("orphan"))
		locked := e.orphan(t, text("locked orphan"))
		if err := e.App.Blobs.Retain(ctx, locked, time.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		// Larger than a store holds in memory (blob.Staged.Held), so that it
		// is written as a staged object and abandoned there.
		abandoned := append(text("abandoned upload"), make([]byte, 2<<20)...)
		if _, err := e.App.Blobs.Stage(ctx, bytes.NewReader(abandoned)); err != nil {
			t.Fatal(err)
		}

		r := e.check(t, fsck.Options{})
		if f, ok := found(r, fsck.Missing)[deleted.File.SHA256]; !ok || !slices.Equal(f.Uses, []string{deleted.ID + "/v1"}) {
			t.Errorf("missing: %+v; want the deleted blob, used by %s/v1", found(r, fsck.Missing), deleted.ID)
		}
		if f, ok := found(r, fsck.WrongSize)[shrunk.File.SHA256]; !ok || f.Size != 5 || f.Want != shrunk.File.Size {
			t.Errorf("wrong size: %+v; want the shrunk blob, 5 bytes for %d", found(r, fsck.WrongSize), shrunk.File.Size)
		}
		orphans := found(r, fsck.Orphan)
		if len(orphans) != 2 || !orphans[orphan].Young || orphans[orphan].Damage() {
			t.Errorf("orphans: %+v; want the two, young, so not damage yet", orphans)
		}
		if n := len(found(r, fsck.Corrupt)); n != 0 {
			t.Errorf("%d corrupt blobs found without --verify-hashes", n)
		}
		if r.InFlight != 1 || len(found(r, fsck.StaleUpload)) != 0 {
			t.Errorf("a fresh staged upload: %d in flight, %v stale; want it in flight", r.InFlight, found(r, fsck.StaleUpload))
		}
		if r.Damaged() != 2 {
			t.Errorf("damage: %d, want 2 (missing, size)", r.Damaged())
		}

		r = e.check(t, fsck.Options{VerifyHashes: true})
		corrupt := found(r, fsck.Corrupt)
		if f, ok := corrupt[flipped.File.SHA256]; !ok || len(corrupt) != 2 || !slices.Equal(f.Uses, []string{flipped.ID + "/v1"}) {
			t.Errorf("corrupt: %+v; want the flipped and the shrunk blob", corrupt)
		}
		if _, ok := corrupt[intact.File.SHA256]; ok {
			t.Error("an intact blob was found corrupt")
		}

		later := func() time.Time { return time.Now().Add(2 * time.Hour) }
		r = e.check(t, fsck.Options{Now: later})
		if o := found(r, fsck.Orphan); o[orphan].Young || !o[orphan].Damage() || !strings.Contains(o[orphan].Note, "--repair") {
			t.Errorf("an orphan two hours old: %+v; want damage that --repair removes", o[orphan])
		}
		if len(found(r, fsck.StaleUpload)) != 1 || r.InFlight != 0 {
			t.Errorf("an upload two hours old: %+v; want it stale", found(r, fsck.StaleUpload))
		}

		r = e.check(t, fsck.Options{Repair: true, Now: later})
		o := found(r, fsck.Orphan)
		if !o[orphan].Repaired || e.exists(t, orphan) {
			t.Errorf("repair of an old orphan: %+v, still there %t; want it removed", o[orphan], e.exists(t, orphan))
		}
		if o[locked].Repaired || !strings.Contains(o[locked].Note, "retained until") || !e.exists(t, locked) {
			t.Errorf("repair of a locked orphan: %+v; want it left, its lock named", o[locked])
		}
		for _, s := range found(r, fsck.StaleUpload) {
			if !s.Repaired {
				t.Errorf("repair of an abandoned upload: %+v; want it removed", s)
			}
		}
		for _, d := range []dossier.Document{intact, flipped, shrunk} {
			if !e.exists(t, d.File.SHA256) {
				t.Errorf("repair removed the referenced blob of %s", d.Number)
			}
		}
		if r.Damaged() != 3 { // missing, wrong size, the locked orphan
			t.Errorf("damage after repair: %d, want 3: %+v", r.Damaged(), r.Findings)
		}
		if r = e.check(t, fsck.Options{Now: later}); len(found(r, fsck.StaleUpload)) != 0 || len(found(r, fsck.Orphan)) != 1 {
			t.Errorf("after repair: %+v; want only the locked orphan left", r.Findings)
		}
	})
}

// TestScrubRate: hashing reads no faster than the rate asked for.
func TestScrubRate(t *testing.T) {
	t.Parallel()
	forEachStack(t, func(t *testing.T, e *env) {
		if !strings.HasPrefix(e.App.Config.BlobURL, "file://") {
			t.Skip("the limiter is the same on every stack; the embedded one measures it without network noise")
		}
		const size, rate = 256 << 10, 512 << 10 // 1 MiB at 512 KiB/s: at least 1.5 s after the first burst
		for range 4 {
			b := make([]byte, size)
			_, _ = rand.Read(b)
			e.orphan(t, b)
		}
		start := time.Now()
		r := e.check(t, fsck.Options{VerifyHashes: true, Rate: rate})
		if r.HashedBytes != 4*size {
			t.Fatalf("hashed %d bytes, want %d", r.HashedBytes, 4*size)
		}
		if min := time.Duration(float64(4*size-256<<10) / rate * float64(time.Second)); time.Since(start) < min {
			t.Errorf("hashed %d bytes at %d B/s in %s, want at least %s", r.HashedBytes, rate, time.Since(start), min)
		}
	})
}
