package searchtest

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"dossier/internal/search"
)

// Facet counts are exact and cover every hit of the query, filters applied:
// they are counted from the corpus here.
func testFacets(t *testing.T, ix search.Index, docs []search.Doc) {
	for _, q := range []search.Query{
		{},
		{Q: "incoterms"},
		{Currency: []string{"EUR"}},
		{Q: "incoterms", Kind: []string{"purchase_order"}},
		{Customer: []string{acme, nordlich}},
		{State: []string{"approved"}, AmountMin: "50000"},
		{Q: "zirconium heliotrope"}, // no hits: every count is zero
		{Limit: 1},                  // counts cover all hits, not the page
	} {
		r := run(t, ix, q)
		checkFacets(t, q, r.Facets, expectFacets(docs, q))
	}
}

func checkFacets(t *testing.T, q search.Query, got, want map[string]map[string]int) {
	t.Helper()
	for _, f := range search.FacetFields {
		g := maps.Clone(got[f])
		delete(g, "") // an index may or may not report documents without a value
		if len(g) == 0 && len(want[f]) == 0 {
			continue
		}
		if !maps.Equal(g, want[f]) {
			t.Errorf("Search(%+v): facet %s = %v, want %v", q, f, got[f], want[f])
		}
	}
}

// A hit found by a word of its text carries a snippet with that word marked;
// the marks are the only markup in a snippet.
func testSnippets(t *testing.T, ix search.Index, _ []search.Doc) {
	for _, tc := range []struct{ q, word string }{
		{"zirconium", "zirconium"},
		{"Heliotrope", "heliotrope"},
		{"obsidian kestrel", "obsidian"},
		{"incoterms", "incoterms"},
	} {
		r := run(t, ix, search.Query{Q: tc.q})
		if len(r.Hits) == 0 {
			t.Fatalf("Q %q: no hits", tc.q)
		}
		for _, h := range r.Hits {
			if !strings.Contains(strings.ToLower(h.Snippet), search.MarkStart+tc.word+search.MarkEnd) {
				t.Errorf("Q %q: snippet of %s lacks %s%s%s: %q", tc.q, h.ID, search.MarkStart, tc.word, search.MarkEnd, h.Snippet)
			}
			checkMarkup(t, h)
		}
	}
}

// checkMarkup asserts that the marks are balanced and the only markup.
func checkMarkup(t *testing.T, h search.Hit) {
	t.Helper()
	if strings.Count(h.Snippet, search.MarkStart) != strings.Count(h.Snippet, search.MarkEnd) {
		t.Errorf("snippet of %s has unbalanced marks: %q", h.ID, h.Snippet)
	}
	bare := strings.NewReplacer(search.MarkStart, "", search.MarkEnd, "").Replace(h.Snippet)
	if strings.ContainsAny(bare, "<>") {
		t.Errorf("snippet of %s holds markup other than the marks: %q", h.ID, h.Snippet)
	}
}

// HTML in the text is escaped in the snippet, not passed through or dropped.
func testSnippetEscapes(t *testing.T, ix search.Index, _ []search.Doc) {
	r := run(t, ix, search.Query{Q: "marzipan"})
	if got := ids(r); !slices.Equal(got, []string{docID(16)}) {
		t.Fatalf("marzipan: got %v, want %s", got, docID(16))
	}
	s := r.Hits[0].Snippet
	if !strings.Contains(strings.ToLower(s), search.MarkStart+"marzipan"+search.MarkEnd) {
		t.Errorf("snippet lacks the marked word: %q", s)
	}
	if strings.Contains(strings.ToLower(s), "<script") || strings.Contains(strings.ToLower(s), "</script") {
		t.Errorf("snippet passes HTML through: %q", s)
	}
	if !strings.Contains(s, "&lt;/script&gt;") {
		t.Errorf("snippet does not show the escaped tag next to the word: %q", s)
	}
	checkMarkup(t, r.Hits[0])
}

// Date order is by Date, ties by id in the same direction, with or without Q;
// relevance without Q is newest first.
func testSortByDate(t *testing.T, ix search.Index, docs []search.Doc) {
	for _, tc := range []struct {
		q    search.Query
		like search.Sort // the date order expected
	}{
		{search.Query{Sort: search.SortDateDesc}, search.SortDateDesc},
		{search.Query{Sort: search.SortDateAsc}, search.SortDateAsc},
		{search.Query{Sort: search.SortRelevance}, search.SortDateDesc},
		{search.Query{}, search.SortDateDesc},
		{search.Query{Q: "incoterms", Sort: search.SortDateDesc}, search.SortDateDesc},
		{search.Query{Q: "incoterms", Sort: search.SortDateAsc}, search.SortDateAsc},
		{search.Query{Currency: []string{"EUR", "USD"}, Sort: search.SortDateAsc}, search.SortDateAsc},
	} {
		model := tc.q
		model.Sort = tc.like
		want := expect(docs, model)
		if got := ids(run(t, ix, tc.q)); !slices.Equal(got, want) {
			t.Errorf("Search(%+v):\n got %v\nwant %v", tc.q, got, want)
		}
	}
}

// With Q, relevance puts a document naming the word in its title and text
// several times before one mentioning it once in its text, whatever the dates.
func testSortByRelevance(t *testing.T, ix search.Index, _ []search.Doc) {
	want := []string{docID(21), docID(22)} // 22 is the newer one
	for _, s := range []search.Sort{search.SortRelevance, ""} {
		r := run(t, ix, search.Query{Q: "tungsten", Sort: s})
		if got := ids(r); !slices.Equal(got, want) || r.Total != 2 {
			t.Errorf("Q tungsten, sort %q: got %v (total %d), want %v", s, got, r.Total, want)
		}
	}
}

// Pages of 5 over 12 hits visit each hit once, in order, with the total
// always 12; an offset off the page grid works too.
func testPagination(t *testing.T, ix search.Index, docs []search.Doc) {
	for _, sort := range []search.Sort{search.SortDateDesc, search.SortDateAsc} {
		q := search.Query{Currency: []string{"EUR"}, Sort: sort}
		all := expect(docs, q)
		if len(all) != eurDocs {
			t.Fatalf("corpus: %d EUR documents, want %d", len(all), eurDocs)
		}
		var seen []string
		for _, off := range []int{0, 5, 10} {
			q.Offset, q.Limit = off, 5
			r := run(t, ix, q)
			if r.Total != eurDocs {
				t.Errorf("offset %d: total %d, want %d", off, r.Total, eurDocs)
			}
			if got, want := ids(r), all[off:min(off+5, len(all))]; !slices.Equal(got, want) {
				t.Errorf("sort %q offset %d: got %v, want %v", sort, off, got, want)
			}
			seen = append(seen, ids(r)...)
		}
		if !slices.Equal(seen, all) {
			t.Errorf("sort %q: pages visit %v, want each of %v once", sort, seen, all)
		}
		for _, tc := range []struct{ off, limit int }{{3, 5}, {7, 4}, {1, 11}, {11, 5}, {12, 5}, {40, 5}} {
			q.Offset, q.Limit = tc.off, tc.limit
			r := run(t, ix, q)
			want := all[min(tc.off, len(all)):min(tc.off+tc.limit, len(all))]
			if got := ids(r); !slices.Equal(got, want) || r.Total != eurDocs {
				t.Errorf("sort %q offset %d limit %d: got %v (total %d), want %v (total %d)",
					sort, tc.off, tc.limit, got, r.Total, want, eurDocs)
			}
		}
	}
}
