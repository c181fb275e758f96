package doa

import (
	"slices"

	"github.com/cockroachdb/apd/v3"

	"dossier/internal/dossier"
)

// Rates gives the rate to the base currency of a currency ("1.0834" means
// 1 unit = 1.0834 base units); ok is false when none is set.
type Rates func(currency string) (rate string, ok bool)

// Required returns the DOA levels a document under the named rule needs, in
// the order they are approved; nil for a rule without approval. An amount of
// "" counts as 0: whether a document may go to approval without an amount is
// its workflow's business (the doa guard asks for one where the rule has bands).
func (m *Matrix) Required(ruleName, amount, currency string, rates Rates) ([]int, error) {
	r := m.rules[ruleName]
	if r == nil {
		return nil, dossier.Errorf(dossier.EUnprocessable, "the DOA matrix has no rule %q: the workflow definition names a rule that does not exist", ruleName)
	}
	// The amount is checked even when the rule needs no approval, so that no
	// path through this function accepts a string that is not a decimal.
	value, err := parseAmount(amount)
	if err != nil {
		return nil, err
	}
	if r.noApproval {
		return nil, nil
	}
	base, err := m.toBase(value, currency, rates)
	if err != nil {
		return nil, err
	}
	for _, b := range r.bands {
		if b.below == nil || base.Cmp(b.below) < 0 {
			return slices.Clone(b.levels), nil
		}
	}
	// Parse guarantees an unbounded last band, so this is a broken invariant.
	return nil, dossier.Errorf(dossier.EInternal, "doa %s: no band matches %s %s", r.name, base.Text('f'), m.BaseCurrency)
}

// toBase converts a parsed amount into the base currency. A zero amount needs
// no rate: it is zero in every currency, and a document without an amount
// should not wait for an admin to enter a rate it does not use.
func (m *Matrix) toBase(value *apd.Decimal, currency string, rates Rates) (*apd.Decimal, error) {
	if value.IsZero() {
		if currency != "" && !dossier.IsCurrency(currency) {
			return nil, badCurrency(currency)
		}
		return value, nil
	}
	switch {
	case currency == "":
		return nil, dossier.Errorf(dossier.EUnprocessable, "the document has an amount but no currency: set its currency before approval")
	case !dossier.IsCurrency(currency):
		return nil, badCurrency(currency)
	case currency == m.BaseCurrency:
		return value, nil
	}
	var rate string
	ok := false
	if rates != nil {
		rate, ok = rates(currency)
	}
	if !ok {
		return nil, &RateError{Currency: currency, err: dossier.Errorf(dossier.EUnprocessable,
			"no FX rate for %s: an admin sets one with PUT /api/v1/fx-rates/%s or `dossier fx set %s RATE`",
			currency, currency, currency)}
	}
	r, err := parseRate(rate)
	if err != nil {
		return nil, &RateError{Currency: currency, err: dossier.Errorf(dossier.EUnprocessable,
			"the FX rate for %s is not usable (%s): an admin sets a new one with PUT /api/v1/fx-rates/%s or `dossier fx set %s RATE`",
			currency, dossier.ErrorMessage(err), currency, currency)}
	}
	product, err := multiply(value, r)
	if err != nil {
		return nil, dossier.Errorf(dossier.EUnprocessable, "%s", err)
	}
	return product, nil
}

// RateError is a currency without a usable FX rate. Its message, for the
// API and the CLI, names the endpoint and the command that set one; a page
// names its own admin page instead, which it can only do knowing the
// currency rather than parsing the message.
type RateError struct {
	Currency string
	err      *dossier.Error
}

func (e *RateError) Error() string { return e.err.Error() }

// Unwrap keeps the problem's code and message for dossier.ErrorCode and
// dossier.ErrorMessage.
func (e *RateError) Unwrap() error { return e.err }

func badCurrency(code string) error {
	if len(code) > 16 { // a garbage value is not worth echoing in full
		code = code[:16] + "…"
	}
	return dossier.Errorf(dossier.EUnprocessable, "currency %q is not an ISO 4217 code: the DOA matrix cannot convert it", code)
}
