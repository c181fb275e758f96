package dbindex

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
)

// The catalog compares amounts as two 13-digit halves of the padded key;
// the order must be the amounts' exact order across the whole range.
func TestAmountNumberOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func() string {
		digits := 1 + rng.IntN(18) // dossier.MaxAmountIntDigits
		s := fmt.Sprint(1 + rng.IntN(9))
		for range digits - 1 {
			s += fmt.Sprint(rng.IntN(10))
		}
		if rng.IntN(2) == 0 {
			s += "." + fmt.Sprint(rng.IntN(10000))
		}
		return s
	}
	edges := []string{"0", "0.0001", "9999999999999.9999", "10000000000000", "999999999999999999.9999", "12500", "12500.00"}
	var amounts []string
	for range 2000 {
		amounts = append(amounts, random())
	}
	amounts = append(amounts, edges...)
	for i, a := range amounts {
		b := amounts[(i*7+3)%len(amounts)]
		ka, err1 := amountKey(a)
		kb, err2 := amountKey(b)
		if err1 != nil || err2 != nil {
			t.Fatalf("amountKey(%q), amountKey(%q): %v, %v", a, b, err1, err2)
		}
		na, oka := amountNumber(ka)
		nb, okb := amountNumber(kb)
		if !oka || !okb {
			t.Fatalf("amountNumber(%q), amountNumber(%q) refused", ka, kb)
		}
		x, _ := new(big.Rat).SetString(a)
		y, _ := new(big.Rat).SetString(b)
		if got, want := lessAmount(na, nb), x.Cmp(y) < 0; got != want {
			t.Errorf("%s < %s: got %v, want %v", a, b, got, want)
		}
	}
	if _, ok := amountNumber(""); ok {
		t.Error("an empty amount key has a number")
	}
}

func TestDateNumber(t *testing.T) {
	for in, want := range map[string]uint32{"2026-01-31": 20260131, "": 0, "2026-1-31": 0, "20260131xx": 0} {
		if got := dateNumber(in); got != want {
			t.Errorf("dateNumber(%q) = %d, want %d", in, got, want)
		}
	}
}
