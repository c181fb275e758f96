// Package tokens turns text into the words the database's search index
// stores and matches, alike for documents and queries and for SQLite and
// PostgreSQL: the databases then only compare whole words and phrases of
// words, and every language rule lives here.
//
// Text is cut into runs of letters, digits and marks. A run in a script
// written without spaces between words (Han, Hiragana, Katakana, Hangul:
// "CJK") becomes its overlapping pairs of characters followed by its last
// character alone — "华鑫汽车" is 华鑫 鑫汽 汽车 车 — as the CJK analyzers
// of Lucene and Elasticsearch index such text; a word inside the run is
// then found as the phrase of its pairs (华鑫, 鑫汽 汽车), and only where
// its characters stand together. A lone CJK character stays a word of one
// character. Any other run is one word, in lower case and without accents
// ("Müller" is "muller"), so other languages keep whole-word matching.
package tokens

import (
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxTerms bounds the words of one query that are searched for, and
// maxTermRunes the characters of each.
const (
	MaxTerms     = 32
	maxTermRunes = 64
)

// Token is one word of a text as the index stores it.
type Token struct {
	Key        string // the word the index stores and matches
	Start, End int    // the bytes of the text it stands for
}

// All returns the tokens of text in order.
func All(text string) iter.Seq[Token] {
	return func(yield func(Token) bool) {
		for r := range runs(text) {
			if !r.emit(yield) {
				return
			}
		}
	}
}

// Text returns text as the index stores it: its keys separated by spaces.
func Text(text string) string {
	var b strings.Builder
	b.Grow(len(text) + len(text)/4)
	for t := range All(text) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.Key)
	}
	return b.String()
}

// Term is one word of a query as the index matches it: the phrase of its
// keys, in order and side by side, or, when Prefix is set (a lone CJK
// character, which may stand inside a run), any key beginning with Keys[0].
type Term struct {
	Keys   []string
	Prefix bool
}

// Query returns the terms of q, at most MaxTerms of them: every one must
// match. Punctuation and operators are not syntax, so no query fails to
// parse; q with no letters or digits has no terms.
func Query(q string) []Term {
	var terms []Term
	for r := range runs(q) {
		if len(terms) == MaxTerms {
			break
		}
		r.clip()
		switch n := utf8.RuneCountInString(r.text); {
		case !r.cjk:
			if key := fold(r.text); key != "" {
				terms = append(terms, Term{Keys: []string{key}})
			}
		case n == 1:
			terms = append(terms, Term{Keys: []string{r.text}, Prefix: true})
		default:
			var keys []string
			r.pairs(func(t Token) bool { keys = append(keys, t.Key); return true })
			terms = append(terms, Term{Keys: keys})
		}
	}
	return terms
}

// Phrase returns the keys of the words of q as a text holding q word for
// word stores them: a document matching them as one phrase holds the
// query exactly, which ranks it first.
func Phrase(q string) []string {
	var keys []string
	n := 0
	for r := range runs(q) {
		if n == MaxTerms {
			break
		}
		n++
		r.clip()
		r.emit(func(t Token) bool { keys = append(keys, t.Key); return true })
	}
	return keys
}

// Matches reports whether term matches the tokens starting at toks[0],
// and how many of them it spans.
func (t Term) Matches(toks []Token) (int, bool) {
	if t.Prefix {
		return 1, len(toks) > 0 && strings.HasPrefix(toks[0].Key, t.Keys[0])
	}
	if len(toks) < len(t.Keys) {
		return 0, false
	}
	for i, k := range t.Keys {
		if toks[i].Key != k {
			return 0, false
		}
	}
	return len(t.Keys), true
}

// run is a maximal run of word characters, all CJK or none.
type run struct {
	text  string
	start int
	cjk   bool
}

// runs returns the runs of text in order.
func runs(text string) iter.Seq[run] {
	return func(yield func(run) bool) {
		start, cjk := -1, false
		for i, c := range text {
			word := c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') ||
				c >= utf8.RuneSelf && (unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.IsMark(c) || isCJK(c))
			isC := word && c >= utf8.RuneSelf && isCJK(c)
			if start >= 0 && (!word || isC != cjk) {
				if !yield(run{text: text[start:i], start: start, cjk: cjk}) {
					return
				}
				start = -1
			}
			if word && start < 0 {
				start, cjk = i, isC
			}
		}
		if start >= 0 {
			yield(run{text: text[start:], start: start, cjk: cjk})
		}
	}
}

// isCJK reports whether c belongs to a script written without spaces
// between words, with the marks those scripts use inside words.
func isCJK(c rune) bool {
	switch c {
	case 'ー', 'ｰ', 'ﾞ', 'ﾟ', '〆':
		return true
	}
	return unicode.In(c, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// clip cuts a query word to maxTermRunes characters.
func (r *run) clip() {
	n := 0
	for i := range r.text {
		if n == maxTermRunes {
			r.text = r.text[:i]
			return
		}
		n++
	}
}

// emit yields the tokens of the run: one folded word, or the pairs of a
// CJK run and its last character alone (a lone character once).
func (r run) emit(yield func(Token) bool) bool {
	if !r.cjk {
		key := fold(r.text)
		return key == "" || yield(Token{Key: key, Start: r.start, End: r.start + len(r.text)})
	}
	if !r.pairs(yield) {
		return false
	}
	_, size := utf8.DecodeLastRuneInString(r.text)
	last := len(r.text) - size
	return yield(Token{Key: r.text[last:], Start: r.start + last, End: r.start + len(r.text)})
}

// pairs yields the overlapping pairs of characters of a CJK run.
func (r run) pairs(yield func(Token) bool) bool {
	prev := -1
	for i := range r.text {
		if prev >= 0 {
			_, size := utf8.DecodeRuneInString(r.text[i:])
			if !yield(Token{Key: r.text[prev : i+size], Start: r.start + prev, End: r.start + i + size}) {
				return false
			}
		}
		prev = i
	}
	return true
}

// fold returns a word in lower case, without accents and in its
// compatibility form (full-width ＰＯ is po, the ligature ﬁ is fi).
func fold(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(w)
	}
	w = strings.Map(func(c rune) rune {
		if unicode.Is(unicode.Mn, c) || !(unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.IsMark(c)) {
			return -1 // an accent, or what a compatibility form added (spaces)
		}
		return unicode.ToLower(c)
	}, norm.NFKD.String(w))
	return norm.NFC.String(w)
}
