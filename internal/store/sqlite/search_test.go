package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/search"
	"dossier/internal/search/searchtest"
	"dossier/internal/store/sqlite"
	"dossier/internal/testenv"
)

func TestSearchConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Index {
		return testenv.SQLite.Open(t).Search()
	})
}

// FuzzSearch: whatever the query text and filter values, the index answers
// with a result or an EInvalid refusal; never another error, never a panic.
func FuzzSearch(f *testing.F) {
	db, err := sqlite.Open(context.Background(), filepath.Join(f.TempDir(), "dossier.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	idx := db.Search()
	err = idx.Upsert(context.Background(), search.Doc{ID: "01FUZZ", Kind: "other", State: "received", Title: "brake disc order",
		Customer: "ACME", Amount: "12.50", Currency: "EUR", Date: "2026-01-01", Pages: []string{"zirconium <b>bold</b>"}})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"brake", `"`, "NEAR(a b)", "a OR b", "*", "title:x", "\x00", "'; DROP TABLE x", "🙂", "ACME"} {
		f.Add(s, s, "12.5")
	}
	f.Fuzz(func(t *testing.T, q, customer, amount string) {
		_, err := idx.Search(context.Background(), search.Query{Q: q, Customer: []string{customer}, AmountMin: amount, Limit: 5})
		if err != nil && dossier.ErrorCode(err) != dossier.EInvalid {
			t.Fatalf("Search(%q, %q, %q): %v", q, customer, amount, err)
		}
	})
}

func TestSearchReplicas(t *testing.T) {
	searchtest.RunReplicas(t, func(t *testing.T) (search.Index, search.Index) {
		path := filepath.Join(t.TempDir(), "dossier.db")
		var ix [2]search.Index
		for i := range ix {
			db, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			ix[i] = db.Search()
		}
		return ix[0], ix[1]
	})
}
