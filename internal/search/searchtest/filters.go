package searchtest

import (
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/search"
)

// Each keyword filter alone and with Q; several values of one filter are OR.
func testFilters(t *testing.T, ix search.Index, docs []search.Doc) {
	for _, tc := range []struct {
		name string
		q    search.Query
	}{
		{"kind", search.Query{Kind: []string{"letter_of_credit"}}},
		{"kind any of", search.Query{Kind: []string{"letter_of_credit", "customs"}}},
		{"state", search.Query{State: []string{"approved"}}},
		{"state any of", search.Query{State: []string{"received", "archived"}}},
		{"customer", search.Query{Customer: []string{borealis}}},
		{"customer with quotes and backslash", search.Query{Customer: []string{acme}}},
		{"customer any of", search.Query{Customer: []string{huaxin, acme}}},
		{"currency", search.Query{Currency: []string{"USD"}}},
		{"currency any of", search.Query{Currency: []string{"USD", "CNY"}}},
		{"unknown value", search.Query{Kind: []string{"no_such_kind"}}},
		{"two filters", search.Query{Kind: []string{"purchase_order"}, Currency: []string{"EUR"}}},
		{"kind with Q", search.Query{Q: "incoterms", Kind: []string{"purchase_order"}}},
		{"state with Q", search.Query{Q: "incoterms", State: []string{"approved", "received"}}},
		{"customer with Q", search.Query{Q: "incoterms", Customer: []string{huaxin}}},
		{"currency with Q", search.Query{Q: "incoterms", Currency: []string{"EUR", "CNY"}}},
		{"Q matching outside the filter", search.Query{Q: "zirconium", Currency: []string{"USD"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkHits(t, ix, docs, tc.q)
		})
	}
	// The model itself must not make the cases above trivial.
	if n := len(expect(docs, search.Query{Customer: []string{acme}})); n != 3 {
		t.Fatalf("corpus: %d documents of %q, want 3", n, acme)
	}
}

// Both ends of a date range are inclusive.
func testDateRange(t *testing.T, ix search.Index, docs []search.Doc) {
	q := search.Query{DateFrom: "2025-03-01", DateTo: "2025-03-14"}
	want := []string{docID(3), docID(4), docID(5), docID(6)} // 03-01 and three on 03-14; not 02-28 nor 04-01
	if got := ids(checkHits(t, ix, docs, q)); !sameSet(got, want) {
		t.Errorf("%+v: got %v, want %v", q, got, want)
	}
	for _, q := range []search.Query{
		{DateFrom: "2026-01-05"},
		{DateTo: "2025-01-15"},
		{DateFrom: "2025-06-10", DateTo: "2025-06-10"},
		{DateFrom: "2026-07-01"},
		{Q: "incoterms", DateFrom: "2025-05-05", DateTo: "2026-01-05"},
	} {
		checkHits(t, ix, docs, q)
	}
}

// Both ends of an amount range are inclusive and compare exactly, whatever
// the scale of the decimal ("100000" is "100000.00"); documents without an
// amount never match a range.
func testAmountRange(t *testing.T, ix search.Index, docs []search.Doc) {
	for _, tc := range []struct {
		q      search.Query
		must   []int // documents the hits include
		mustNo []int // documents the hits exclude
	}{
		{search.Query{AmountMin: "100000"}, []int{5, 7, 19}, []int{8}},
		{search.Query{AmountMin: "100000.00"}, []int{5, 19}, []int{8}},
		{search.Query{AmountMin: "100000.01"}, []int{7}, []int{5, 19}},
		{search.Query{AmountMax: "99.99"}, []int{2}, []int{12}},
		{search.Query{AmountMax: "99.50"}, []int{2}, nil},
		{search.Query{AmountMax: "99.49"}, nil, []int{2}},
		{search.Query{AmountMin: "12500", AmountMax: "12500.00"}, []int{1, 21}, []int{22}},
		{search.Query{AmountMin: "0"}, nil, []int{10, 17, 24}},
		{search.Query{AmountMin: "99999.99", AmountMax: "100000"}, []int{8, 5, 19}, []int{7}},
		{search.Query{AmountMin: "1000000", Currency: []string{"CNY"}}, []int{11, 20}, []int{4, 9}},
		{search.Query{Q: "incoterms", AmountMin: "12500.00", AmountMax: "480000"}, []int{1, 3, 13, 19}, []int{9, 22}},
	} {
		r := checkHits(t, ix, docs, tc.q)
		got := ids(r)
		for _, n := range tc.must {
			if !contains(got, docID(n)) {
				t.Errorf("%+v: hits %v lack %s (amount %s)", tc.q, got, docID(n), find(docs, docID(n)).Amount)
			}
		}
		for _, n := range tc.mustNo {
			if contains(got, docID(n)) {
				t.Errorf("%+v: hits %v include %s (amount %q)", tc.q, got, docID(n), find(docs, docID(n)).Amount)
			}
		}
	}
}

func contains(ids []string, id string) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

// Every filter at once, with Q: the hits are exactly the intersection, and
// documents on the edge of each range are in.
func testAllFilters(t *testing.T, ix search.Index, docs []search.Doc) {
	q := search.Query{
		Q:         "incoterms",
		Kind:      []string{"purchase_order", "contract"},
		State:     []string{"approved", "archived", "signed"},
		Customer:  []string{borealis, meridian},
		Currency:  []string{"EUR"},
		DateFrom:  "2025-01-15",
		DateTo:    "2026-01-05",
		AmountMin: "12500",
		AmountMax: "480000.00",
	}
	want := []string{docID(1), docID(13), docID(19)}
	if got := ids(checkHits(t, ix, docs, q)); !sameSet(got, want) {
		t.Errorf("all filters: got %v, want %v", got, want)
	}
	checkFacets(t, q, run(t, ix, q).Facets, expectFacets(docs, q))
}

// An amount bound that is not a decimal is the caller's mistake: EInvalid,
// not an empty or unfiltered result.
func testInvalidAmount(t *testing.T, ix search.Index, _ []search.Doc) {
	for _, q := range []search.Query{
		{AmountMin: "abc"},
		{AmountMax: "1e5"},
		{AmountMin: "-1"},
		{AmountMax: "12,50"},
		{Q: "incoterms", AmountMin: "1 000"},
	} {
		_, err := ix.Search(t.Context(), q)
		if dossier.ErrorCode(err) != dossier.EInvalid {
			t.Errorf("Search(%+v): err %v, want a *dossier.Error %s", q, err, dossier.EInvalid)
		}
	}
}
