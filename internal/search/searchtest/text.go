package searchtest

import (
	"slices"
	"testing"

	"dossier/internal/search"
)

// A word that only the page text of one document holds finds that document
// and nothing else: the extracted text is indexed, not just the metadata.
func testTextOnlyWord(t *testing.T, ix search.Index, docs []search.Doc) {
	r := checkHits(t, ix, docs, search.Query{Q: "zirconium"})
	if got := ids(r); !slices.Equal(got, []string{docID(3)}) {
		t.Fatalf("zirconium: got %v, want only %s", got, docID(3))
	}
	h := r.Hits[0]
	d := find(docs, docID(3))
	if h.Title != d.Title || h.Kind != d.Kind || h.Subtype != d.Subtype || h.State != d.State ||
		h.Number != d.Number || h.Customer != d.Customer || h.Amount != d.Amount ||
		h.Currency != d.Currency || h.Date != d.Date {
		t.Errorf("hit %+v does not carry the document's metadata %+v", h, d)
	}
}

// Every page is indexed, not only the first.
func testWordOnLastPage(t *testing.T, ix search.Index, docs []search.Doc) {
	if got := ids(checkHits(t, ix, docs, search.Query{Q: "heliotrope"})); !slices.Equal(got, []string{docID(4)}) {
		t.Fatalf("heliotrope (page 3 of 3): got %v, want %s", got, docID(4))
	}
}

// Title, number, customer, tags and field values are searchable too.
func testMetadataWords(t *testing.T, ix search.Index, docs []search.Doc) {
	for _, tc := range []struct {
		what, q string
		must    int // a document the hits must include
	}{
		{"title", "hydraulic", 20},
		{"number", "PO-2025-0042", 2},
		{"customer", "Borealis", 1},
		{"tag", "kanban", 1},
		{"field value", "Santander", 7},
	} {
		t.Run(tc.what, func(t *testing.T) {
			r := checkHits(t, ix, docs, search.Query{Q: tc.q})
			if !slices.Contains(ids(r), docID(tc.must)) {
				t.Errorf("%s word %q does not find %s: %v", tc.what, tc.q, docID(tc.must), ids(r))
			}
		})
	}
}

// An empty (or blank) query matches every document, with the exact total.
func testEmptyQuery(t *testing.T, ix search.Index, docs []search.Doc) {
	for _, q := range []string{"", "   "} {
		r := run(t, ix, search.Query{Q: q, Limit: 100})
		if r.Total != len(docs) || len(r.Hits) != len(docs) {
			t.Errorf("Q %q: total %d with %d hits, want %d", q, r.Total, len(r.Hits), len(docs))
		}
	}
	r := run(t, ix, search.Query{Limit: 3})
	if r.Total != len(docs) || len(r.Hits) != 3 {
		t.Errorf("Limit 3: total %d with %d hits, want total %d with 3 hits", r.Total, len(r.Hits), len(docs))
	}
}

// Every word of Q must match (AND): a second word narrows the result and two
// words from different documents find nothing.
func testAllWords(t *testing.T, ix search.Index, docs []search.Doc) {
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"kestrel", []string{docID(23), docID(24)}},
		{"obsidian kestrel", []string{docID(23)}},
		{"kestrel obsidian", []string{docID(23)}},
		{"zirconium heliotrope", nil},
		{"tungsten incoterms", []string{docID(22)}},
	} {
		r := checkHits(t, ix, docs, search.Query{Q: tc.q})
		if !sameSet(ids(r), tc.want) {
			t.Errorf("Q %q: got %v, want %v", tc.q, ids(r), tc.want)
		}
	}
}

func testCaseInsensitive(t *testing.T, ix search.Index, docs []search.Doc) {
	for _, q := range []string{"ZIRCONIUM", "Zirconium", "zIrCoNiUm"} {
		if got := ids(run(t, ix, search.Query{Q: q})); !slices.Equal(got, []string{docID(3)}) {
			t.Errorf("Q %q: got %v, want %s", q, got, docID(3))
		}
	}
	if got := ids(run(t, ix, search.Query{Q: "HYDRAULIC VALVES"})); !slices.Contains(got, docID(20)) {
		t.Errorf("upper-case title words do not find %s: %v", docID(20), got)
	}
}
