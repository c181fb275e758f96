package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// listSpec is one document of the list corpus: what the ranges and sorts read.
type listSpec struct {
	title, amount, issue string // issue "" means none: the upload day counts
	created              time.Time
}

// listCorpus is made so that every order differs from the others, ties
// exist under each key (broken by id), and string order of the amounts
// is not their numeric order (9.5 < 10.25 < 100).
func listCorpus() []listSpec {
	day := func(d int) time.Time { return time.Date(2025, 6, d, 12, 0, 0, 0, time.UTC) }
	return []listSpec{
		{"beta order", "100", "2025-03-01", day(1)},
		{"Alpha order", "9.5", "2025-01-15", day(2)},
		{"gamma order", "10.25", "", day(3)},      // listed by its upload day, 2025-06-03
		{"alpha order", "", "2025-03-01", day(4)}, // no amount
		{"Delta order", "100.00", "2025-12-31", day(5)},
		{"beta order", "0.5", "2024-12-31", day(6)},
	}
}

// newListCorpus stores listCorpus and returns the ids in its order.
func newListCorpus(t *testing.T, s store.Store) []string {
	specs := listCorpus()
	ids := make([]string, len(specs))
	write(t, s, func(tx store.Tx) error {
		u := newUser(t, tx)
		for i, sp := range specs {
			ids[i] = newDocument(t, tx, u.ID, func(d *dossier.Document) {
				d.Title, d.Amount, d.CreatedAt, d.UpdatedAt = sp.title, sp.amount, sp.created, sp.created
				d.Dates = map[string]string{}
				if sp.issue != "" {
					d.Dates["issue_date"] = sp.issue
				}
				if sp.amount == "" {
					d.Currency = ""
				}
			}).ID
		}
		return nil
	})
	return ids
}

func testListRanges(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Parallel()
	s := newStore(t)
	ids := newListCorpus(t, s)
	pick := func(idx ...int) []string {
		out := []string{}
		for _, n := range idx {
			out = append(out, ids[n])
		}
		return out
	}
	cases := []struct {
		name string
		f    store.DocumentFilter
		want []string // newest first
	}{
		{"date from", store.DocumentFilter{DateFrom: "2025-03-01"}, pick(4, 3, 2, 0)},
		{"date to", store.DocumentFilter{DateTo: "2025-03-01"}, pick(5, 3, 1, 0)},
		{"one day", store.DocumentFilter{DateFrom: "2025-03-01", DateTo: "2025-03-01"}, pick(3, 0)},
		{"upload day when no issue date", store.DocumentFilter{DateFrom: "2025-06-03", DateTo: "2025-06-03"}, pick(2)},
		{"amount min as a decimal", store.DocumentFilter{AmountMin: "10"}, pick(4, 2, 0)},
		{"amount max as a decimal", store.DocumentFilter{AmountMax: "10.25"}, pick(5, 2, 1)},
		{"amount bounds equal in value", store.DocumentFilter{AmountMin: "100.0000", AmountMax: "100"}, pick(4, 0)},
		{"amount between", store.DocumentFilter{AmountMin: "9.5", AmountMax: "99.99"}, pick(2, 1)},
		{"no amount is outside any bound", store.DocumentFilter{AmountMin: "0"}, pick(5, 4, 2, 1, 0)},
		{"dates and amounts", store.DocumentFilter{DateFrom: "2025-01-01", AmountMax: "100"}, pick(4, 2, 1, 0)},
		{"nothing", store.DocumentFilter{DateFrom: "2026-01-01"}, pick()},
	}
	for _, c := range cases {
		var got []dossier.Document
		read(t, s, func(tx store.Tx) (err error) {
			got, err = tx.ListDocuments(ctx(t), c.f)
			return err
		})
		if gotIDs := documentIDs(got); !equalIDs(gotIDs, c.want) {
			t.Errorf("ListDocuments %s (%+v):\n  got  %v\n  want %v", c.name, c.f, gotIDs, c.want)
		}
	}
}

func testListSorts(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Parallel()
	s := newStore(t)
	ids := newListCorpus(t, s)
	// Ties (same key) go by id in the direction of the order.
	want := map[store.DocumentSort][]int{
		store.SortCreatedDesc: {5, 4, 3, 2, 1, 0},
		store.SortCreated:     {0, 1, 2, 3, 4, 5},
		store.SortDate:        {5, 1, 0, 3, 2, 4},
		store.SortDateDesc:    {4, 2, 3, 0, 1, 5},
		store.SortAmount:      {3, 5, 1, 2, 0, 4},
		store.SortAmountDesc:  {4, 0, 2, 1, 5, 3},
		store.SortTitle:       {1, 3, 0, 5, 4, 2},
		store.SortTitleDesc:   {2, 4, 5, 0, 3, 1},
	}
	for _, sort := range store.DocumentSorts {
		var order []string
		for _, i := range want[sort] {
			order = append(order, ids[i])
		}
		if len(order) != len(ids) {
			t.Fatalf("no expected order for sort %q", sort)
		}
		t.Run(strings.TrimPrefix(string(sort), "-")+map[bool]string{true: "_desc"}[sort.Desc()], func(t *testing.T) {
			var all []dossier.Document
			read(t, s, func(tx store.Tx) (err error) {
				all, err = tx.ListDocuments(ctx(t), store.DocumentFilter{Sort: sort})
				return err
			})
			if got := documentIDs(all); !equalIDs(got, order) {
				t.Errorf("sort %s in one page:\n  got  %v\n  want %v", sort, got, order)
			}
			// Every page size pages through every document once, in order.
			for size := 1; size <= 4; size++ {
				if got := pageThrough(t, s, store.DocumentFilter{Sort: sort, Limit: size}); !equalIDs(got, order) {
					t.Errorf("sort %s in pages of %d:\n  got  %v\n  want %v", sort, size, got, order)
				}
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		err := s.Read(ctx(t), func(tx store.Tx) error {
			_, err := tx.ListDocuments(ctx(t), store.DocumentFilter{Sort: "size"})
			return err
		})
		wantCode(t, err, dossier.EInvalid, "ListDocuments with sort size")
	})
}

// pageThrough follows the cursor from the first page to the last.
func pageThrough(t *testing.T, s store.Store, f store.DocumentFilter) []string {
	t.Helper()
	var visited []string
	for page := 0; ; page++ {
		if page > 20 {
			t.Fatalf("paging %+v did not end; visited %v", f, visited)
		}
		var got []dossier.Document
		read(t, s, func(tx store.Tx) (err error) {
			got, err = tx.ListDocuments(ctx(t), f)
			return err
		})
		visited = append(visited, documentIDs(got)...)
		if len(got) < f.Limit {
			return visited
		}
		last := got[len(got)-1]
		f.Cursor, f.CursorKey = last.ID, f.Sort.SortKey(last)
	}
}

// A document's keys follow its changes: a new amount, title or issue
// date moves it in every order.
func testListKeysFollowUpdates(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Parallel()
	s := newStore(t)
	ids := newListCorpus(t, s)
	var d dossier.Document
	read(t, s, func(tx store.Tx) (err error) { d, err = tx.Document(ctx(t), ids[1]); return err })
	d.Amount, d.Title, d.Dates = "1000", "zulu order", map[string]string{"issue_date": "2026-02-02"}
	d.Version++
	write(t, s, func(tx store.Tx) error { return tx.UpdateDocument(ctx(t), d, d.Version-1) })
	for _, sort := range []store.DocumentSort{store.SortAmountDesc, store.SortTitleDesc, store.SortDateDesc} {
		var got []dossier.Document
		read(t, s, func(tx store.Tx) (err error) {
			got, err = tx.ListDocuments(ctx(t), store.DocumentFilter{Sort: sort, Limit: 1})
			return err
		})
		if len(got) != 1 || got[0].ID != d.ID {
			t.Errorf("sort %s after the update: first %v, want %s", sort, documentIDs(got), d.ID)
		}
	}
	var got []dossier.Document
	read(t, s, func(tx store.Tx) (err error) {
		got, err = tx.ListDocuments(ctx(t), store.DocumentFilter{AmountMin: "999.99", DateFrom: "2026-01-01"})
		return err
	})
	if !slices.Equal(documentIDs(got), []string{d.ID}) {
		t.Errorf("ranges after the update: %v, want only %s", documentIDs(got), d.ID)
	}
}
