package doa

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"dossier/internal/dossier"
)

// table is a Rates backed by a map, as the engine's FX table would be.
func table(m map[string]string) Rates {
	return func(c string) (string, bool) {
		r, ok := m[c]
		return r, ok
	}
}

func TestRequiredShippedMatrix(t *testing.T) {
	t.Parallel()
	m := shipped(t)
	usd := table(map[string]string{"USD": "0.9", "JPY": "0.0061"})
	type tc struct {
		rule, amount string
		currency     string
		want         []int
	}
	cases := []tc{
		{"commercial", "", "", []int{1}}, // no amount counts as 0
		{"commercial", "0", "EUR", []int{1}},
		// USD at 0.9: the converted amount is compared exactly, not rounded.
		{"commercial", "111111.11", "USD", []int{1}},        // 99,999.999
		{"commercial", "111111.12", "USD", []int{1, 2}},     // 100,000.008
		{"commercial", "1111111.11", "USD", []int{1, 2}},    // 999,999.999
		{"commercial", "1111111.12", "USD", []int{1, 2, 3}}, // 1,000,000.008
		{"treasury", "1111111.11", "USD", []int{2}},         // 999,999.999
		{"treasury", "1111111.12", "USD", []int{2, 3}},      // 1,000,000.008
		{"commercial", "16393442.62", "JPY", []int{1}},      // 99,999.999982
		{"commercial", "16393442.63", "JPY", []int{1, 2}},   // 100,000.000043
		// No approval: neither the amount's size nor a missing rate matters.
		{"none", "5000000", "EUR", nil},
		{"none", "5000000", "GBP", nil},
		{"none", "", "", nil},
		{"none", "99999999", "CHF", nil},
	}
	// The SPEC §6 boundaries, in EUR.
	general := map[string][]int{"99999.99": {1}, "100000.00": {1, 2}, "100000": {1, 2}, "999999.99": {1, 2}, "1000000": {1, 2, 3}, "1000000.00": {1, 2, 3}, "25000000": {1, 2, 3}}
	lc := map[string][]int{"99999.99": {2}, "100000.00": {2}, "999999.99": {2}, "1000000": {2, 3}, "1000000.0000": {2, 3}}
	for amount, want := range general {
		cases = append(cases, tc{"commercial", amount, "EUR", want})
	}
	for amount, want := range lc {
		cases = append(cases, tc{"treasury", amount, "EUR", want})
	}
	for _, c := range cases {
		got, err := m.Required(c.rule, c.amount, c.currency, usd)
		if err != nil {
			t.Errorf("Required(%s, %q %s): %v", c.rule, c.amount, c.currency, err)
			continue
		}
		if !slices.Equal(got, c.want) || (c.want == nil) != (got == nil) {
			t.Errorf("Required(%s, %q %s) = %v, want %v", c.rule, c.amount, c.currency, got, c.want)
		}
	}
}

func TestRequiredRefuses(t *testing.T) {
	t.Parallel()
	m := shipped(t)
	rates := table(map[string]string{"USD": "0.9", "GBP": "abc"})
	for _, tc := range []struct {
		name             string
		rule             string
		amount, currency string
		rates            Rates
		want             []string
	}{
		{"missing rate", "commercial", "100", "CHF", rates,
			[]string{"no FX rate for CHF", "PUT /api/v1/fx-rates/CHF", "`dossier fx set CHF RATE`"}},
		{"no rate table", "treasury", "100", "USD", nil, []string{"no FX rate for USD"}},
		{"unusable rate", "commercial", "100", "GBP", rates, []string{"FX rate for GBP is not usable", `"abc" is not a decimal`}},
		{"float amount", "commercial", "1e6", "EUR", rates, []string{`amount "1e6" is not a decimal`}},
		{"negative amount", "commercial", "-5", "EUR", rates, []string{"not a decimal"}},
		{"grouped amount", "commercial", "100,000", "EUR", rates, []string{"not a decimal"}},
		{"bad amount under a rule without approval", "none", "12abc", "EUR", rates, []string{"not a decimal"}},
		{"amount without currency", "commercial", "100", "", rates, []string{"no currency"}},
		{"unknown currency", "commercial", "100", "EUX", rates, []string{`"EUX" is not an ISO 4217 code`}},
		{"lower-case currency", "commercial", "100", "usd", rates, []string{`"usd" is not an ISO 4217 code`}},
		{"unknown rule", "invoice", "100", "EUR", rates, []string{`no rule "invoice"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := m.Required(tc.rule, tc.amount, tc.currency, tc.rates)
			if err == nil {
				t.Fatalf("Required = %v, want an error", got)
			}
			if dossier.ErrorCode(err) != dossier.EUnprocessable {
				t.Errorf("code = %s, want %s (%v)", dossier.ErrorCode(err), dossier.EUnprocessable, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(dossier.ErrorMessage(err), w) {
					t.Errorf("message %q does not contain %q", dossier.ErrorMessage(err), w)
				}
			}
		})
	}
}

// TestRequiredNamesTheMissingRate: a page tells its user where to set the
// rate from the currency alone, so only a missing or unusable rate carries it.
func TestRequiredNamesTheMissingRate(t *testing.T) {
	t.Parallel()
	m := shipped(t)
	rates := table(map[string]string{"USD": "0.9", "GBP": "abc"})
	for _, tc := range []struct {
		name, currency, want string
	}{
		{"missing rate", "CHF", "CHF"},
		{"unusable rate", "GBP", "GBP"},
		{"unknown currency", "EUX", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := m.Required("commercial", "100", tc.currency, rates)
			var re *RateError
			got := ""
			if errors.As(err, &re) {
				got = re.Currency
			}
			if got != tc.want {
				t.Errorf("RateError currency = %q, want %q (%v)", got, tc.want, err)
			}
		})
	}
}

func TestRequiredOwnsNothing(t *testing.T) {
	t.Parallel()
	m, err := Parse([]byte("base_currency: USD\nrules:\n  - name: rnd\n    bands:\n      - levels: [3]\n"))
	if err != nil {
		t.Fatal(err)
	}
	// The caller owns the result: changing it must not change the matrix.
	got, _ := m.Required("rnd", "1", "USD", nil)
	got[0] = 1
	if again, _ := m.Required("rnd", "1", "USD", nil); !slices.Equal(again, []int{3}) {
		t.Errorf("after the caller changed a result, Required = %v, want [3]", again)
	}
}
