package doa

import (
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
		kind            dossier.Kind
		subtype, amount string
		currency        string
		want            []int
	}
	cases := []tc{
		{dossier.KindPurchaseOrder, "serial", "", "", []int{1}}, // no amount counts as 0
		{dossier.KindPurchaseOrder, "serial", "0", "EUR", []int{1}},
		// USD at 0.9: the converted amount is compared exactly, not rounded.
		{dossier.KindPurchaseOrder, "serial", "111111.11", "USD", []int{1}},        // 99,999.999
		{dossier.KindPurchaseOrder, "serial", "111111.12", "USD", []int{1, 2}},     // 100,000.008
		{dossier.KindContract, "", "1111111.11", "USD", []int{1, 2}},               // 999,999.999
		{dossier.KindContract, "", "1111111.12", "USD", []int{1, 2, 3}},            // 1,000,000.008
		{dossier.KindLetterOfCredit, "sight", "1111111.11", "USD", []int{2}},       // 999,999.999
		{dossier.KindLetterOfCredit, "sight", "1111111.12", "USD", []int{2, 3}},    // 1,000,000.008
		{dossier.KindToolingInvoice, "tooling", "16393442.62", "JPY", []int{1}},    // 99,999.999982
		{dossier.KindToolingInvoice, "tooling", "16393442.63", "JPY", []int{1, 2}}, // 100,000.000043
		// No approval: neither the amount's size nor a missing rate matters.
		{dossier.KindCustoms, "", "5000000", "EUR", nil},
		{dossier.KindCustoms, "", "5000000", "GBP", nil},
		{dossier.KindOther, "", "", "", nil},
		{dossier.KindOther, "", "99999999", "CHF", nil},
	}
	// The SPEC §6 boundaries, in EUR, for every kind that needs approval.
	general := map[string][]int{"99999.99": {1}, "100000.00": {1, 2}, "100000": {1, 2}, "999999.99": {1, 2}, "1000000": {1, 2, 3}, "1000000.00": {1, 2, 3}, "25000000": {1, 2, 3}}
	lc := map[string][]int{"99999.99": {2}, "100000.00": {2}, "999999.99": {2}, "1000000": {2, 3}, "1000000.0000": {2, 3}}
	subtypes := map[dossier.Kind]string{dossier.KindPurchaseOrder: "tooling", dossier.KindToolingInvoice: "rnd", dossier.KindLetterOfCredit: "deferred"}
	for _, k := range []dossier.Kind{dossier.KindPurchaseOrder, dossier.KindContract, dossier.KindFrameworkAgreement, dossier.KindToolingInvoice} {
		for amount, want := range general {
			cases = append(cases, tc{k, subtypes[k], amount, "EUR", want})
		}
	}
	for amount, want := range lc {
		cases = append(cases, tc{dossier.KindLetterOfCredit, subtypes[dossier.KindLetterOfCredit], amount, "EUR", want})
	}
	for _, c := range cases {
		got, err := m.Required(c.kind, c.subtype, c.amount, c.currency, usd)
		if err != nil {
			t.Errorf("Required(%s, %q, %q %s): %v", c.kind, c.subtype, c.amount, c.currency, err)
			continue
		}
		if !slices.Equal(got, c.want) || (c.want == nil) != (got == nil) {
			t.Errorf("Required(%s, %q, %q %s) = %v, want %v", c.kind, c.subtype, c.amount, c.currency, got, c.want)
		}
	}
}

func TestRequiredRefuses(t *testing.T) {
	t.Parallel()
	m := shipped(t)
	rates := table(map[string]string{"USD": "0.9", "GBP": "abc"})
	for _, tc := range []struct {
		name             string
		kind             dossier.Kind
		amount, currency string
		rates            Rates
		want             []string
	}{
		{"missing rate", dossier.KindPurchaseOrder, "100", "CHF", rates,
			[]string{"no FX rate for CHF", "PUT /api/v1/fx-rates/CHF", "`dossier fx set CHF RATE`"}},
		{"no rate table", dossier.KindLetterOfCredit, "100", "USD", nil, []string{"no FX rate for USD"}},
		{"unusable rate", dossier.KindPurchaseOrder, "100", "GBP", rates, []string{"FX rate for GBP is not usable", `"abc" is not a decimal`}},
		{"float amount", dossier.KindPurchaseOrder, "1e6", "EUR", rates, []string{`amount "1e6" is not a decimal`}},
		{"negative amount", dossier.KindPurchaseOrder, "-5", "EUR", rates, []string{"not a decimal"}},
		{"grouped amount", dossier.KindContract, "100,000", "EUR", rates, []string{"not a decimal"}},
		{"bad amount on a kind without approval", dossier.KindCustoms, "12abc", "EUR", rates, []string{"not a decimal"}},
		{"amount without currency", dossier.KindContract, "100", "", rates, []string{"no currency"}},
		{"unknown currency", dossier.KindContract, "100", "EUX", rates, []string{`"EUX" is not an ISO 4217 code`}},
		{"lower-case currency", dossier.KindContract, "100", "usd", rates, []string{`"usd" is not an ISO 4217 code`}},
		{"unknown kind", "invoice", "100", "EUR", rates, []string{`kind "invoice"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := m.Required(tc.kind, "", tc.amount, tc.currency, tc.rates)
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

func TestRequiredSubtypeRuleWins(t *testing.T) {
	t.Parallel()
	m, err := Parse([]byte(`base_currency: USD
rules:
  - kinds: [purchase_order]
    bands:
      - below: "100000"
        levels: [1]
      - levels: [1, 2]
  - kinds: [purchase_order]
    subtypes: [rnd]
    bands:
      - levels: [3]
` + tail))
	if err != nil {
		t.Fatal(err)
	}
	rates := table(map[string]string{"EUR": "1.25"})
	for _, tc := range []struct {
		subtype, amount, currency string
		want                      []int
	}{
		{"rnd", "10", "USD", []int{3}},
		{"serial", "10", "USD", []int{1}},
		{"", "10", "USD", []int{1}},               // no subtype: the general rule
		{"serial", "80000", "EUR", []int{1, 2}},   // 100,000 USD
		{"serial", "79999.99", "EUR", []int{1}},   // 99,999.9875 USD
		{"tooling", "100000", "USD", []int{1, 2}}, // base currency needs no rate
	} {
		got, err := m.Required(dossier.KindPurchaseOrder, tc.subtype, tc.amount, tc.currency, rates)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("Required(po, %q, %s %s) = %v, %v; want %v", tc.subtype, tc.amount, tc.currency, got, err, tc.want)
		}
	}
	// The caller owns the result: changing it must not change the matrix.
	got, _ := m.Required(dossier.KindPurchaseOrder, "rnd", "1", "USD", rates)
	got[0] = 1
	if again, _ := m.Required(dossier.KindPurchaseOrder, "rnd", "1", "USD", rates); !slices.Equal(again, []int{3}) {
		t.Errorf("after the caller changed a result, Required = %v, want [3]", again)
	}
}
