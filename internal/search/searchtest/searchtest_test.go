package searchtest

import (
	"context"
	"html"
	"math/big"
	"slices"
	"strings"
	"sync"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/search"
)

// TestReference runs the suite against memIndex, a naive index built on the
// suite's own model, so that the suite's hand-written expectations are
// checked against its corpus without any real backend.
func TestReference(t *testing.T) {
	Run(t, func(t *testing.T) search.Index { return &memIndex{docs: map[string]search.Doc{}} })
}

// memIndex is eventually consistent like Meilisearch: a write becomes
// visible only after a few searches, which exercises the suite's polling.
type memIndex struct {
	mu      sync.Mutex
	docs    map[string]search.Doc
	pending []func()
	wait    int // searches before the pending writes apply
}

func (m *memIndex) Ping(context.Context) error { return nil }

func (m *memIndex) Upsert(_ context.Context, d search.Doc) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pending = append(m.pending, func() { m.docs[d.ID] = d })
	m.wait = 3
	return nil
}

func (m *memIndex) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pending = append(m.pending, func() { delete(m.docs, id) })
	m.wait = 3
	return nil
}

func (m *memIndex) Search(_ context.Context, q search.Query) (search.Result, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.wait--; m.wait <= 0 {
		for _, f := range m.pending {
			f()
		}
		m.pending = nil
	}
	for _, a := range []string{q.AmountMin, q.AmountMax} {
		if _, ok := new(big.Rat).SetString(a); a != "" && (!ok || !dossier.IsPlainDecimal(a)) {
			return search.Result{}, dossier.Errorf(dossier.EInvalid, "amount %q", a)
		}
	}
	q.Q = strings.ToValidUTF8(q.Q, "")
	var docs []search.Doc
	for _, d := range m.docs {
		docs = append(docs, d)
	}
	order := q
	if q.Sort != search.SortDateAsc {
		order.Sort = search.SortDateDesc
	}
	all := expect(docs, order)
	if len(words(q.Q)) > 0 && q.Sort != search.SortDateAsc && q.Sort != search.SortDateDesc {
		score := func(id string) int { // a title match counts ten, each text match one
			d, n := m.docs[id], 0
			for _, w := range words(q.Q) {
				if slices.Contains(words(d.Title), w) {
					n += 10
				}
				for _, tw := range words(strings.Join(d.Pages, " ")) {
					if tw == w {
						n++
					}
				}
			}
			return n
		}
		rank := func(id string) int { // the exact phrase first, then the score
			if exact(m.docs[id], q.Q) {
				return 1 << 20
			}
			return 0
		}
		slices.SortStableFunc(all, func(a, b string) int { return rank(b) + score(b) - rank(a) - score(a) })
	}
	limit, off := q.Limit, max(q.Offset, 0)
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	res := search.Result{Total: len(all), Facets: expectFacets(docs, q), Hits: []search.Hit{}}
	for _, id := range all[min(off, len(all)):min(off+limit, len(all))] {
		d := m.docs[id]
		res.Hits = append(res.Hits, search.Hit{ID: d.ID, Title: d.Title, Kind: d.Kind, Subtype: d.Subtype,
			State: d.State, Number: d.Number, Customer: d.Customer, Amount: d.Amount, Currency: d.Currency,
			Date: d.Date, Snippet: snippet(d, q.Q)})
	}
	return res, nil
}

// snippet marks the first word of q found in the text, a CJK word inside
// its run, with up to 8 words of context on each side.
func snippet(d search.Doc, q string) string {
	text := strings.Fields(strings.Join(d.Pages, " "))
	for i, w := range text {
		for _, qw := range words(q) {
			mark := ""
			switch {
			case isCJKWord(qw) && strings.Contains(w, qw):
				mark = strings.Replace(html.EscapeString(w), qw, search.MarkStart+qw+search.MarkEnd, 1)
			case slices.Contains(words(w), qw):
				mark = search.MarkStart + html.EscapeString(w) + search.MarkEnd
			default:
				continue
			}
			lo, hi := max(i-8, 0), min(i+9, len(text))
			parts := make([]string, 0, hi-lo)
			for j := lo; j < hi; j++ {
				p := html.EscapeString(text[j])
				if j == i {
					p = mark
				}
				parts = append(parts, p)
			}
			return strings.Join(parts, " ")
		}
	}
	return ""
}
