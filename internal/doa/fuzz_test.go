package doa

import (
	"math/big"
	"regexp"
	"slices"
	"testing"

	"dossier/internal/dossier"
)

var (
	plainAmount = regexp.MustCompile(`^([0-9]+(\.[0-9]+)?)?$`)
	plainRate   = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,10})?$`)
)

// FuzzRequired feeds arbitrary amount and rate strings through Required. It
// must never panic, never accept an amount or rate that is not a plain
// decimal, and must pick the same band as an independent exact computation
// with math/big.Rat.
func FuzzRequired(f *testing.F) {
	for _, seed := range [][2]string{
		{"111111.12", "0.9"}, {"99999.99", "1"}, {"", "1"}, {"0", ""}, {"1e6", "1"},
		{"-1", "0.9"}, {"NaN", "1"}, {"1", "Infinity"}, {"1000000", "0.0000000001"},
		{"1111111.12", "0.90"}, {"٣", "1"}, {"1.", ".5"}, {"0x10", "1"}, {"1_000", "1"},
	} {
		f.Add(seed[0], seed[1])
	}
	m := shipped(f)
	limits := []*big.Rat{big.NewRat(100000, 1), big.NewRat(1000000, 1)}
	bands := [][]int{{1}, {1, 2}, {1, 2, 3}}
	f.Fuzz(func(t *testing.T, amount, rate string) {
		rates := func(string) (string, bool) { return rate, true }
		got, err := m.Required("commercial", amount, "USD", rates)
		if err != nil {
			if code := dossier.ErrorCode(err); code != dossier.EUnprocessable {
				t.Fatalf("Required(%q at %q): code %s, want %s: %v", amount, rate, code, dossier.EUnprocessable, err)
			}
			return
		}
		if !plainAmount.MatchString(amount) {
			t.Fatalf("Required accepted the amount %q", amount)
		}
		a := new(big.Rat)
		if amount != "" {
			a.SetString(amount)
		}
		if a.Sign() != 0 && !plainRate.MatchString(rate) {
			t.Fatalf("Required accepted the rate %q", rate)
		}
		if a.Sign() != 0 {
			r, _ := new(big.Rat).SetString(rate)
			a.Mul(a, r)
		}
		want := bands[len(bands)-1]
		for i, limit := range limits {
			if a.Cmp(limit) < 0 {
				want = bands[i]
				break
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("Required(%q at %q) = %v, want %v (%s EUR)", amount, rate, got, want, a.FloatString(12))
		}
	})
}
