package dbindex

import (
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"dossier/internal/search/tokens"
)

// Snippets are cut here, from the text as it was written, not from what
// the database indexed (CJK pairs, folded words): the database finds the
// documents, this file shows why.
const (
	snippetTokens = 20    // the words of a snippet (a CJK pair counts as one)
	snippetLead   = 4     // the words shown before the first match
	snippetText   = 32000 // the bytes of text kept and searched for a snippet; past them it shows the start
)

// match is where a term matches: tokens [at, at+n), term number term; a
// prefix match (a lone CJK character) is the first character of its token.
type match struct {
	at, n, term int
	prefix      bool
}

// snippet returns the passage of text, snippetTokens words long, that
// holds the most different terms, the earliest of such; the matched words
// are between \x01 and \x02, and other control characters are spaces.
// Without a match it is the start of the text.
func snippet(text string, terms []tokens.Term) string {
	text = clipText(text, snippetText)
	var toks []tokens.Token
	var found []match
	all := uint64(1)<<min(len(terms), 63) - 1
	var seen uint64
	for t := range tokens.All(text) {
		if seen == all && len(toks) > found[len(found)-1].at+snippetTokens {
			break // every term is matched, and a window past the last match is read
		}
		toks = append(toks, t)
		// A term ends at the newest token once it has all its tokens.
		for i, term := range terms {
			start := len(toks) - len(term.Keys)
			if term.Prefix {
				start = len(toks) - 1
			}
			if start < 0 {
				continue
			}
			if n, ok := term.Matches(toks[start:]); ok {
				found = append(found, match{at: start, n: n, term: i, prefix: term.Prefix})
				seen |= 1 << min(i, 63)
			}
		}
	}
	slices.SortStableFunc(found, func(a, b match) int { return a.at - b.at })
	from, to := window(toks, found)
	if from >= to {
		return ""
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := toks[from].Start
	for _, s := range spans(text, toks, found, from, to) {
		b.WriteString(clean(text[pos:s[0]]))
		b.WriteString("\x01" + clean(text[s[0]:s[1]]) + "\x02")
		pos = s[1]
	}
	b.WriteString(clean(text[pos:toks[to-1].End]))
	if to < len(toks) {
		b.WriteString("…")
	}
	return b.String()
}

// window returns the tokens [from, to) of the snippet: snippetLead before
// the match that starts the window holding the most different terms.
func window(toks []tokens.Token, found []match) (from, to int) {
	best, bestAt := -1, 0
	for i, m := range found {
		var in uint64
		for _, n := range found[i:] {
			if n.at+n.n > m.at-min(m.at, snippetLead)+snippetTokens {
				break
			}
			in |= 1 << min(n.term, 63)
		}
		if c := bits.OnesCount64(in); c > best {
			best, bestAt = c, m.at-min(m.at, snippetLead)
		}
	}
	return bestAt, min(bestAt+snippetTokens, len(toks))
}

// spans returns the byte ranges of the matches inside tokens [from, to),
// in order and merged where they overlap; a prefix match is its first
// character only.
func spans(text string, toks []tokens.Token, found []match, from, to int) [][2]int {
	var out [][2]int
	for _, m := range found {
		if m.at < from || m.at+m.n > to {
			continue
		}
		s := [2]int{toks[m.at].Start, toks[m.at+m.n-1].End}
		if m.prefix {
			_, size := utf8.DecodeRuneInString(text[s[0]:])
			s[1] = s[0] + size
		}
		if n := len(out); n > 0 && s[0] <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], s[1])
			continue
		}
		out = append(out, s)
	}
	return out
}

// clean turns control characters into spaces: the marks are control
// characters, and page breaks read as spaces.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
