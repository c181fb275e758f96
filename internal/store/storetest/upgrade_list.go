package storetest

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// ListKeysAfterUpgrade checks that migration 14, which fills the sort keys
// of the documents that exist, fills them as the store writes them
// (store.DocumentSort.SortKey): otherwise a cursor made from an old
// document's key would skip or repeat documents. raw is the database
// migrated to version 13; open migrates it to the newest version.
func ListKeysAfterUpgrade(t *testing.T, raw *sql.DB, open func() (store.Store, error)) {
	ctx := context.Background()
	created := time.Date(2025, 6, 3, 23, 30, 0, 0, time.UTC)
	old := []struct{ title, amount, dates string }{
		{"beta", "100", `{"issue_date":"2025-03-01"}`},
		{"Alpha", "9.5", `{}`},
		{"Émile order", "10.25", `{"issue_date":""}`},
		{"alpha", "", `{"issue_date":"2025-03-01","due_date":"2025-04-01"}`},
		{"ÉMILE ORDER", "100.00", `{"issue_date":"2025-12-31"}`},
		{"Zulu", "0.5", `{"issue_date":"2024-12-31"}`},
		{"zulu", "123456789012345678.1234", `{}`},
	}
	for i, o := range old {
		id := fmt.Sprintf("01OLDLIST%02d", i)
		if _, err := raw.Exec(`INSERT INTO documents (id, kind, title, amount, dates, state, version, created_by, created_at, updated_at)
			VALUES ($1, 'other', $2, $3, $4, 'received', 1, 'u', $5, $5)`, id, o.title, o.amount, o.dates, created); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`INSERT INTO file_versions (document_id, version, sha256, size, media_type, filename, created_by, created_at)
			VALUES ($1, 1, 'aa', 1, 'text/plain', 'a.txt', 'u', $2)`, id, created); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	s, err := open()
	if err != nil {
		t.Fatal(err)
	}
	var all []dossier.Document
	if err := s.Read(ctx, func(tx store.Tx) (err error) {
		all, err = tx.ListDocuments(ctx, store.DocumentFilter{})
		return err
	}); err != nil || len(all) != len(old) {
		t.Fatalf("ListDocuments after the upgrade: %d documents, %v; want %d", len(all), err, len(old))
	}
	for _, sort := range store.DocumentSorts {
		want := slices.Clone(all)
		slices.SortStableFunc(want, func(a, b dossier.Document) int {
			c := cmp.Or(cmp.Compare(sort.SortKey(a), sort.SortKey(b)), cmp.Compare(a.ID, b.ID))
			if sort.Desc() {
				return -c
			}
			return c
		})
		if got := pageThrough(t, s, store.DocumentFilter{Sort: sort, Limit: 2}); !equalIDs(got, documentIDs(want)) {
			t.Errorf("sort %s after the upgrade:\n  got  %v\n  want %v", sort, got, documentIDs(want))
		}
	}
	var got []dossier.Document
	if err := s.Read(ctx, func(tx store.Tx) (err error) {
		got, err = tx.ListDocuments(ctx, store.DocumentFilter{DateFrom: "2025-06-03", DateTo: "2025-06-03"})
		return err
	}); err != nil || len(got) != 3 {
		t.Errorf("documents of the upload day after the upgrade: %v, %v; want the three without an issue date", documentIDs(got), err)
	}
}
