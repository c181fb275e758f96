package ui

import (
	"regexp"
	"strings"

	"dossier/internal/dossier"
)

// formErrors maps a form field to the problem shown next to it; "" is the
// problem of the form as a whole.
type formErrors map[string]string

// Of returns the problem of field.
func (f formErrors) Of(field string) string { return f[field] }

// Form returns the problem not tied to a field.
func (f formErrors) Form() string { return f[""] }

// Any reports whether the form has a problem.
func (f formErrors) Any() bool { return len(f) > 0 }

// errorsFor places the service's message next to the field it names. The
// services name fields as the API does (amount, currency, dates.issue_date,
// fields.incoterm, …), and the forms use the same names, so the field is
// the first name of the form the message mentions as a word.
func errorsFor(err error, fields []string) formErrors {
	msg := dossier.ErrorMessage(err)
	best, at := "", len(msg)+1
	for _, f := range fields {
		if i := wordIndex(msg, f); i >= 0 && (i < at || i == at && len(f) > len(best)) {
			best, at = f, i
		}
	}
	return formErrors{best: msg}
}

func wordIndex(s, word string) int {
	re, err := regexp.Compile(`(^|[^A-Za-z0-9_.])` + regexp.QuoteMeta(word) + `($|[^A-Za-z0-9_])`)
	if err != nil {
		return -1
	}
	loc := re.FindStringIndex(s)
	if loc == nil {
		return -1
	}
	return loc[0] + strings.Index(s[loc[0]:], word)
}
