package searchtest

import (
	"math/big"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"dossier/internal/search"
)

// The model computes from the corpus alone what an index must answer, so that
// every expectation (hits, totals, facet counts, order) is exact. Its text
// matching is whole words, case-insensitive and without regard to accents,
// every word of Q required (AND): the contract of search.Query.Q. Chinese,
// Japanese and Korean are written without spaces between words, so there
// a word of Q matches wherever its characters stand together inside a run
// of such characters. Engines may match more (prefixes, typos), which is
// why the tests only search for probes (see testCorpus).

// words splits s into words: runs of CJK characters, and runs of other
// letters and digits in lower case without accents.
func words(s string) []string {
	var out []string
	var cur []rune
	curCJK := false
	flush := func() {
		if len(cur) > 0 {
			w := string(cur)
			if !curCJK {
				w = unaccented(w)
			}
			out = append(out, w)
		}
		cur = cur[:0]
	}
	for _, r := range s {
		word := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
		if !word || cjk(r) != curCJK {
			flush()
		}
		if word {
			cur, curCJK = append(cur, r), cjk(r)
		}
	}
	flush()
	return out
}

// cjk reports whether r is written without spaces between words.
func cjk(r rune) bool {
	return r == 'ー' || unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

func isCJKWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return cjk(r)
}

// unaccented is w in lower case without accents: Müller is muller.
func unaccented(w string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return unicode.ToLower(r)
	}, norm.NFKD.String(w))
}

// searchable is every text of d that Q searches.
func searchable(d search.Doc) []string {
	out := []string{d.Title, d.Number, d.Customer}
	out = append(out, d.Tags...)
	for _, v := range d.Fields {
		out = append(out, v)
	}
	return append(out, d.Pages...)
}

func hasWords(d search.Doc, q string) bool {
	have := map[string]bool{}
	for _, s := range searchable(d) {
		for _, w := range words(s) {
			have[w] = true
		}
	}
	for _, w := range words(q) {
		if !have[w] && !(isCJKWord(w) && inRun(have, w)) {
			return false
		}
	}
	return true
}

// inRun reports whether a run of CJK characters among words holds w.
func inRun(words map[string]bool, w string) bool {
	for run := range words {
		if isCJKWord(run) && strings.Contains(run, w) {
			return true
		}
	}
	return false
}

// exact reports whether one text of d holds the words of q side by side,
// in order: the exact phrase, which ranks first.
func exact(d search.Doc, q string) bool {
	qw := words(q)
	for _, s := range searchable(d) {
		ws := words(s)
		for i := 0; i+len(qw) <= len(ws); i++ {
			if slices.Equal(ws[i:i+len(qw)], qw) {
				return true
			}
		}
	}
	return false
}

func anyOf(values []string, v string) bool { return len(values) == 0 || slices.Contains(values, v) }

func decimal(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("searchtest: bad decimal " + s)
	}
	return r
}

// matches reports whether d is a hit of q.
func matches(d search.Doc, q search.Query) bool {
	switch {
	case !hasWords(d, q.Q),
		!anyOf(q.Kind, d.Kind), !anyOf(q.State, d.State),
		!anyOf(q.Customer, d.Customer), !anyOf(q.Currency, d.Currency),
		q.DateFrom != "" && d.Date < q.DateFrom,
		q.DateTo != "" && d.Date > q.DateTo:
		return false
	}
	if q.AmountMin == "" && q.AmountMax == "" {
		return true
	}
	if d.Amount == "" {
		return false // a range on amounts excludes documents without one
	}
	a := decimal(d.Amount)
	if q.AmountMin != "" && a.Cmp(decimal(q.AmountMin)) < 0 {
		return false
	}
	return q.AmountMax == "" || a.Cmp(decimal(q.AmountMax)) <= 0
}

// expect returns the ids of the hits of q in date order: newest first (ties:
// higher id first), or oldest first (ties: lower id first) for SortDateAsc.
func expect(docs []search.Doc, q search.Query) []string {
	var hits []search.Doc
	for _, d := range docs {
		if matches(d, q) {
			hits = append(hits, d)
		}
	}
	slices.SortFunc(hits, func(a, b search.Doc) int {
		c := strings.Compare(a.Date, b.Date)
		if c == 0 {
			c = strings.Compare(a.ID, b.ID)
		}
		if q.Sort == search.SortDateAsc {
			return c
		}
		return -c
	})
	ids := make([]string, len(hits))
	for i, d := range hits {
		ids[i] = d.ID
	}
	return ids
}

// expectFacets counts the facet values of the hits of q; empty values are
// not counted.
func expectFacets(docs []search.Doc, q search.Query) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, f := range search.FacetFields {
		out[f] = map[string]int{}
	}
	for _, d := range docs {
		if !matches(d, q) {
			continue
		}
		for f, v := range map[string]string{"kind": d.Kind, "state": d.State, "customer": d.Customer, "currency": d.Currency} {
			if v != "" {
				out[f][v]++
			}
		}
	}
	return out
}

// editDistance is the Levenshtein distance of a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
