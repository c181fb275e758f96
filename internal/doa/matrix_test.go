package doa

import (
	"os"
	"slices"
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
	if got, want := m.RuleNames(), []string{"commercial", "treasury", "none"}; !slices.Equal(got, want) {
		t.Errorf("RuleNames = %v, want %v", got, want)
	}
	if !m.HasBands("commercial") || m.HasBands("none") || m.HasBands("nosuch") {
		t.Errorf("HasBands: commercial %v, none %v, nosuch %v", m.HasBands("commercial"), m.HasBands("none"), m.HasBands("nosuch"))
	}
}

const poOK = `
  - name: po
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
		{"default base currency", "rules:" + poOK, "EUR"},
		{"other base currency", "base_currency: USD\nrules:" + poOK, "USD"},
		{"unquoted integer limit", "rules:\n  - name: po\n    bands:\n      - below: 5000\n        levels: [1]\n      - levels: [2]\n", "EUR"},
		{"single unbounded band", "rules:\n  - name: po\n    bands:\n      - levels: [3]\n", "EUR"},
		{"no approval beside bands", "rules:" + poOK + "  - name: none\n    no_approval: true\n", "EUR"},
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
		return "rules:\n  - name: po\n    bands:\n" + body
	}
	for _, tc := range []struct {
		name, yaml string
		want       []string // all must appear in the error
	}{
		{"empty file", "", []string{"no rules"}},
		{"unknown top-level key", "base_currency: EUR\nrule:" + poOK, []string{`unknown field "rule"`}},
		{"unknown rule key", "rules:\n  - name: po\n    kinds: [purchase_order]\n    bands: [{levels: [1]}]\n", []string{`unknown field "kinds"`}},
		{"duplicate key", "base_currency: EUR\nbase_currency: USD\nrules:" + poOK, []string{"base_currency"}},
		{"lower-case base", "base_currency: eur\nrules:" + poOK, []string{"base_currency", `"eur"`}},
		{"unknown base", "base_currency: EUX\nrules:" + poOK, []string{"EUX", "ISO 4217"}},
		{"descending bands", band("      - below: \"1000000\"\n        levels: [1]\n      - below: \"100000\"\n        levels: [1, 2]\n      - levels: [1, 2, 3]\n"),
			[]string{"rules[0] (po)", "bands[1]", "strictly ascending"}},
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
		{"no name", "rules:\n  - no_approval: true\n", []string{"rules[0]", "is not a name"}},
		{"bad name", "rules:\n  - name: Big Deals\n    no_approval: true\n", []string{`"Big Deals" is not a name`}},
		{"name twice", "rules:" + poOK + "  - name: po\n    no_approval: true\n", []string{"rules[1] (po)", "used by an earlier rule"}},
		{"both no_approval and bands", "rules:\n  - name: po\n    no_approval: true\n    bands: [{levels: [1]}]\n", []string{"both no_approval and bands"}},
		{"neither no_approval nor bands", "rules:\n  - name: po\n", []string{"has no bands"}},
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
