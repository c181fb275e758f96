package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"dossier/internal/search"
	"dossier/internal/search/searchtest"
	"dossier/internal/store/postgres"
	"dossier/internal/testenv"
)

func TestSearchConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Index {
		return testenv.PostgreSQL.Open(t).Search()
	})
}

func TestSearchReplicas(t *testing.T) {
	searchtest.RunReplicas(t, func(t *testing.T) (search.Index, search.Index) {
		url := testenv.PostgreSQL.URL(t)
		var ix [2]search.Index
		for i := range ix {
			db, err := postgres.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			ix[i] = db.Search()
		}
		return ix[0], ix[1]
	})
}

// Writing a document again keeps its number: numbers drawn and dropped by
// updates would lengthen every replica's catalog.
func TestSearchUpdateKeepsNumber(t *testing.T) {
	db := testenv.PostgreSQL.Open(t)
	d := search.Doc{ID: "01KEEPNUM", Kind: "other", State: "received", Title: "brake disc", Date: "2026-01-01"}
	for i := range 20 {
		d.Title = fmt.Sprintf("brake disc %d", i)
		if err := db.Search().Upsert(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	d.ID = "01KEEPNUM2"
	if err := db.Search().Upsert(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	raw := db.Raw(t)
	var top int64
	if err := raw.QueryRow(`SELECT max(num) FROM search_docs`).Scan(&top); err != nil || top != 2 {
		t.Fatalf("highest document number after 20 writes of one document and one of another: %d (err %v), want 2", top, err)
	}
}
