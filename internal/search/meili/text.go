package meili

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"dossier/internal/dossier"
	"dossier/internal/search"
)

const (
	// textParts is how many attributes hold the extracted text.
	textParts = 16
	// partPositions is the budget of word positions of one part, under
	// Meilisearch's 65,535 with room for the count to be off.
	partPositions = 60000
	// hardStep is how far Meilisearch moves after a sentence-ending
	// separator; a blank moves it by one.
	hardStep = 8
)

// textAttr returns the name of text part i (from 0): text_1, text_2, …
func textAttr(i int) string { return "text_" + strconv.Itoa(i+1) }

// The marks Meilisearch puts around matches; they are removed from the
// indexed text, so that every one found in a result is a mark.
const (
	preTag  = "\x01"
	postTag = "\x02"
)

var stripMarks = strings.NewReplacer(preTag, " ", postTag, " ")

// splitText joins the pages and cuts the text at word starts into at most
// textParts parts of at most partPositions positions each; text past the
// last part is dropped.
//
// The count errs on the high side of Meilisearch's tokenizer: a word starts
// at every letter-digit change, lower-to-upper change and ideograph, and any
// separator but spaces and tabs counts as a sentence end.
func splitText(pages []string) []string {
	text := stripMarks.Replace(strings.Join(pages, "\n\n"))
	var parts []string
	start, pos := 0, 0
	inWord, hard, first := false, false, true
	var prev rune
	for i, r := range text {
		if !isWordRune(r) {
			inWord = false
			hard = hard || (r != ' ' && r != '\t')
			prev = r
			continue
		}
		if inWord && !wordBreak(prev, r) {
			prev = r
			continue
		}
		step := 1
		switch {
		case first:
			step = 0
		case !inWord && hard:
			step = hardStep
		}
		if pos+step > partPositions {
			parts = append(parts, strings.TrimSpace(text[start:i]))
			if len(parts) == textParts {
				return parts
			}
			start, pos, step = i, 0, 0
		}
		pos += step
		inWord, hard, first, prev = true, false, false, r
	}
	if rest := strings.TrimSpace(text[start:]); rest != "" {
		parts = append(parts, rest)
	}
	return parts
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// wordBreak reports whether a new word starts at r right after the word rune
// prev, with no separator between them.
func wordBreak(prev, r rune) bool {
	switch {
	case unicode.IsMark(r):
		return false
	case ideographic(r) || ideographic(prev):
		return true
	case unicode.IsDigit(r) != unicode.IsDigit(prev):
		return true
	}
	return unicode.IsUpper(r) && unicode.IsLower(prev)
}

// ideographic reports scripts written without spaces, which Meilisearch
// segments into words of one or more characters.
func ideographic(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul,
		unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

// document returns the Meilisearch document of d.
func document(d search.Doc) (map[string]any, error) {
	if !validUID.MatchString(d.ID) {
		return nil, dossier.Errorf(dossier.EInvalid, "document id %q: Meilisearch takes 1 to 400 letters, digits, - and _", d.ID)
	}
	fields := d.Fields
	if fields == nil {
		fields = map[string]string{}
	}
	tags := d.Tags
	if tags == nil {
		tags = []string{}
	}
	doc := map[string]any{
		"id": d.ID, "kind": d.Kind, "subtype": d.Subtype, "state": d.State,
		"title": stripMarks.Replace(d.Title), "number": d.Number, "customer": d.Customer,
		"amount": d.Amount, "currency": d.Currency, "date": d.Date,
		"tags": tags, "fields": fields, "updated_at": d.UpdatedAt.UTC().Format(time.RFC3339Nano),
	}
	if d.Amount != "" {
		v, err := amountValue(d.Amount)
		if err != nil {
			return nil, err
		}
		doc["amount_value"] = v
	}
	if n, ok := dateNum(d.Date); ok {
		doc["date_num"] = n
	}
	for i, part := range splitText(d.Pages) {
		doc[textAttr(i)] = part
	}
	return doc, nil
}

// amountValue returns the float64 that Meilisearch filters on; the exact
// decimal stays in "amount".
func amountValue(amount string) (float64, error) {
	if err := search.CheckAmount(amount); err != nil {
		return 0, err
	}
	return strconv.ParseFloat(amount, 64)
}

// dateNum turns YYYY-MM-DD into the number YYYYMMDD.
func dateNum(date string) (int, bool) {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return 0, false
	}
	return t.Year()*10000 + int(t.Month())*100 + t.Day(), true
}
