// Package storetest is the ONE conformance suite that every store.Store
// implementation must pass. Both backends run it from their own tests, so a
// behaviour the rest of the service relies on is pinned down here once, and
// no feature can exist on one backend only (SPEC §3).
package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// Run runs every conformance test; newStore returns a fresh, empty, migrated
// store for each call.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Run("Users", func(t *testing.T) { testUsers(t, newStore) })
	t.Run("Sessions", func(t *testing.T) { testSessions(t, newStore) })
	t.Run("Documents", func(t *testing.T) { testDocuments(t, newStore) })
	t.Run("DocumentFacts", func(t *testing.T) { testDocumentFacts(t, newStore) })
	t.Run("UpdateDocument", func(t *testing.T) { testUpdateDocument(t, newStore) })
	t.Run("ListDocuments", func(t *testing.T) { testListDocuments(t, newStore) })
	t.Run("ListRanges", func(t *testing.T) { testListRanges(t, newStore) })
	t.Run("ListSorts", func(t *testing.T) { testListSorts(t, newStore) })
	t.Run("ListKeysFollowUpdates", func(t *testing.T) { testListKeysFollowUpdates(t, newStore) })
	t.Run("SavedViews", func(t *testing.T) { testSavedViews(t, newStore) })
	t.Run("FileVersions", func(t *testing.T) { testFileVersions(t, newStore) })
	t.Run("Links", func(t *testing.T) { testLinks(t, newStore) })
	t.Run("Archive", func(t *testing.T) { testArchive(t, newStore) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, newStore) })
	t.Run("Transactions", func(t *testing.T) { testTransactions(t, newStore) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, newStore) })
}

// concurrentWriters is how many goroutines the race tests start at once.
const concurrentWriters = 8

// now is the current time as the store keeps it: UTC, microsecond precision.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// write runs fn in a Write and fails the test when it returns an error.
func write(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.Write(t.Context(), fn); err != nil {
		t.Fatalf("Write: %v", err)
	}
}

// read runs fn in a Read and fails the test when it returns an error.
func read(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.Read(t.Context(), fn); err != nil {
		t.Fatalf("Read: %v", err)
	}
}

// ctx is shorthand inside transaction callbacks, which have no ctx of their own.
func ctx(t *testing.T) context.Context { return t.Context() }

// wantCode fails the test unless err carries the dossier error code want.
func wantCode(t *testing.T, err error, want dossier.Code, what string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: got nil error, want code %q", what, want)
		return
	}
	if got := dossier.ErrorCode(err); got != want {
		t.Errorf("%s: got code %q (%v), want %q", what, got, err, want)
	}
}

var hexSHA256 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// jsonEqual reports whether a and b hold the same JSON value, ignoring
// formatting and key order (a backend may normalise a JSON column).
func jsonEqual(a, b []byte) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// diff collects field mismatches so that one failure names every wrong field.
type diff []string

func (d *diff) add(field string, want, got any) {
	*d = append(*d, fmt.Sprintf("  %s: want %v, got %v", field, want, got))
}

func (d *diff) eq(field string, want, got any) {
	if !reflect.DeepEqual(want, got) {
		d.add(field, fmt.Sprintf("%#v", want), fmt.Sprintf("%#v", got))
	}
}

func (d *diff) time(field string, want, got time.Time) {
	if !want.Equal(got) {
		d.add(field, want.Format(time.RFC3339Nano), got.Format(time.RFC3339Nano))
	}
}

// slice compares two slices, treating nil and empty as equal.
func diffSlice[T any](d *diff, field string, want, got []T) {
	if len(want) == 0 && len(got) == 0 {
		return
	}
	d.eq(field, want, got)
}

func (d diff) String() string { return strings.Join(d, "\n") }

func diffUser(want, got dossier.User) diff {
	var d diff
	d.eq("ID", want.ID, got.ID)
	d.eq("Username", want.Username, got.Username)
	d.eq("DisplayName", want.DisplayName, got.DisplayName)
	// Roles are a set: their order means nothing.
	if !sameElements(want.Roles, got.Roles) {
		d.add("Roles", want.Roles, got.Roles)
	}
	d.eq("ApprovalLevel", want.ApprovalLevel, got.ApprovalLevel)
	d.eq("PasswordHash", want.PasswordHash, got.PasswordHash)
	d.time("CreatedAt", want.CreatedAt, got.CreatedAt)
	return d
}

func diffFile(prefix string, want, got dossier.FileVersion) diff {
	var d diff
	d.eq(prefix+"DocumentID", want.DocumentID, got.DocumentID)
	d.eq(prefix+"Version", want.Version, got.Version)
	d.eq(prefix+"SHA256", want.SHA256, got.SHA256)
	d.eq(prefix+"Size", want.Size, got.Size)
	d.eq(prefix+"MediaType", want.MediaType, got.MediaType)
	d.eq(prefix+"Filename", want.Filename, got.Filename)
	d.eq(prefix+"PageCount", want.PageCount, got.PageCount)
	d.eq(prefix+"CreatedBy", want.CreatedBy, got.CreatedBy)
	d.time(prefix+"CreatedAt", want.CreatedAt, got.CreatedAt)
	return d
}

// diffDocument compares everything but the file, which diffFile covers.
func diffDocument(want, got dossier.Document) diff {
	var d diff
	d.eq("ID", want.ID, got.ID)
	d.eq("Kind", want.Kind, got.Kind)
	d.eq("Subtype", want.Subtype, got.Subtype)
	d.eq("Title", want.Title, got.Title)
	d.eq("Number", want.Number, got.Number)
	d.eq("Customer", want.Customer, got.Customer)
	d.eq("Amount", want.Amount, got.Amount)
	d.eq("Currency", want.Currency, got.Currency)
	if len(want.Dates) != 0 || len(got.Dates) != 0 {
		d.eq("Dates", want.Dates, got.Dates)
	}
	diffSlice(&d, "ProductCodes", want.ProductCodes, got.ProductCodes)
	diffSlice(&d, "Tags", want.Tags, got.Tags)
	wantFields := want.Fields
	if len(wantFields) == 0 {
		wantFields = json.RawMessage(`{}`)
	}
	if !jsonEqual(wantFields, got.Fields) {
		d.add("Fields", string(wantFields), string(got.Fields))
	}
	d.eq("State", want.State, got.State)
	d.eq("Version", want.Version, got.Version)
	d.eq("CreatedBy", want.CreatedBy, got.CreatedBy)
	d.time("CreatedAt", want.CreatedAt, got.CreatedAt)
	d.time("UpdatedAt", want.UpdatedAt, got.UpdatedAt)
	d.eq("LegalHold", want.LegalHold, got.LegalHold)
	switch {
	case want.ArchivedAt == nil && got.ArchivedAt != nil:
		d.add("ArchivedAt", "nil", got.ArchivedAt.Format(time.RFC3339Nano))
	case want.ArchivedAt != nil && got.ArchivedAt == nil:
		d.add("ArchivedAt", want.ArchivedAt.Format(time.RFC3339Nano), "nil")
	case want.ArchivedAt != nil:
		d.time("ArchivedAt", *want.ArchivedAt, *got.ArchivedAt)
	}
	return d
}

// diffEvent compares two audit events; Details byte for byte, since they are
// part of what the hash covers.
func diffEvent(want, got dossier.AuditEvent) diff {
	var d diff
	d.eq("Seq", want.Seq, got.Seq)
	d.eq("Stream", want.Stream, got.Stream)
	d.eq("StreamSeq", want.StreamSeq, got.StreamSeq)
	d.time("Time", want.Time, got.Time)
	d.eq("Actor", want.Actor, got.Actor)
	d.eq("Action", want.Action, got.Action)
	d.eq("DocumentID", want.DocumentID, got.DocumentID)
	if !bytes.Equal(want.Details, got.Details) {
		d.add("Details", string(want.Details), string(got.Details))
	}
	d.eq("PrevHash", want.PrevHash, got.PrevHash)
	d.eq("Hash", want.Hash, got.Hash)
	return d
}

func sameElements[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	count := make(map[T]int, len(a))
	for _, x := range a {
		count[x]++
	}
	for _, x := range b {
		count[x]--
		if count[x] < 0 {
			return false
		}
	}
	return true
}

// errRollback is what a test returns from a Write callback to abort it.
var errRollback = errors.New("storetest: deliberate rollback")
