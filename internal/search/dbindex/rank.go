package dbindex

import (
	"container/heap"
	"context"
	"database/sql"
	"slices"

	"dossier/internal/search"
)

// hit is a candidate for the page: a document that passed the filters.
type hit struct {
	num   int64
	exact bool // the query stands word for word in the document
	head  bool // all words match in the title, number, customer or keywords
	e     *entry
}

// order says whether a comes before b: by relevance first when it is
// asked for (the exact phrase before scattered words, then words in the
// head fields before words only in the text), then newest first (ties:
// higher id first), or oldest first for SortDateAsc.
type order struct{ relevance, asc bool }

func (o order) before(a, b hit) bool {
	if o.relevance && a.exact != b.exact {
		return a.exact
	}
	if o.relevance && a.head != b.head {
		return a.head
	}
	if a.e.date != b.e.date {
		return (a.e.date < b.e.date) == o.asc
	}
	return (a.e.id < b.e.id) == o.asc
}

// top keeps the first k hits seen in an order: a heap whose root is the
// last of those kept, so a better hit replaces it in O(log k).
type top struct {
	k    int
	o    order
	hits []hit
}

func (t *top) Len() int           { return len(t.hits) }
func (t *top) Less(i, j int) bool { return t.o.before(t.hits[j], t.hits[i]) }
func (t *top) Swap(i, j int)      { t.hits[i], t.hits[j] = t.hits[j], t.hits[i] }
func (t *top) Push(x any)         { t.hits = append(t.hits, x.(hit)) }
func (t *top) Pop() any {
	h := t.hits[len(t.hits)-1]
	t.hits = t.hits[:len(t.hits)-1]
	return h
}

func (t *top) add(h hit) {
	switch {
	case len(t.hits) < t.k:
		heap.Push(t, h)
	case t.k > 0 && t.o.before(h, t.hits[0]):
		t.hits[0] = h
		heap.Fix(t, 0)
	}
}

// sorted returns the kept hits in order.
func (t *top) sorted() []hit {
	slices.SortFunc(t.hits, func(a, b hit) int {
		if t.o.before(a, b) {
			return -1
		}
		return 1
	})
	return t.hits
}

// search catches the catalog up in tx's snapshot and tallies the hits of q.
func (c *catalog) search(ctx context.Context, tx *sql.Tx, q search.Query, nums []int64, r ranks,
	o order, res *search.Result) ([]hit, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.sync(ctx, tx); err != nil {
		return nil, err
	}
	s, err := c.selection(q)
	if err != nil {
		return nil, err
	}
	return c.tally(nums, r, &s, o, q.Offset+q.Limit, res), nil
}

// tally counts the facets and the total of the hits passing s, and keeps
// the first offset+limit of them. nums are the documents whose text
// matches, or nil for all; r holds those ranked first.
func (c *catalog) tally(nums []int64, r ranks, s *selection, o order, k int, res *search.Result) []hit {
	counts := [4][]int{}
	for i := range counts {
		counts[i] = make([]int, len(c.values))
	}
	t := &top{k: k, o: o}
	visit := func(num int64) {
		if num <= 0 || num >= int64(len(c.docs)) {
			return
		}
		e := &c.docs[num]
		if !s.has(e) {
			return
		}
		res.Total++
		counts[0][e.kind]++
		counts[1][e.state]++
		counts[2][e.customer]++
		counts[3][e.currency]++
		t.add(hit{num: num, exact: r.exact[num], head: r.head[num], e: e})
	}
	if nums == nil {
		for num := range c.docs {
			visit(int64(num))
		}
	}
	for _, num := range nums {
		visit(num)
	}
	for i, field := range search.FacetFields {
		for code, n := range counts[i] {
			if n > 0 && code != 0 {
				res.Facets[field][c.values[code]] = n
			}
		}
	}
	return t.sorted()
}
