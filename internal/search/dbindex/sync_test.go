package dbindex_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"dossier/internal/search"
	"dossier/internal/search/dbindex"
	"dossier/internal/store/sqlite"
)

// The catalog catches up in batches: a write of more documents than one
// batch, all under one change number, reaches another handle whole, and
// so do the writes after it.
func TestCatalogCatchUpInBatches(t *testing.T) {
	dbindex.SetSyncBatch(3)
	t.Cleanup(func() { dbindex.SetSyncBatch(20000) })
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

// A change number with no row (deleting a document that was never indexed)
// is caught up to all the same, so later searches do not look for rows.
func TestCatalogCatchesUpToRowlessChange(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "dossier.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ix := db.Search()
	doc := search.Doc{ID: "01SYNCROWLESS", Kind: "other", State: "received", Title: "brake disc", Date: "2026-01-01"}
	if err := ix.Upsert(ctx, doc); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete(ctx, "01NEVERINDEXED"); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(ctx, search.Query{Q: "brake"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || dbindex.CatalogSeq(ix) != 2 {
		t.Fatalf("after an upsert and a row-less deletion: %d hits, catalog at change %d; want 1 and 2",
			res.Total, dbindex.CatalogSeq(ix))
	}
	if err := ix.Upsert(ctx, search.Doc{ID: "01SYNCLATER", Kind: "other", State: "received", Title: "brake pad", Date: "2026-01-02"}); err != nil {
		t.Fatal(err)
	}
	if res, err = ix.Search(ctx, search.Query{Q: "brake"}); err != nil || res.Total != 2 {
		t.Fatalf("a write after the row-less change: %d hits, %v; want 2", res.Total, err)
	}
}
