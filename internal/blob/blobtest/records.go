package blobtest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"dossier/internal/blob"
)

// testRecords: a record is written once, read back whole, listed by
// prefix, and never replaced, whoever asks and however fast.
func testRecords(t *testing.T, s blob.Store) {
	ctx := t.Context()
	until := time.Now().Add(retainFor)
	first := randomBytes(2000)
	if err := s.PutRecord(ctx, "checkpoints/20260101-000000.000000.json", first, until); err != nil {
		t.Fatalf("PutRecord: %v", err)
	}
	if got, err := s.GetRecord(ctx, "checkpoints/20260101-000000.000000.json"); err != nil || !bytes.Equal(got, first) {
		t.Fatalf("GetRecord = %d bytes, %v; want the %d written", len(got), err, len(first))
	}
	err := s.PutRecord(ctx, "checkpoints/20260101-000000.000000.json", []byte("a rewrite"), until)
	if !errors.Is(err, blob.ErrExists) {
		t.Fatalf("PutRecord over an existing record = %v, want ErrExists", err)
	}
	if got, _ := s.GetRecord(ctx, "checkpoints/20260101-000000.000000.json"); !bytes.Equal(got, first) {
		t.Fatalf("the record changed after a refused rewrite: %q", got)
	}

	// Without retention (the filesystem ignores it anyway) and empty.
	for _, name := range []string{"checkpoints/20260102-000000.000000.json", "other/x.json", "checkpoints-not/y"} {
		if err := s.PutRecord(ctx, name, nil, time.Time{}); err != nil {
			t.Fatalf("PutRecord %s: %v", name, err)
		}
	}
	if got, err := s.GetRecord(ctx, "other/x.json"); err != nil || len(got) != 0 {
		t.Fatalf("GetRecord of an empty record = %q, %v", got, err)
	}
	for prefix, want := range map[string][]string{
		"checkpoints/":       {"checkpoints/20260101-000000.000000.json", "checkpoints/20260102-000000.000000.json"},
		"checkpoints/202601": {"checkpoints/20260101-000000.000000.json", "checkpoints/20260102-000000.000000.json"},
		"checkpoints":        {"checkpoints-not/y", "checkpoints/20260101-000000.000000.json", "checkpoints/20260102-000000.000000.json"},
		"":                   {"checkpoints-not/y", "checkpoints/20260101-000000.000000.json", "checkpoints/20260102-000000.000000.json", "other/x.json"},
		"nothing/":           {},
	} {
		got, err := s.ListRecords(ctx, prefix)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ListRecords(%q) = %q, %v; want %q", prefix, got, err, want)
		}
	}
	// Records are not content: fsck and purge must never see them.
	if content, staged := walk(t, s); len(content) != 0 || len(staged) != 0 {
		t.Errorf("Walk reports records: %v content, %v staged", content, staged)
	}
	if _, err := s.GetRecord(ctx, "checkpoints/missing.json"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("GetRecord of a missing record = %v, want ErrNotFound", err)
	}
}

func testRecordNames(t *testing.T, s blob.Store) {
	ctx := t.Context()
	for _, name := range []string{"", "/abs", "a//b", "../x", "a/../b", "a/./b", "x/", "Upper", "sp ace", "a\\b", "é", string(make([]byte, 201))} {
		if err := s.PutRecord(ctx, name, []byte("x"), time.Time{}); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("PutRecord(%q) = %v, want ErrInvalidKey", name, err)
		}
		if _, err := s.GetRecord(ctx, name); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("GetRecord(%q) = %v, want ErrInvalidKey", name, err)
		}
	}
	for _, prefix := range []string{"../", "/", "a//"} {
		if _, err := s.ListRecords(ctx, prefix); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("ListRecords(%q) = %v, want ErrInvalidKey", prefix, err)
		}
	}
}

// testRecordRace: writers racing for one name; exactly one wins and the
// record holds the winner's bytes.
func testRecordRace(t *testing.T, s blob.Store) {
	const writers = 8
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			errs[i] = s.PutRecord(t.Context(), "race/one.json", fmt.Appendf(nil, "writer %d", i), time.Time{})
		})
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("writers %d and %d both wrote the record", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, blob.ErrExists):
			t.Fatalf("writer %d: %v, want nil or ErrExists", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no writer wrote the record")
	}
	got, err := s.GetRecord(t.Context(), "race/one.json")
	if err != nil || string(got) != fmt.Sprintf("writer %d", winner) {
		t.Fatalf("GetRecord = %q, %v; want writer %d's bytes", got, err, winner)
	}
}
