package dossier

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// KindSpec is what a kind's definition says about the metadata of its
// documents: the subtypes it allows, the metadata every document must have,
// and the types of the entries of its free fields object.
type KindSpec struct {
	Kind     Kind
	Subtypes []string             // empty: the kind has no subtypes
	Required []string             // metadata names, see IsMetadataName
	Fields   map[string]FieldType // entries of fields checked by type; others are free
	// DateOrder lists chains of date names (entries of dates) that must not
	// go back in time where both are given: an LC's issue date, latest
	// shipment date and expiry date, say.
	DateOrder [][]string
	// ZeroAmount allows an amount of 0. Most kinds refuse it: their approval
	// depends on the amount, and 0 would need the lowest level only.
	ZeroAmount bool
}

// FieldType is the type of an entry of a document's fields object.
type FieldType string

// The field types a definition may declare.
const (
	FieldText    FieldType = "text"    // a JSON string of one line
	FieldInteger FieldType = "integer" // a JSON number without fraction
	FieldDecimal FieldType = "decimal" // an exact decimal written as a string, like amounts: "12.50"
	FieldDate    FieldType = "date"    // a string YYYY-MM-DD
	FieldBoolean FieldType = "boolean" // true or false
	FieldList    FieldType = "list"    // a list of one-line strings
)

// FieldTypes lists the field types.
var FieldTypes = []FieldType{FieldText, FieldInteger, FieldDecimal, FieldDate, FieldBoolean, FieldList}

// metadataNames are the top-level metadata a definition may require (and a
// required_fields guard may name) besides dates.<name> and fields.<name>.
var metadataNames = []string{"title", "number", "customer", "amount", "currency", "subtype"}

// IsMetadataName reports whether name is a metadata name a definition may
// require: one of title, number, customer, amount, currency, subtype, or
// dates.<name> / fields.<name>.
func IsMetadataName(name string) bool {
	if slices.Contains(metadataNames, name) {
		return true
	}
	for _, prefix := range []string{"dates.", "fields."} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			return IsName(rest)
		}
	}
	return false
}

// MetadataNameHint says what IsMetadataName accepts, for error messages.
func MetadataNameHint() string {
	return strings.Join(metadataNames, ", ") + ", dates.<name> or fields.<name>"
}

// Has reports whether the metadata name (see IsMetadataName) is set: a
// non-empty value, or for fields an entry that is not null or "".
func (m Metadata) Has(name string) bool {
	switch name {
	case "title":
		return m.Title != ""
	case "number":
		return m.Number != ""
	case "customer":
		return m.Customer != ""
	case "amount":
		return m.Amount != ""
	case "currency":
		return m.Currency != ""
	case "subtype":
		return m.Subtype != ""
	}
	if date, ok := strings.CutPrefix(name, "dates."); ok {
		return m.Dates[date] != ""
	}
	if field, ok := strings.CutPrefix(name, "fields."); ok {
		var fields map[string]any
		_ = json.Unmarshal(m.Fields, &fields)
		v, ok := fields[field]
		return ok && v != nil && v != ""
	}
	return false
}

// MetadataOf returns the metadata of a document, as an edit starts from.
func MetadataOf(d Document) Metadata {
	return Metadata{
		Kind: d.Kind, Subtype: d.Subtype, Title: d.Title, Number: d.Number, Customer: d.Customer,
		Amount: d.Amount, Currency: d.Currency, Dates: d.Dates, ProductCodes: d.ProductCodes,
		Tags: d.Tags, Fields: d.Fields,
	}
}

func (m Metadata) validateSpec(spec KindSpec) error {
	if err := m.validateSubtype(spec); err != nil {
		return err
	}
	var missing []string
	for _, name := range spec.Required {
		if !m.Has(name) {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return unprocessable("a %s needs %s: give them in the metadata", m.Kind, strings.Join(missing, ", "))
	}
	if err := m.validateDateOrder(spec.DateOrder); err != nil {
		return err
	}
	if a, err := ParseAmount("amount", m.Amount); err == nil && a.IsZero() && !spec.ZeroAmount {
		return unprocessable("amount %s: a %s may not be worth nothing; give its real amount, or leave amount out while it is unknown", Clip(m.Amount), m.Kind)
	}
	return m.validateFieldTypes(spec.Fields)
}

// validateDateOrder checks each chain of dates that are given; validateDates
// has already made sure they are dates, so they compare as text.
func (m Metadata) validateDateOrder(chains [][]string) error {
	for _, chain := range chains {
		prev := ""
		for _, name := range chain {
			v := m.Dates[name]
			if v == "" {
				continue
			}
			if prev != "" && v < m.Dates[prev] {
				return unprocessable("dates.%s %s is before dates.%s %s: check both dates", name, v, prev, m.Dates[prev])
			}
			prev = name
		}
	}
	return nil
}

// IsDateName reports whether name may name an entry of a document's dates:
// lower-case snake_case ending in "_date".
func IsDateName(name string) bool { return isDateName(name) }

func (m Metadata) validateSubtype(spec KindSpec) error {
	switch {
	case len(spec.Subtypes) == 0 && m.Subtype != "":
		return unprocessable("subtype %s is not allowed: kind %s has no subtypes, leave subtype empty", Clip(m.Subtype), m.Kind)
	case len(spec.Subtypes) > 0 && m.Subtype == "":
		return unprocessable("subtype is required for kind %s: use one of %s", m.Kind, strings.Join(spec.Subtypes, ", "))
	case len(spec.Subtypes) > 0 && !slices.Contains(spec.Subtypes, m.Subtype):
		return unprocessable("subtype %s is not a subtype of %s: use one of %s", Clip(m.Subtype), m.Kind, strings.Join(spec.Subtypes, ", "))
	}
	return nil
}

// validateFieldTypes checks the declared entries of fields; validateFields
// has already made sure fields is a JSON object.
func (m Metadata) validateFieldTypes(types map[string]FieldType) error {
	raw := bytes.TrimSpace(m.Fields)
	if len(types) == 0 || len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return Errorf(EInvalid, "fields must be a JSON object: %v", err)
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		if _, ok := types[name]; ok {
			names = append(names, name)
		}
	}
	slices.Sort(names) // report the same problem first on every call
	for _, name := range names {
		v := fields[name]
		if string(v) == "null" {
			continue // unset
		}
		if err := CheckFieldValue(types[name], v); err != nil {
			return unprocessable("fields.%s %s", name, err)
		}
	}
	return nil
}

// CheckFieldValue explains why the JSON value v is not of type t, or
// returns nil; the explanation follows the field's name in a message.
func CheckFieldValue(t FieldType, v json.RawMessage) error {
	switch t {
	case FieldText:
		var s string
		if json.Unmarshal(v, &s) != nil {
			return fmt.Errorf("must be text (a JSON string)")
		}
		return checkLine(s, maxFieldText)
	case FieldInteger:
		var n json.Number
		if json.Unmarshal(v, &n) != nil || v[0] == '"' || strings.ContainsAny(n.String(), ".eE") {
			return fmt.Errorf("%s must be a whole number, e.g. 21", Clip(string(v)))
		}
		if _, err := n.Int64(); err != nil {
			return fmt.Errorf("%s is too large", Clip(string(v)))
		}
		return nil
	case FieldDecimal:
		var s string
		if json.Unmarshal(v, &s) != nil {
			return fmt.Errorf("must be a decimal written as a string, e.g. \"12.50\"")
		}
		if !IsPlainDecimal(s) || len(s) > maxAmountLen {
			return fmt.Errorf("%s is not a decimal: %s", Clip(s), amountHint)
		}
		return nil
	case FieldDate:
		var s string
		if json.Unmarshal(v, &s) != nil {
			return fmt.Errorf("must be a date written as a string, e.g. \"2026-03-31\"")
		}
		if err := checkDate(s); err != nil {
			return fmt.Errorf("%s %s", Clip(s), err)
		}
		return nil
	case FieldBoolean:
		if s := string(v); s != "true" && s != "false" {
			return fmt.Errorf("%s must be true or false", Clip(s))
		}
		return nil
	case FieldList:
		var items []string
		if json.Unmarshal(v, &items) != nil {
			return fmt.Errorf("must be a list of strings, e.g. [\"first\", \"second\"]")
		}
		for i, s := range items {
			if err := checkLine(s, maxFieldText); err != nil {
				return fmt.Errorf("item %d %s", i, err)
			}
		}
		return nil
	}
	return fmt.Errorf("has the unknown type %q", t)
}

// maxFieldText is the longest text a typed field holds, in characters.
const maxFieldText = 4000

// checkLine explains why s is not one line of text of at most max characters.
func checkLine(s string, max int) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("is not valid UTF-8 text")
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fmt.Errorf("contains the control character %U: remove it", r)
		}
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("is %d characters long: the limit is %d", n, max)
	}
	return nil
}

// IsName reports whether s is a lower-case snake_case name of at most 64
// bytes, starting with a letter: what a definition's states, events, kinds,
// fields and DOA rules are called. Plain names keep messages, URLs and the
// DOT and Mermaid graphs free of quoting problems.
func IsName(s string) bool {
	if s == "" || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}
