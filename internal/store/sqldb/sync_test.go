package sqldb_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"dossier/internal/search"
	"dossier/internal/store/sqldb"
	"dossier/internal/store/sqlite"
)

// The catalog catches up in batches: a write of more documents than one
// batch, all under one change number, reaches another handle whole, and
// so do the writes after it.
func TestCatalogCatchUpInBatches(t *testing.T) {
	sqldb.SetSyncBatch(3)
	t.Cleanup(func() { sqldb.SetSyncBatch(20000) })
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dossier.db")
	writer, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	reader, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()

	var docs []search.Doc
	for i := range 10 {
		docs = append(docs, search.Doc{ID: fmt.Sprintf("01SYNC%02d", i), Kind: "other", State: "received",
			Title: "brake disc", Date: "2026-01-01"})
	}
	batch := writer.Search().(interface {
		UpsertBatch(context.Context, []search.Doc) error
	})
	for _, step := range []struct {
		docs []search.Doc
		want int
	}{{docs[:7], 7}, {docs[7:], 10}} {
		if err := batch.UpsertBatch(ctx, step.docs); err != nil {
			t.Fatal(err)
		}
		res, err := reader.Search().Search(ctx, search.Query{Q: "brake", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != step.want || res.Facets["kind"]["other"] != step.want {
			t.Fatalf("after writing %d documents the other handle finds %d (facet %v), want %d",
				step.want, res.Total, res.Facets["kind"], step.want)
		}
	}
}
