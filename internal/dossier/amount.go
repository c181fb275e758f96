package dossier

import (
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// Amount is an exact, non-negative decimal amount of money: what a document
// states, what a search filters on, what the DOA bands compare. It is the one
// reading of an amount with one set of limits, so that an amount a document
// may carry is also one every index and the DOA matrix can compare exactly.
type Amount struct {
	d apd.Decimal
}

// Limits of an amount: 18 digits before the point and 4 after cover any
// business document, and keep a hostile string from becoming a megabyte of
// digits.
const (
	MaxAmountIntDigits  = 18
	MaxAmountFracDigits = 4
	maxAmountLen        = 40 // room for leading zeros, not for a megabyte of them
)

const amountHint = `use digits with an optional "." and up to 4 decimals, e.g. "12500.00"`

// ParseAmount reads an amount written in the plain form, digits with an
// optional "." and fraction ("12500", "12.50"): a float, an exponent, a sign
// or a thousands separator would let one amount be written many ways. what
// names the value in the error, which is EUnprocessable and says what to fix.
func ParseAmount(what, s string) (Amount, error) {
	intPart, frac, hasDot := strings.Cut(s, ".")
	if !allDigits(intPart) || (hasDot && !allDigits(frac)) {
		return Amount{}, unprocessable("%s %s is not a decimal number: %s", what, Clip(s), amountHint)
	}
	if len(frac) > MaxAmountFracDigits {
		return Amount{}, unprocessable("%s %s has %d decimals: at most %d are allowed", what, Clip(s), len(frac), MaxAmountFracDigits)
	}
	if n := len(strings.TrimLeft(intPart, "0")); n > MaxAmountIntDigits || len(s) > maxAmountLen {
		return Amount{}, unprocessable("%s %s has %d digits before the decimal point: at most %d are allowed",
			what, Clip(s), len(intPart), MaxAmountIntDigits)
	}
	var a Amount
	if _, _, err := a.d.SetString(s); err != nil { // unreachable after the syntax check, kept as a guard
		return Amount{}, unprocessable("%s %s is not a decimal number: %s", what, Clip(s), amountHint)
	}
	return a, nil
}

// String is the canonical form: no leading zeros, the decimals as given
// (the scale carries meaning: "12.50" is a price in cents).
func (a Amount) String() string { return a.d.Text('f') }

// Decimal returns the amount as an apd decimal the caller may change.
func (a Amount) Decimal() *apd.Decimal {
	var d apd.Decimal
	d.Set(&a.d)
	return &d
}

// Cmp compares two amounts by value: -1, 0 or +1.
func (a Amount) Cmp(b Amount) int { return a.d.Cmp(&b.d) }

// IsZero reports whether the amount is zero.
func (a Amount) IsZero() bool { return a.d.IsZero() }

// NormalizeAmount returns the canonical form of a valid amount and any
// other string unchanged, so that Validate can report it as it was typed.
func NormalizeAmount(s string) string {
	a, err := ParseAmount("amount", s)
	if err != nil {
		return s
	}
	return a.String()
}

// IsPlainDecimal reports whether s is a non-negative decimal written as
// digits with an optional fraction: "12500", "0.9"; not "1e5", "-1", ".5".
// It checks the form only; amounts also have limits (ParseAmount).
func IsPlainDecimal(s string) bool {
	intPart, frac, hasDot := strings.Cut(s, ".")
	return allDigits(intPart) && (!hasDot || allDigits(frac))
}
