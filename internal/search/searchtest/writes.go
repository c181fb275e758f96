package searchtest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"dossier/internal/search"
)

// upsertVersions returns two versions of one document: the second changes
// its title, state, amount and text.
func upsertVersions() []search.Doc {
	v1 := find(corpus(), docID(3))
	v1.Title, v1.State = "Provisional quotation for sensor brackets", "in_review"
	v2 := v1
	v2.Title, v2.State, v2.Amount = "Definitive quotation for sensor brackets", "approved", "149000.00"
	v2.Pages = pages(3)
	return []search.Doc{v1, v2}
}

// converge waits until the index answers each query as the model of docs
// does: the same hits, in date order, with the same total and facets.
func converge(t *testing.T, ix search.Index, docs []search.Doc, queries ...search.Query) {
	t.Helper()
	for _, q := range queries {
		q.Sort, q.Limit = search.SortDateDesc, 100
		want, facets := expect(docs, q), expectFacets(docs, q)
		r := waitFor(t, ix, q, fmt.Sprintf("%v", want), func(r search.Result) bool {
			return r.Total == len(want) && slices.Equal(ids(r), want)
		})
		checkFacets(t, q, r.Facets, facets)
	}
}

// An upsert replaces the whole entry: the new title finds the document, the
// old title and text no longer do, filters and facets see the new values,
// and the document is still counted once.
func testUpsertReplaces(t *testing.T, ix search.Index) {
	c := corpus()
	v := upsertVersions()
	load(t, ix, []search.Doc{v[0], c[0], c[1]})
	if got := ids(run(t, ix, search.Query{Q: "provisional"})); !slices.Equal(got, []string{v[0].ID}) {
		t.Fatalf("before the update: provisional finds %v, want %s", got, v[0].ID)
	}
	if err := ix.Upsert(t.Context(), v[1]); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	after := []search.Doc{v[1], c[0], c[1]}
	converge(t, ix, after,
		search.Query{Q: "definitive"},
		search.Query{Q: "provisional"},
		search.Query{Q: "zirconium"},
		search.Query{State: []string{"approved"}},
		search.Query{State: []string{"in_review"}},
		search.Query{AmountMin: "149000", AmountMax: "149000"},
		search.Query{AmountMin: "150000"},
		search.Query{},
	)
}

// Upserting the same document again changes nothing.
func testUpsertTwice(t *testing.T, ix search.Index) {
	d := corpus()[0]
	for range 2 {
		if err := ix.Upsert(t.Context(), d); err != nil {
			t.Fatalf("Upsert: %v", err)
		}
	}
	converge(t, ix, []search.Doc{d}, search.Query{}, search.Query{Q: "kanban"})
}

// Delete removes a document from hits, totals and facets; deleting a missing
// or already deleted id is not an error; a deleted document can come back.
func testDelete(t *testing.T, ix search.Index) {
	c := corpus()
	docs := []search.Doc{c[0], c[1], c[2]}
	load(t, ix, docs)
	if err := ix.Delete(t.Context(), docs[2].ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	converge(t, ix, docs[:2], search.Query{}, search.Query{Q: "zirconium"}, search.Query{Currency: []string{"EUR"}})
	for _, id := range []string{docs[2].ID, docID(9999), "no-such-document", "not/a valid id?"} {
		if err := ix.Delete(t.Context(), id); err != nil {
			t.Errorf("Delete(%q) of a missing document: %v", id, err)
		}
	}
	if err := ix.Upsert(t.Context(), docs[2]); err != nil {
		t.Fatalf("Upsert after Delete: %v", err)
	}
	converge(t, ix, docs, search.Query{}, search.Query{Q: "zirconium"})
	for _, d := range docs {
		if err := ix.Delete(t.Context(), d.ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
	}
	converge(t, ix, nil, search.Query{}, search.Query{Q: "kanban"})
}

// longDoc has about 70,000 words with a probe at the very end: more words
// than some engines index per field (Meilisearch: 65,535 positions), but
// under 300,000 characters.
func longDoc() search.Doc {
	d := doc(90, "other", "", "received", "", "", "", "2026-07-01", "Inspection log", "",
		[]string{
			"Inspection log. " + strings.Repeat("ok. ", 40000),
			strings.Repeat("ok ", 30000) + "The wolframite sample closes the log.",
		})
	return d
}

// Long text is indexed to its end.
func testLongText(t *testing.T, ix search.Index) {
	d := longDoc()
	if err := ix.Upsert(t.Context(), d); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	waitFor(t, ix, search.Query{Q: "wolframite"}, "the word at the end of a long text", func(r search.Result) bool {
		return r.Total == 1 && slices.Equal(ids(r), []string{d.ID})
	})
}
