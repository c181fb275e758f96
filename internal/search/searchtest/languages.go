package searchtest

import (
	"slices"
	"strings"
	"testing"

	"dossier/internal/search"
)

// languageDocs are documents in Chinese, Japanese, Korean, Spanish and
// German, some mixed, with words inside runs of CJK characters, which are
// written without spaces between words.
func languageDocs() []search.Doc {
	return []search.Doc{
		withFields(doc(101, "contract", "", "signed", "华鑫汽车", "CNY", "560000.00", "2026-02-10",
			"年度供货合同", "HX-2026-018", []string{"框架协议评审，合同归档。交货地点：上海。"}),
			"applicant", "华鑫汽车"),
		doc(102, "other", "", "received", "", "", "", "2026-02-11",
			"見積依頼", "", []string{"御見積書送付状 — 数量と単価をご確認ください。"}),
		doc(103, "contract", "", "in_review", "", "", "", "2026-02-12",
			"공급 계약", "", []string{"공급계약서검토 완료. 납기는 다음 달입니다."}),
		doc(104, "framework_agreement", "", "approved", "Müller Ibérica S.A.", "EUR", "", "2026-02-13",
			"Contrato marco 框架协议 with Müller", "", []string{"El contrato marco fija los precios. Lieferung an Müller in Zaragoza."}),
		// 合 and 档 stand apart here: 合档 is no word of it.
		doc(105, "other", "", "received", "", "", "", "2026-02-14",
			"合作方档案", "", []string{"合作方档案更新。"}),
		// contrato and marco, but apart, in the title too, and newer.
		doc(106, "purchase_order", "serial", "approved", "", "EUR", "", "2026-02-15",
			"Marco de precios: contrato", "", []string{"El marco de precios y el contrato se revisan por separado."}),
	}
}

// testLanguages: a word inside a run of CJK characters is found, but only
// where its characters stand together; other languages keep whole words
// without regard to accents; the exact phrase ranks first; snippets show
// the text as written.
func testLanguages(t *testing.T, ix search.Index, docs []search.Doc) {
	for _, tc := range []struct {
		q    string
		want []int
	}{
		{"合同", []int{101}},            // inside 框架协议评审，合同归档 and 年度供货合同
		{"华鑫", []int{101}},            // the customer 华鑫汽车
		{"车", []int{101}},             // the last character of a run
		{"协议评审", []int{101}},          // a longer word inside a run
		{"同归", []int{101}},            // 合同归档 holds it, side by side
		{"合档", nil},                   // 合 and 档 apart (105) or not at all
		{"审合", nil},                   // across the comma of 评审，合同
		{"框架", []int{101, 104}},       // Chinese alone and mixed
		{"見積書", []int{102}},           // Japanese, inside 御見積書送付状
		{"계약서", []int{103}},           // Korean, inside 공급계약서검토
		{"contrato", []int{104, 106}}, // Spanish
		{"muller", []int{104}},        // Müller, accent folded
		{"MÜLLER", []int{104}},        // and the other way round
		{"iberica", []int{104}},       // Ibérica
		{"trato", nil},                // whole words only: not the end of contrato
		{"contrato 框架", []int{104}},   // every word, across scripts
		{"汽车 contrato", nil},          // words of different documents
		{"Zaragoza 协议", []int{104}},   // text and title together
		{"框架协议 Müller", []int{104}},   // a phrase of pairs and a folded word
		{"合作方档案更新", []int{105}},       // a whole run
		{"HX-2026-018", []int{101}},   // a number beside CJK text
		{"供货合同", []int{101}},          // a title inside a run
		{"zirconium 合同", nil},         // a probe of no language document
		{"kestrel", nil},              // nor the other corpus
		{"marco contrato", []int{104, 106}},
	} {
		var want []string
		for _, n := range tc.want {
			want = append(want, docID(n))
		}
		r := checkHits(t, ix, docs, search.Query{Q: tc.q})
		if got := ids(r); !sameSet(got, want) {
			t.Errorf("Q %q: got %v, want %v", tc.q, got, want)
		}
	}

	// The exact phrase first, before a newer document holding the words
	// apart, even in its title.
	for _, q := range []string{"contrato marco", "Contrato Marco"} {
		if got := ids(run(t, ix, search.Query{Q: q})); !slices.Equal(got, []string{docID(104), docID(106)}) {
			t.Errorf("Q %q by relevance: got %v, want the exact phrase %s first", q, got, docID(104))
		}
	}

	for _, tc := range []struct {
		q, marked string
		doc       int
		whole     string // text as written the snippet must show
	}{
		{"合同", "合同", 101, "框架协议评审，"},
		{"見積書", "見積書", 102, "送付状"},
		{"계약서", "계약서", 103, "공급"},
		{"muller", "Müller", 104, "Zaragoza"},
	} {
		r := run(t, ix, search.Query{Q: tc.q})
		i := slices.Index(ids(r), docID(tc.doc))
		if i < 0 {
			t.Errorf("Q %q does not find %s", tc.q, docID(tc.doc))
			continue
		}
		s := r.Hits[i].Snippet
		if !strings.Contains(s, search.MarkStart+tc.marked+search.MarkEnd) || !strings.Contains(s, tc.whole) {
			t.Errorf("Q %q: snippet %q lacks %s%s%s or the text %q as written", tc.q, s, search.MarkStart, tc.marked, search.MarkEnd, tc.whole)
		}
		checkMarkup(t, r.Hits[i])
	}
}
