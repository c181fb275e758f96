package meili

import (
	"strconv"
	"strings"

	"dossier/internal/dossier"
	"dossier/internal/search"
)

// buildFilter returns the Meilisearch filter expression of q's filters, ""
// when there are none. Keyword values are quoted (see quote), so no value
// can change the expression; dates and amounts are checked and written as
// numbers.
func buildFilter(q search.Query) (string, error) {
	var and []string
	for _, k := range q.Keywords() {
		quoted := make([]string, len(k.Values))
		for i, v := range k.Values {
			quoted[i] = quote(v)
		}
		and = append(and, k.Field+" IN ["+strings.Join(quoted, ", ")+"]")
	}
	for _, d := range []struct{ op, date, name string }{{">=", q.DateFrom, "date_from"}, {"<=", q.DateTo, "date_to"}} {
		if d.date == "" {
			continue
		}
		n, ok := dateNum(d.date)
		if !ok {
			return "", dossier.Errorf(dossier.EInvalid, "%s=%q: use a date such as 2026-01-31", d.name, d.date)
		}
		and = append(and, "date_num "+d.op+" "+strconv.Itoa(n))
	}
	for _, a := range []struct{ op, amount string }{{">=", q.AmountMin}, {"<=", q.AmountMax}} {
		if a.amount == "" {
			continue
		}
		if err := search.CheckAmount(a.amount); err != nil {
			return "", err
		}
		// Digits and a point only: Meilisearch reads the word as a number.
		and = append(and, "amount_value "+a.op+" "+a.amount)
	}
	return strings.Join(and, " AND "), nil
}

// quote returns v as a double-quoted Meilisearch filter string. Meilisearch
// (1.4 and later) reads `\"` inside the quotes as a quote, then `\\` as a
// backslash; doubling every backslash first makes both readings give back v.
func quote(v string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(v, `\`, `\\`), `"`, `\"`) + `"`
}
