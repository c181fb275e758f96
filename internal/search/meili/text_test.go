package meili

import (
	"strings"
	"testing"
	"unicode"

	"dossier/internal/search"
)

// meiliPositions counts the last word position Meilisearch gives text: a
// word moves one position after a soft separator (or none) and eight after a
// hard one (sentence ends, line breaks); ideographs are words of their own.
func meiliPositions(text string) int {
	pos, words, hard, sep := 0, 0, false, false
	var prev rune
	for _, r := range text {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			sep = true
			hard = hard || strings.ContainsRune(".!?;\n\r。！？；", r)
			prev = r
			continue
		}
		if words > 0 && (sep || ideographic(r) || ideographic(prev)) {
			if hard {
				pos += 8
			} else {
				pos++
			}
		}
		if sep || words == 0 || ideographic(r) || ideographic(prev) {
			words++
		}
		sep, hard, prev = false, false, r
	}
	return pos
}

func allWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func TestSplitText(t *testing.T) {
	t.Parallel()
	han := strings.Repeat("中文测试", 17500) // 70,000 ideographs, no spaces
	for _, tc := range []struct {
		name      string
		pages     []string
		parts     int
		truncated bool
	}{
		{"short", []string{"Page one.", "Page two, with more words."}, 1, false},
		{"none", nil, 0, false},
		{"blanks only", []string{"ok " + strings.Repeat("ok ", 69999)}, 2, false},
		{"sentences", []string{strings.Repeat("ok. ", 40000)}, 6, false},
		{"many pages", []string{strings.Repeat("ok ", 50000), strings.Repeat("ok ", 50000), "last words"}, 2, false},
		{"ideographs", []string{han}, 2, false},
		{"too long", []string{strings.Repeat("ok ", textParts*(partPositions+1)+10)}, textParts, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts := splitText(tc.pages)
			if len(parts) != tc.parts {
				t.Fatalf("%d parts, want %d", len(parts), tc.parts)
			}
			for i, p := range parts {
				if n := meiliPositions(p); n >= 65535 {
					t.Errorf("part %d reaches position %d: Meilisearch drops what lies past 65,535", i, n)
				}
			}
			in, out := allWords(strings.Join(tc.pages, " ")), allWords(strings.Join(parts, " "))
			if tc.name == "ideographs" {
				in, out = []string{strings.Join(in, "")}, []string{strings.Join(out, "")}
			}
			switch {
			case !tc.truncated && strings.Join(in, " ") != strings.Join(out, " "):
				t.Errorf("the parts hold %d words, the pages %d: words lost or changed", len(out), len(in))
			case tc.truncated && (len(out) != textParts*(partPositions+1) || len(in) <= len(out)):
				t.Errorf("truncated to %d words of %d, want the first %d", len(out), len(in), textParts*(partPositions+1))
			}
		})
	}
	if got := splitText([]string{"a", "b"}); len(got) != 1 || got[0] != "a\n\nb" {
		t.Errorf("pages are joined with a blank line: %q", got)
	}
	if got := splitText([]string{"x\x01y\x02z"}); got[0] != "x y z" {
		t.Errorf("the highlight tags are not removed from the text: %q", got[0])
	}
}

func TestDocument(t *testing.T) {
	t.Parallel()
	d := search.Doc{ID: "01JABC", Kind: "contract", Title: "Title \x01x\x02", Amount: "100000.10", Date: "2025-03-14",
		Pages: []string{strings.Repeat("ok ", 70000)}}
	doc, err := document(d)
	if err != nil {
		t.Fatal(err)
	}
	if doc["amount"] != "100000.10" || doc["amount_value"] != 100000.10 || doc["date_num"] != 20250314 {
		t.Errorf("amount %v / %v, date_num %v", doc["amount"], doc["amount_value"], doc["date_num"])
	}
	if doc["title"] != "Title  x " || doc["text_1"] == nil || doc["text_2"] == nil || doc["text_3"] != nil {
		t.Errorf("title %q, text parts %v %v %v", doc["title"], doc["text_1"] != nil, doc["text_2"] != nil, doc["text_3"] != nil)
	}
	for _, bad := range []search.Doc{{ID: "a/b"}, {ID: ""}, {ID: "ok", Amount: "1e5"}} {
		if _, err := document(bad); err == nil {
			t.Errorf("document(%+v): no error", bad)
		}
	}
	if doc, err := document(search.Doc{ID: "x", Date: "someday"}); err != nil || doc["date_num"] != nil || doc["amount_value"] != nil {
		t.Errorf("a document without a valid date or an amount: %v, %v", doc, err)
	}
}
