package dossier

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Metadata is what a client sends to describe a document: the "metadata" part
// of an upload, or the result of applying a merge patch to the current values.
type Metadata struct {
	Kind         Kind              `json:"kind"`
	Subtype      string            `json:"subtype"`
	Title        string            `json:"title"`
	Number       string            `json:"number"`
	Customer     string            `json:"customer"`
	Amount       string            `json:"amount"`
	Currency     string            `json:"currency"`
	Dates        map[string]string `json:"dates"`
	ProductCodes []ProductCode     `json:"product_codes"`
	Tags         []string          `json:"tags"`
	Fields       json.RawMessage   `json:"fields"`
}

// Limits of the metadata. They keep one document's metadata small enough to
// index and to show, and far above anything a real document needs.
const (
	MaxTitleLen       = 300 // characters
	MaxNumberLen      = 100 // characters
	MaxCustomerLen    = 200 // characters
	MaxTags           = 50
	MaxTagLen         = 64 // characters
	MaxDates          = 50
	MaxDateNameLen    = 64 // bytes
	MaxProductCodes   = 1000
	MaxProductCodeLen = 100 // characters
	MaxFieldsSize     = 64 << 10
	// MaxFieldsDepth bounds how deep objects and lists nest in fields: a
	// real document's fields are flat or one level of tables, and every
	// reader (page, index, export) walks them recursively.
	MaxFieldsDepth = 16
)

// MaxCommentLen bounds a comment or a reason (of an event, a review, a
// legal hold), in characters: they go into the history and the audit trail
// for good.
const MaxCommentLen = 4000

// CheckComment refuses a comment or reason longer than MaxCommentLen.
func CheckComment(name, value string) error {
	if n := utf8.RuneCountInString(value); n > MaxCommentLen {
		return unprocessable("%s is %d characters long: at most %d characters", name, n, MaxCommentLen)
	}
	return nil
}

// Clip quotes a value for an error message, shortened to 40 characters so
// that a huge input is not echoed back in full.
func Clip(s string) string {
	const keep = 40
	if utf8.RuneCountInString(s) <= keep {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q…", string([]rune(s)[:keep]))
}

// Normalize returns m with the forms a person types turned into the stored
// ones: surrounding spaces trimmed, the currency upper-cased and the amount
// without leading zeros. It does not validate; call Validate on the result.
func (m Metadata) Normalize() Metadata {
	m.Title = strings.TrimSpace(m.Title)
	m.Number = strings.TrimSpace(m.Number)
	m.Customer = strings.TrimSpace(m.Customer)
	m.Subtype = strings.TrimSpace(m.Subtype)
	m.Currency = strings.ToUpper(strings.TrimSpace(m.Currency))
	m.Amount = NormalizeAmount(strings.TrimSpace(m.Amount))
	return m
}

// Validate checks m against the rules of SPEC §4 and what its kind's
// definition says (spec), and returns the first problem as an *Error whose
// message names the field and what it should be: EInvalid when a value has
// the wrong shape (not an object, not UTF-8), EUnprocessable when it is
// well-formed but not acceptable. spec must be the spec of m.Kind.
func (m Metadata) Validate(spec KindSpec) error {
	if m.Kind != spec.Kind {
		return unprocessable("kind %s does not match the definition of %s", Clip(string(m.Kind)), spec.Kind)
	}
	for _, check := range []func() error{
		m.validateText, m.validateAmount,
		m.validateDates, m.validateTags, m.validateProductCodes, m.validateFields,
		func() error { return m.validateSpec(spec) },
	} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func unprocessable(format string, args ...any) error {
	return Errorf(EUnprocessable, format, args...)
}

func (m Metadata) validateText() error {
	for _, f := range []struct {
		name, value string
		max         int
	}{
		{"title", m.Title, MaxTitleLen},
		{"number", m.Number, MaxNumberLen},
		{"customer", m.Customer, MaxCustomerLen},
	} {
		if err := checkText(f.name, f.value, f.max); err != nil {
			return err
		}
	}
	if strings.TrimSpace(m.Title) == "" {
		return unprocessable("title is required: give the document a short descriptive title")
	}
	return nil
}

// checkText refuses text that would corrupt a page, a log line or a search
// index: invalid UTF-8 and control characters (tabs and newlines included,
// since these are one-line values).
func checkText(name, value string, maxLen int) error {
	if !utf8.ValidString(value) {
		return Errorf(EInvalid, "%s is not valid UTF-8 text", name)
	}
	for _, r := range value {
		if unicode.IsControl(r) {
			return unprocessable("%s contains the control character %U: remove it", name, r)
		}
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(value)); n > maxLen {
		return unprocessable("%s is %d characters long: the limit is %d", name, n, maxLen)
	}
	return nil
}

func (m Metadata) validateAmount() error {
	if m.Amount == "" {
		if m.Currency != "" && !IsCurrency(m.Currency) {
			return badCurrency(m.Currency)
		}
		return nil
	}
	if _, err := ParseAmount("amount", m.Amount); err != nil {
		return err
	}
	if m.Currency == "" {
		return unprocessable("currency is required when an amount is given: use an ISO 4217 code such as \"EUR\"")
	}
	if !IsCurrency(m.Currency) {
		return badCurrency(m.Currency)
	}
	// "12500.00" is fine in JPY; "100.50" is not: a yen has no cents.
	_, frac, _ := strings.Cut(m.Amount, ".")
	if n := MinorUnits(m.Currency); len(strings.TrimRight(frac, "0")) > n {
		return unprocessable("amount %s has more decimals than %s has (%d): round it to %d", Clip(m.Amount), m.Currency, n, n)
	}
	return nil
}

func badCurrency(code string) error {
	if up := strings.ToUpper(code); up != code && IsCurrency(up) {
		return unprocessable("currency %q must be written in upper case: %q", code, up)
	}
	return unprocessable("currency %s is not an active ISO 4217 code: use a three-letter code such as \"EUR\", \"USD\" or \"CNY\"", Clip(code))
}

// allDigits reports whether s is one or more ASCII digits (so "", ".5" and
// "5." are rejected by the caller: each side of the point needs a digit).
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (m Metadata) validateDates() error {
	if len(m.Dates) > MaxDates {
		return unprocessable("dates has %d entries: the limit is %d", len(m.Dates), MaxDates)
	}
	names := make([]string, 0, len(m.Dates))
	for name := range m.Dates {
		names = append(names, name)
	}
	slices.Sort(names) // report the same problem first on every call
	for _, name := range names {
		if !isDateName(name) {
			return unprocessable("dates key %s is not a date name: use lower-case snake_case ending in \"_date\", e.g. \"due_date\"", Clip(name))
		}
		value := m.Dates[name]
		if err := checkDate(value); err != nil {
			return unprocessable("dates.%s %s %s", name, Clip(value), err)
		}
	}
	return nil
}

func isDateName(name string) bool {
	stem, ok := strings.CutSuffix(name, "_date")
	if !ok || stem == "" || len(name) > MaxDateNameLen {
		return false
	}
	for _, word := range strings.Split(stem, "_") {
		if word == "" {
			return false
		}
		for i := 0; i < len(word); i++ {
			c := word[i]
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
				return false
			}
		}
	}
	return stem[0] >= 'a' && stem[0] <= 'z'
}

// checkDate explains why value is not a date, or returns nil. The year range
// catches typos such as "0226" that are calendar dates but not business ones.
func checkDate(value string) error {
	if len(value) != 10 || value[4] != '-' || value[7] != '-' ||
		!allDigits(value[:4]) || !allDigits(value[5:7]) || !allDigits(value[8:]) {
		return fmt.Errorf("is not a date: use YYYY-MM-DD, e.g. \"2026-03-31\"")
	}
	d, err := time.Parse(time.DateOnly, value)
	if err != nil {
		return fmt.Errorf("is not a day of the calendar: check the month and the day")
	}
	if y := d.Year(); y < 1900 || y > 2199 {
		return fmt.Errorf("has the year %d: dates must fall between 1900 and 2199", y)
	}
	return nil
}

func (m Metadata) validateTags() error {
	if len(m.Tags) > MaxTags {
		return unprocessable("tags has %d entries: the limit is %d", len(m.Tags), MaxTags)
	}
	for i, tag := range m.Tags {
		name := fmt.Sprintf("tags[%d]", i)
		if err := checkText(name, tag, MaxTagLen); err != nil {
			return err
		}
		if strings.TrimSpace(tag) == "" {
			return unprocessable("%s is empty: a tag needs 1 to %d characters", name, MaxTagLen)
		}
	}
	return nil
}

func (m Metadata) validateProductCodes() error {
	if len(m.ProductCodes) > MaxProductCodes {
		return unprocessable("product_codes has %d entries: the limit is %d", len(m.ProductCodes), MaxProductCodes)
	}
	for i, pc := range m.ProductCodes {
		name := fmt.Sprintf("product_codes[%d]", i)
		if err := checkText(name+".gpn", pc.GPN, MaxProductCodeLen); err != nil {
			return err
		}
		if err := checkText(name+".lpn", pc.LPN, MaxProductCodeLen); err != nil {
			return err
		}
		if strings.TrimSpace(pc.GPN) == "" && strings.TrimSpace(pc.LPN) == "" {
			return unprocessable("%s has neither gpn nor lpn: give the customer's part number (gpn), ours (lpn), or both", name)
		}
	}
	return nil
}

func (m Metadata) validateFields() error {
	raw := bytes.TrimSpace(m.Fields)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if len(m.Fields) > MaxFieldsSize {
		return unprocessable("fields is %d bytes: the limit is %d bytes", len(m.Fields), MaxFieldsSize)
	}
	if !utf8.Valid(raw) {
		return Errorf(EInvalid, "fields is not valid UTF-8")
	}
	if !json.Valid(raw) {
		return Errorf(EInvalid, "fields is not valid JSON: send a JSON object, e.g. {\"incoterm\":\"FCA\"}")
	}
	if raw[0] != '{' {
		return Errorf(EInvalid, "fields must be a JSON object, e.g. {\"incoterm\":\"FCA\"}")
	}
	if jsonDepth(raw) > MaxFieldsDepth {
		return unprocessable("fields nests objects and lists more than %d deep: keep them flatter", MaxFieldsDepth)
	}
	return nil
}

// jsonDepth returns how deep objects and lists nest in the valid JSON raw.
func jsonDepth(raw []byte) int {
	depth, deepest, inString, escaped := 0, 0, false, false
	for _, c := range raw {
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}
