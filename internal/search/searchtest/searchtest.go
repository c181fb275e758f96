// Package searchtest is the conformance suite every search.Index passes, so
// that the database's own index and Meilisearch cannot drift apart (SPEC §3:
// no feature may exist on one backend only).
//
// Indexes may be eventually consistent (Meilisearch applies writes in a task
// queue): after a write the suite polls Search with a deadline until the
// expected answer appears, and never sleeps a fixed time.
//
// The contract it pins down, beyond the comments of package search:
//   - Q matches whole words, case-insensitively and without regard to
//     accents, over title, number, customer, tags, field values and page
//     text; every word of Q must match (AND), so adding a word never widens
//     a result. In Chinese, Japanese and Korean, written without spaces, a
//     word matches wherever its characters stand together.
//   - By relevance, a document holding Q word for word comes first.
//   - Filters take any of their values (OR within a filter, AND across
//     filters); date and amount ranges include both ends; an amount range
//     excludes documents without an amount; amounts compare exactly.
//   - Total and facet counts are exact and cover every hit, not just the page.
//   - A query the index cannot use is a *dossier.Error EInvalid, never
//     another error or a panic.
package searchtest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"dossier/internal/search"
)

// Run runs the conformance tests; newIndex returns a fresh, empty index for
// each call and arranges its clean-up with t.Cleanup. The read-only tests
// share one index holding the corpus; the tests that write get their own.
func Run(t *testing.T, newIndex func(t *testing.T) search.Index) {
	t.Run("Corpus", testCorpus)
	t.Run("Ping", func(t *testing.T) {
		t.Parallel()
		if err := newIndex(t).Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})

	t.Run("Read", func(t *testing.T) {
		docs := corpus()
		ix := newIndex(t)
		load(t, ix, docs)
		tests := []struct {
			name string
			fn   func(t *testing.T, ix search.Index, docs []search.Doc)
		}{
			{"TextOnlyWord", testTextOnlyWord},
			{"WordOnLastPage", testWordOnLastPage},
			{"MetadataWords", testMetadataWords},
			{"EmptyQueryMatchesAll", testEmptyQuery},
			{"AllWordsRequired", testAllWords},
			{"CaseInsensitive", testCaseInsensitive},
			{"Filters", testFilters},
			{"DateRangeInclusive", testDateRange},
			{"AmountRangeInclusive", testAmountRange},
			{"AllFiltersCombined", testAllFilters},
			{"InvalidAmount", testInvalidAmount},
			{"Facets", testFacets},
			{"Snippets", testSnippets},
			{"SnippetEscapesHTML", testSnippetEscapes},
			{"SortByDate", testSortByDate},
			{"SortByRelevance", testSortByRelevance},
			{"Pagination", testPagination},
			{"HostileQueries", testHostile},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				tc.fn(t, ix, docs)
			})
		}
	})

	t.Run("Languages", func(t *testing.T) {
		t.Parallel()
		docs := languageDocs()
		ix := newIndex(t)
		load(t, ix, docs)
		testLanguages(t, ix, docs)
	})

	writes := []struct {
		name string
		fn   func(t *testing.T, ix search.Index)
	}{
		{"UpsertReplaces", testUpsertReplaces},
		{"UpsertTwiceIndexesOnce", testUpsertTwice},
		{"Delete", testDelete},
		{"LongTextFullyIndexed", testLongText},
	}
	for _, tc := range writes {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newIndex(t))
		})
	}
}

// testCorpus checks the suite's own premise: each probe is a word no other
// word of the corpus is close to, so that typo-tolerant or prefix-matching
// engines find exactly what the model predicts.
func testCorpus(t *testing.T) {
	docs := append(corpus(), upsertVersions()...)
	docs = append(docs, longDoc())
	seen := map[string]string{} // word → a document holding it
	for _, d := range docs {
		for _, s := range searchable(d) {
			for _, w := range words(s) {
				seen[w] = d.ID
			}
		}
	}
	for w, id := range seen {
		for _, p := range probes {
			if w != p && (len(w) > 2 && editDistance(w, p) <= 2 || strings.HasPrefix(w, p)) {
				t.Errorf("document %s: word %q is too close to the probe %q", id, w, p)
			}
		}
	}
}

// load upserts docs and waits until the index shows all of them.
func load(t *testing.T, ix search.Index, docs []search.Doc) {
	t.Helper()
	for _, d := range docs {
		if err := ix.Upsert(t.Context(), d); err != nil {
			t.Fatalf("Upsert %s: %v", d.ID, err)
		}
	}
	want := make([]string, len(docs))
	for i, d := range docs {
		want[i] = d.ID
	}
	slices.Sort(want)
	waitFor(t, ix, search.Query{Limit: 100}, "all documents indexed", func(r search.Result) bool {
		got := ids(r)
		slices.Sort(got)
		return r.Total == len(docs) && slices.Equal(got, want)
	})
}

// run runs q, failing the test on an error.
func run(t *testing.T, ix search.Index, q search.Query) search.Result {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 100
	}
	r, err := ix.Search(t.Context(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return r
}

// waitFor runs q until ok accepts the result, failing after 10 s.
func waitFor(t *testing.T, ix search.Index, q search.Query, what string, ok func(search.Result) bool) search.Result {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		r := run(t, ix, q)
		if ok(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: Search(%+v) still returns total %d, ids %v", what, q, r.Total, ids(r))
		}
		select {
		case <-t.Context().Done():
			t.Fatalf("waiting for %s: %v", what, t.Context().Err())
		case <-tick.C:
		}
	}
}

func ids(r search.Result) []string {
	out := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		out[i] = h.ID
	}
	return out
}

// sameSet reports whether a and b hold the same ids, in any order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// checkHits asserts that q finds exactly the documents the model predicts
// (in any order), with the exact total.
func checkHits(t *testing.T, ix search.Index, docs []search.Doc, q search.Query) search.Result {
	t.Helper()
	want := expect(docs, q)
	r := run(t, ix, q)
	if got := ids(r); !sameSet(got, want) || r.Total != len(want) {
		t.Errorf("Search(%+v): got total %d, ids %v; want total %d, ids %v", q, r.Total, got, len(want), want)
	}
	return r
}
