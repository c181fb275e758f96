package documents

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/store"
	"dossier/internal/workflow"
	"dossier/workflows"
)

func TestCursorCarriesItsOrder(t *testing.T) {
	t.Parallel()
	last := dossier.Document{ID: "01J8ZZZZZZZZZZZZZZZZZZZZZZ", Title: "Ünïcode, commas \"and\" quotes", Amount: "12.50",
		CreatedAt: time.Date(2026, 2, 3, 23, 59, 0, 0, time.UTC)}
	for _, sort := range append(store.DocumentSorts, "") {
		c := makeCursor(sort, last)
		id, key, err := readCursor(c, sort)
		if err != nil || id != last.ID || key != sort.SortKey(last) {
			t.Errorf("sort %q: cursor %q reads as (%q, %q, %v), want (%q, %q)", sort, c, id, key, err, last.ID, sort.SortKey(last))
		}
		if strings.ContainsAny(c, "&=?# ") {
			t.Errorf("sort %q: cursor %q needs escaping in a URL", sort, c)
		}
	}
	// Under another order a cursor is refused, never read as a position there.
	for _, tc := range []struct {
		cursor string
		sort   store.DocumentSort
	}{
		{makeCursor(store.SortAmount, last), store.SortAmountDesc},
		{makeCursor(store.SortTitle, last), store.SortDate},
		{last.ID, store.SortTitle},
		{"e30", store.SortDate}, // {} in base64
		{"%%%", store.SortAmount},
	} {
		if _, _, err := readCursor(tc.cursor, tc.sort); dossier.ErrorCode(err) != dossier.EInvalid || !strings.HasPrefix(dossier.ErrorMessage(err), "cursor") {
			t.Errorf("cursor %q under sort %s: %v, want EInvalid naming cursor", tc.cursor, tc.sort, err)
		}
	}
}

func TestFilterQueryIsCanonical(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"cursor=X&limit=5&sort=-created", ""},
		{"sort=amount&currency=eur&amount_min=+10+&view=01J", "amount_min=10&currency=EUR&sort=amount"},
		{"date_to=2026-12-31&kind=contract&date_from=2026-01-01&subtype=&state=received",
			"date_from=2026-01-01&date_to=2026-12-31&kind=contract&state=received"},
	} {
		q, _ := url.ParseQuery(tc.in)
		if got := FilterOf(q).Query().Encode(); got != tc.want {
			t.Errorf("FilterOf(%q).Query() = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCheckNamesTheParameter(t *testing.T) {
	t.Parallel()
	defs, err := workflow.Load(workflows.FS)
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{defs: defs}
	for _, tc := range []struct {
		f     Filter
		names string // "" when the filter is fine
	}{
		{Filter{DateFrom: "2026-01-01", DateTo: "2026-01-01", AmountMin: "9.5", AmountMax: "10.25", Sort: store.SortTitle}, ""},
		{Filter{AmountMin: "100.00", AmountMax: "100"}, ""},
		{Filter{DateFrom: "2026-02-30"}, "date_from"},
		{Filter{DateTo: "2026-1-5"}, "date_to"},
		{Filter{DateFrom: "2026-02-01", DateTo: "2026-01-31"}, "date_from"},
		{Filter{AmountMin: "0.12345"}, "amount_min"},
		{Filter{AmountMax: "1e6"}, "amount_max"},
		{Filter{AmountMin: "10.25", AmountMax: "9.5"}, "amount_min"},
		{Filter{Sort: "price"}, "sort"},
		{Filter{Kind: "invoice"}, "kind"},
		{Filter{State: "limbo"}, "state"},
	} {
		err := s.check(tc.f)
		switch {
		case tc.names == "" && err != nil:
			t.Errorf("check(%+v): %v, want no problem", tc.f, err)
		case tc.names != "" && (dossier.ErrorCode(err) != dossier.EInvalid || !strings.HasPrefix(dossier.ErrorMessage(err), tc.names)):
			t.Errorf("check(%+v): %v, want EInvalid starting with %s", tc.f, err, tc.names)
		}
	}
}
