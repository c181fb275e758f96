package tokens

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"PO-2025-0042", "po 2025 0042"},
		{"Contrato marco 框架协议 with Müller", "contrato marco 框架 架协 协议 议 with muller"},
		{"框架协议评审，合同归档", "框架 架协 协议 议评 评审 审 合同 同归 归档 档"},
		{"华鑫汽车", "华鑫 鑫汽 汽车 车"},
		{"A股 2025年", "a 股 2025 年"},
		{"御見積書送付状", "御見 見積 積書 書送 送付 付状 状"},
		{"공급계약서검토 완료", "공급 급계 계약 약서 서검 검토 토 완료 료"},
		{"コンピューター", "コン ンピ ピュ ュー ータ ター ー"},
		{"Ｉｂérica ﬁnal ÅNGSTRÖM naïve", "iberica final angstrom naive"},
		{"Mu\u0308ller", "muller"},
		{"...  --  ", ""},
	} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Every token's bytes are the characters it stands for in the original.
func TestTokenOffsets(t *testing.T) {
	t.Parallel()
	text := "Lieferant: 华鑫汽车 (Müller), 見積書！"
	var got []string
	for tok := range All(text) {
		got = append(got, text[tok.Start:tok.End])
	}
	want := []string{"Lieferant", "华鑫", "鑫汽", "汽车", "车", "Müller", "見積", "積書", "書"}
	if !slices.Equal(got, want) {
		t.Errorf("token spans %q, want %q", got, want)
	}
}

func TestQuery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		q    string
		want []Term
	}{
		{"合同", []Term{{Keys: []string{"合同"}}}},
		{"华鑫汽车", []Term{{Keys: []string{"华鑫", "鑫汽", "汽车"}}}},
		{"车", []Term{{Keys: []string{"车"}, Prefix: true}}},
		{"Contrato 框架, MÜLLER!", []Term{{Keys: []string{"contrato"}}, {Keys: []string{"框架"}}, {Keys: []string{"muller"}}}},
		{`"(NEAR)" OR *`, []Term{{Keys: []string{"near"}}, {Keys: []string{"or"}}}},
		{"", nil},
		{"… ！", nil},
	} {
		if got := Query(tc.q); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Query(%q) = %+v, want %+v", tc.q, got, tc.want)
		}
	}
}

// A query is bounded: at most MaxTerms words of at most 64 characters.
func TestQueryBounds(t *testing.T) {
	t.Parallel()
	if n := len(Query(strings.Repeat("word ", 100))); n != MaxTerms {
		t.Errorf("100 words give %d terms, want %d", n, MaxTerms)
	}
	if n := len(Phrase(strings.Repeat("word ", 100))); n != MaxTerms {
		t.Errorf("100 words give a phrase of %d keys, want %d", n, MaxTerms)
	}
	long := Query(strings.Repeat("字", 200))
	if len(long) != 1 || len(long[0].Keys) != 63 {
		t.Errorf("a run of 200 CJK characters gives %d terms, the first of %d pairs; want one of 63", len(long), len(long[0].Keys))
	}
	if k := Query(strings.Repeat("é", 200))[0].Keys[0]; k != strings.Repeat("e", 64) {
		t.Errorf("a 200-letter word gives the key %q, want 64 letters", k)
	}
}

// A term matches only where its characters stand together: a pair split
// by other characters or by punctuation is no match.
func TestTermMatches(t *testing.T) {
	t.Parallel()
	doc := slices.Collect(All("框架协议评审，合同归档"))
	found := func(q string) bool {
		term := Query(q)[0]
		for i := range doc {
			if _, ok := term.Matches(doc[i:]); ok {
				return true
			}
		}
		return false
	}
	for q, want := range map[string]bool{
		"合同": true, "同归": true, "归档": true, "框架协议": true, "协议评审": true,
		"合档": false, "审合": false, "框协": false, "归档案": false,
		"合": true, "档": true, "审": true, "车": false,
	} {
		if got := found(q); got != want {
			t.Errorf("%q in 框架协议评审，合同归档: %v, want %v", q, got, want)
		}
	}
}

func TestPhrase(t *testing.T) {
	t.Parallel()
	if got, want := Phrase("Contrato marco 框架"), []string{"contrato", "marco", "框架", "架"}; !slices.Equal(got, want) {
		t.Errorf("Phrase = %q, want %q", got, want)
	}
}

func BenchmarkText(b *testing.B) {
	latin := strings.Repeat("The buyer confirms the quantities and unit prices stated in the quotation. ", 1000)
	han := strings.Repeat("框架协议评审，合同归档。供货方应按照合同约定的时间交货。", 1000)
	for _, bc := range []struct{ name, text string }{{"latin", latin}, {"han", han}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.text)))
			for b.Loop() {
				Text(bc.text)
			}
		})
	}
}

// Whatever the text, tokens are in order inside it, keys are never empty
// and hold no space, and no term is empty.
func FuzzTokens(f *testing.F) {
	for _, s := range []string{"华鑫汽车 Müller", "PO-2025-0042", "\xff\xfe", "a\u0301\u0301", "ー々〆", "ﷺ", strings.Repeat("字", 70)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := 0
		var toks []Token
		for tok := range All(s) {
			if tok.Start < prev || tok.Start >= tok.End || tok.End > len(s) || tok.Key == "" || strings.ContainsRune(tok.Key, ' ') {
				t.Fatalf("All(%q): bad token %+v", s, tok)
			}
			prev = tok.Start
			toks = append(toks, tok)
		}
		for _, term := range Query(s) {
			if len(term.Keys) == 0 || slices.Contains(term.Keys, "") {
				t.Fatalf("Query(%q): empty term %+v", s, term)
			}
			for i := range toks {
				term.Matches(toks[i:])
			}
		}
	})
}
