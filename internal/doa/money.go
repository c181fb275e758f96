package doa

import (
	"fmt"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"dossier/internal/dossier"
)

// Limits on the decimals this package reads. Document amounts are already
// capped at 18+4 digits by the metadata rules; the wider limit here only keeps
// a hostile string from turning one multiplication into a megabyte of digits.
const (
	maxDecimalLen   = 64
	maxRateFrac     = 10 // "1.0834" style rates never need more
	maxRateIntegers = 12 // a rate of a trillion base units per unit is a typo
)

// mulContext multiplies without rounding: two decimals of at most
// maxDecimalLen digits have a product of at most twice that many, so a
// precision above that keeps every digit, and ToBase still checks Inexact
// rather than trusting this arithmetic.
var mulContext = apd.BaseContext.WithPrecision(4*maxDecimalLen + 8)

// parsePlain reads a non-negative decimal written as digits with an optional
// fraction ("12500", "0.9", "111111.12"). apd alone would also take "1e5",
// "-1", "NaN" and "Infinity"; a band limit or an amount written that way is a
// data-entry error, never a value to compare against.
func parsePlain(what, s string) (*apd.Decimal, int, error) {
	if s == "" {
		return nil, 0, fmt.Errorf("%s is empty: write a decimal such as \"100000\" or \"1.0834\"", what)
	}
	if len(s) > maxDecimalLen {
		return nil, 0, fmt.Errorf("%s is %d characters long: at most %d are allowed", what, len(s), maxDecimalLen)
	}
	if !dossier.IsPlainDecimal(s) {
		return nil, 0, fmt.Errorf("%s %q is not a decimal number: use digits with an optional \".\" and fraction, e.g. \"100000\" or \"1.0834\"", what, s)
	}
	d, _, err := apd.NewFromString(s)
	if err != nil { // unreachable after the syntax check, kept as a guard
		return nil, 0, fmt.Errorf("%s %q: %w", what, s, err)
	}
	_, frac, _ := strings.Cut(s, ".")
	return d, len(frac), nil
}

// ValidRate checks an FX rate as an admin enters it: a positive decimal with
// at most 10 fractional digits ("1.0834" means 1 unit = 1.0834 base units).
func ValidRate(rate string) error {
	_, err := parseRate(rate)
	return err
}

// parseRate is ValidRate returning the parsed value for the callers that go
// on to multiply with it.
func parseRate(rate string) (*apd.Decimal, error) {
	d, frac, err := parsePlain("rate", rate)
	if err != nil {
		return nil, dossier.Errorf(dossier.EUnprocessable, "%s", err)
	}
	if frac > maxRateFrac {
		return nil, dossier.Errorf(dossier.EUnprocessable,
			"rate %q has %d fractional digits: at most %d are allowed", rate, frac, maxRateFrac)
	}
	intPart, _, _ := strings.Cut(rate, ".")
	if n := len(strings.TrimLeft(intPart, "0")); n > maxRateIntegers {
		return nil, dossier.Errorf(dossier.EUnprocessable,
			"rate %q has %d digits before the decimal point: at most %d are allowed", rate, n, maxRateIntegers)
	}
	if d.IsZero() {
		return nil, dossier.Errorf(dossier.EUnprocessable,
			"rate %q is zero: a rate must be positive, e.g. \"1.0834\"", rate)
	}
	return d, nil
}

// parseAmount reads a document amount; "" is no amount and counts as 0.
func parseAmount(amount string) (*apd.Decimal, error) {
	if amount == "" {
		return apd.New(0, 0), nil
	}
	a, err := dossier.ParseAmount("amount", amount)
	if err != nil {
		return nil, err
	}
	return a.Decimal(), nil
}

// ToBase returns amount × rate, exactly: every digit of the product is kept
// (the scale is the sum of the two scales), because rounding before the
// comparison with a band limit could move a document into the band below.
func ToBase(amount, rate string) (string, error) {
	parsed, err := dossier.ParseAmount("amount", amount)
	if err != nil {
		return "", err
	}
	a := parsed.Decimal()
	r, err := parseRate(rate)
	if err != nil {
		return "", err
	}
	product, err := multiply(a, r)
	if err != nil {
		return "", err
	}
	return product.Text('f'), nil
}

func multiply(a, r *apd.Decimal) (*apd.Decimal, error) {
	var product apd.Decimal
	cond, err := mulContext.Mul(&product, a, r)
	if err != nil {
		return nil, fmt.Errorf("convert %s at rate %s: %w", a, r, err)
	}
	if cond.Inexact() {
		return nil, fmt.Errorf("convert %s at rate %s: the product does not fit %d digits", a, r, mulContext.Precision)
	}
	return &product, nil
}
