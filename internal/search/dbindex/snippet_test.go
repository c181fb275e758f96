package dbindex

import (
	"strings"
	"testing"

	"dossier/internal/search/tokens"
)

func TestSnippet(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("filler words here. ", 20)
	for _, tc := range []struct{ name, text, q, want string }{
		{"CJK word, after a lead of four words", "框架协议评审，合同归档。", "合同", "…协议评审，\x01合同\x02归档"},
		{"CJK phrase of pairs, marked whole", "框架协议评审，合同归档。", "协议评审", "框架\x01协议评审\x02，合同归档"},
		{"lone character inside a run", "华鑫汽车", "汽", "华鑫\x01汽\x02车"},
		{"lone character at the end of a run", "华鑫汽车", "车", "华鑫汽\x01车\x02"},
		{"folded word shown as written", "Lieferung an Müller.", "MULLER", "Lieferung an \x01Müller\x02"},
		{"each word marked", "Contrato marco with", "contrato marco", "\x01Contrato\x02 \x01marco\x02 with"},
		{"control characters are spaces", "a\x01b\x02c\x1b zirconium\fend", "zirconium", "a b c  \x01zirconium\x02 end"},
		{"no match: the start", "nothing to see here", "absent", "nothing to see here"},
		{"window: a lead, then ellipses", long + "the kestrel nests. " + long, "kestrel",
			"…filler words here. the \x01kestrel\x02 nests. filler words here. filler words here. filler words here. filler words here. filler words…"},
		{"the window with most terms wins", "obsidian " + long + "obsidian kestrel", "obsidian kestrel",
			"…here. filler words here. \x01obsidian\x02 \x01kestrel\x02"},
	} {
		if got := snippet(tc.text, tokens.Query(tc.q)); got != tc.want {
			t.Errorf("%s: snippet(%q, %q) =\n %q\nwant\n %q", tc.name, tc.text, tc.q, got, tc.want)
		}
	}
}

// The worst case of a page of hits: a word found in no text, so that each
// snippet reads its whole text.
func BenchmarkSnippetNoMatch(b *testing.B) {
	text := strings.Repeat("The buyer confirms the quantities and unit prices stated in the quotation. ", 1000)
	terms := tokens.Query("borealis")
	for b.Loop() {
		snippet(text, terms)
	}
}
