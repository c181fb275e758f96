package doa

import (
	"os"
	"strings"
	"testing"
)

// shipped loads the matrix the product ships, so that these tests break when
// someone edits workflows/doa.yaml away from SPEC §6.
func shipped(t testing.TB) *Matrix {
	t.Helper()
	data, err := os.ReadFile("../../workflows/doa.yaml")
	if err != nil {
		t.Fatalf("read shipped matrix: %v", err)
	}
	m, err := Parse(data)
	if err != nil {
		t.Fatalf("shipped matrix does not parse: %v", err)
	}
	return m
}

func TestShippedMatrixParses(t *testing.T) {
	t.Parallel()
	m := shipped(t)
	if m.BaseCurrency != "EUR" {
		t.Errorf("BaseCurrency = %q, want EUR", m.BaseCurrency)
	}
}

// tail completes a matrix with rules for every kind the case does not test,
// so that each case fails for its own reason and not for incompleteness.
const tail = `
  - kinds: [contract, framework_agreement, tooling_invoice, letter_of_credit, customs, other]
    no_approval: true
`

const poOK = `
  - kinds: [purchase_order]
    bands:
      - below: "100000"
        levels: [1]
      - levels: [1, 2]
`

func TestParseAccepts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, yaml, base string
	}{
		{"default base currency", "rules:" + poOK + tail, "EUR"},
		{"other base currency", "base_currency: USD\nrules:" + poOK + tail, "USD"},
		{"unquoted integer limit", "rules:\n  - kinds: [purchase_order]\n    bands:\n      - below: 5000\n        levels: [1]\n      - levels: [2]\n" + tail, "EUR"},
		{"single unbounded band", "rules:\n  - kinds: [purchase_order]\n    bands:\n      - levels: [3]\n" + tail, "EUR"},
		{"subtypes cover a kind without general rule", `rules:
  - kinds: [purchase_order]
    subtypes: [serial, tooling, prototype]
    bands: [{levels: [1]}]
  - kinds: [purchase_order]
    subtypes: [rnd, packaging]
    no_approval: true
` + tail, "EUR"},
		{"subtype rule beside general rule", "rules:" + poOK + `
  - kinds: [purchase_order]
    subtypes: [rnd]
    bands: [{levels: [3]}]
` + tail, "EUR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := Parse([]byte(tc.yaml))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if m.BaseCurrency != tc.base {
				t.Errorf("BaseCurrency = %q, want %q", m.BaseCurrency, tc.base)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	band := func(body string) string {
		return "rules:\n  - kinds: [purchase_order]\n    bands:\n" + body + tail
	}
	for _, tc := range []struct {
		name, yaml string
		want       []string // all must appear in the error
	}{
		{"empty file", "", []string{"no rules"}},
		{"unknown top-level key", "base_currency: EUR\nrule:" + poOK + tail, []string{`unknown field "rule"`}},
		{"unknown rule key", "rules:\n  - kinds: [purchase_order]\n    subtype: [rnd]\n    bands: [{levels: [1]}]\n" + tail, []string{`unknown field "subtype"`}},
		{"duplicate key", "base_currency: EUR\nbase_currency: USD\nrules:" + poOK + tail, []string{"base_currency"}},
		{"lower-case base", "base_currency: eur\nrules:" + poOK + tail, []string{"base_currency", `"eur"`}},
		{"unknown base", "base_currency: EUX\nrules:" + poOK + tail, []string{"EUX", "ISO 4217"}},
		{"descending bands", band("      - below: \"1000000\"\n        levels: [1]\n      - below: \"100000\"\n        levels: [1, 2]\n      - levels: [1, 2, 3]\n"),
			[]string{"rules[0] (purchase_order)", "bands[1]", "strictly ascending"}},
		{"equal limits", band("      - below: \"100000\"\n        levels: [1]\n      - below: \"100000.00\"\n        levels: [1, 2]\n      - levels: [3]\n"),
			[]string{"bands[1]", "strictly ascending"}},
		{"two unbounded bands", band("      - levels: [1]\n      - levels: [1, 2]\n"), []string{"bands[0]", "only the last band is unbounded"}},
		{"bounded last band", band("      - below: \"100000\"\n        levels: [1]\n"), []string{"bands[0]", "last band must have no below"}},
		{"zero limit", band("      - below: \"0\"\n        levels: [1]\n      - levels: [2]\n"), []string{"below 0"}},
		{"float limit", band("      - below: 1.5\n        levels: [1]\n      - levels: [2]\n"), []string{"rules[0]", "bands[0]", "write it in quotes"}},
		{"exponent limit", band("      - below: 1e6\n        levels: [1]\n      - levels: [2]\n"), []string{`"1e6" is not a decimal`}},
		{"negative limit", band("      - below: -5\n        levels: [1]\n      - levels: [2]\n"), []string{`"-5" is not a decimal`}},
		{"level 4", band("      - levels: [1, 4]\n"), []string{"rules[0]", "level 4 is not a DOA level"}},
		{"level 0", band("      - levels: [0]\n"), []string{"level 0 is not a DOA level"}},
		{"fractional level", band("      - levels: [1.5]\n"), []string{"rules[0]", "level 1.5 is not a DOA level"}},
		{"empty levels", band("      - levels: []\n"), []string{"levels is empty"}},
		{"descending levels", band("      - levels: [2, 1]\n"), []string{"not ascending and distinct"}},
		{"repeated level", band("      - levels: [1, 1]\n"), []string{"not ascending and distinct"}},
		{"unknown kind", "rules:\n  - kinds: [invoice]\n    no_approval: true\n" + poOK + tail, []string{"rules[0] (invoice)", `kind "invoice" is not a document kind`}},
		{"empty kinds", "rules:\n  - kinds: []\n    no_approval: true\n" + poOK + tail, []string{"kinds is empty"}},
		{"wrong subtype", "rules:" + poOK + "  - kinds: [purchase_order]\n    subtypes: [sight]\n    bands: [{levels: [2]}]\n" + tail,
			[]string{"rules[1] (purchase_order)", `subtype "sight" is not a subtype of purchase_order`}},
		{"subtype on kind without subtypes", "rules:" + poOK + "  - kinds: [contract]\n    subtypes: [serial]\n    bands: [{levels: [2]}]\n" + tail,
			[]string{`subtype "serial" is not a subtype of contract`, "leave subtypes out"}},
		{"kind covered twice", "rules:" + poOK + "  - kinds: [purchase_order]\n    no_approval: true\n" + tail,
			[]string{"rules[1] (purchase_order)", "already covered by rules[0]"}},
		{"kind twice in one rule", "rules:\n  - kinds: [purchase_order, purchase_order]\n    bands: [{levels: [1]}]\n" + tail,
			[]string{"kind purchase_order is already covered"}},
		{"subtype covered twice", "rules:" + poOK + "  - kinds: [purchase_order]\n    subtypes: [rnd]\n    bands: [{levels: [2]}]\n  - kinds: [purchase_order]\n    subtypes: [tooling, rnd]\n    bands: [{levels: [3]}]\n" + tail,
			[]string{"rules[2]", "purchase_order/rnd is already covered by rules[1]"}},
		{"both no_approval and bands", "rules:\n  - kinds: [purchase_order]\n    no_approval: true\n    bands: [{levels: [1]}]\n" + tail, []string{"both no_approval and bands"}},
		{"neither no_approval nor bands", "rules:\n  - kinds: [purchase_order]\n" + tail, []string{"has no bands"}},
		{"kind not covered", "rules:" + tail, []string{"no rule covers purchase_order/packaging", "purchase_order/serial"}},
		{"subtype not covered", "rules:\n  - kinds: [purchase_order]\n    subtypes: [serial, tooling, prototype, rnd]\n    bands: [{levels: [1]}]\n" + tail,
			[]string{"no rule covers purchase_order/packaging"}},
		{"not yaml", "rules: [\n", []string{"doa matrix"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := Parse([]byte(tc.yaml))
			if err == nil {
				t.Fatalf("Parse accepted the matrix (base %q)", m.BaseCurrency)
			}
			t.Log(err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
