package ui

import (
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"

	"dossier/internal/dossier"
)

// metaForm is the metadata form of a kind, built from its definition: the
// subtypes it allows, the dates it names and its typed fields.
type metaForm struct {
	Kind     string
	Kinds    []string
	Subtypes []string
	Required []string
	Dates    []string
	Fields   []fieldInput
	Values   map[string]string // form name -> value as typed
	Errors   formErrors
	// Message is a pasted SWIFT MT700 that filled the form, and Warnings
	// what the parser noticed in it.
	Message  string
	Warnings []string
	IsLC     bool // the kind is the one an MT700 describes
}

type fieldInput struct {
	Name string // the form name: fields.<name>
	Key  string // <name>
	Type dossier.FieldType
}

// standardDates are shown for every kind; a kind adds the dates it requires
// or orders (an LC's latest shipment and expiry).
var standardDates = []string{"issue_date", "due_date"}

func (u *UI) metaForm(kind string) (*metaForm, bool) {
	def, ok := u.Engine.Definitions().Kind(dossier.Kind(kind))
	if !ok {
		return nil, false
	}
	spec := def.Spec()
	f := &metaForm{Kind: kind, Kinds: u.kinds(), Subtypes: spec.Subtypes, Required: spec.Required,
		Dates: slices.Clone(standardDates), Values: map[string]string{}, Errors: formErrors{},
		IsLC: dossier.Kind(kind) == dossier.KindLetterOfCredit}
	addDate := func(name string) {
		if !slices.Contains(f.Dates, name) {
			f.Dates = append(f.Dates, name)
		}
	}
	for _, r := range spec.Required {
		if d, ok := strings.CutPrefix(r, "dates."); ok {
			addDate(d)
		}
	}
	for _, chain := range spec.DateOrder {
		for _, d := range chain {
			addDate(d)
		}
	}
	for name, t := range spec.Fields {
		f.Fields = append(f.Fields, fieldInput{Name: "fields." + name, Key: name, Type: t})
	}
	sort.Slice(f.Fields, func(i, j int) bool { return f.Fields[i].Key < f.Fields[j].Key })
	return f, true
}

// Names lists every form name, for placing errors next to fields.
func (f *metaForm) Names() []string {
	names := []string{"kind", "subtype", "title", "number", "customer", "amount", "currency", "tags", "file", "fields"}
	for _, d := range f.Dates {
		names = append(names, "dates."+d)
	}
	for _, fi := range f.Fields {
		names = append(names, fi.Name)
	}
	return names
}

// IsRequired reports whether the definition requires the metadata name.
func (f *metaForm) IsRequired(name string) bool { return slices.Contains(f.Required, name) }

// fill sets the form's values from a document.
func (f *metaForm) fill(d dossier.Document) {
	f.fillMeta(dossier.Metadata{Subtype: d.Subtype, Title: d.Title, Number: d.Number, Customer: d.Customer,
		Amount: d.Amount, Currency: d.Currency, Dates: d.Dates, Tags: d.Tags, Fields: d.Fields})
}

// fillMeta sets the form's values from metadata.
func (f *metaForm) fillMeta(d dossier.Metadata) {
	v := f.Values
	v["subtype"], v["title"], v["number"], v["customer"] = d.Subtype, d.Title, d.Number, d.Customer
	v["amount"], v["currency"], v["tags"] = d.Amount, d.Currency, strings.Join(d.Tags, ", ")
	for name, date := range d.Dates {
		v["dates."+name] = date
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(d.Fields, &fields)
	for _, fi := range f.Fields {
		raw, ok := fields[fi.Key]
		if !ok {
			continue
		}
		var s string
		var list []string
		switch {
		case json.Unmarshal(raw, &s) == nil:
			v[fi.Name] = s
		case json.Unmarshal(raw, &list) == nil:
			v[fi.Name] = strings.Join(list, ", ")
		default:
			v[fi.Name] = string(raw)
		}
	}
}

// read takes the form's values from get (a form value by name).
func (f *metaForm) read(get func(string) string) {
	for _, name := range f.Names() {
		if v := strings.TrimSpace(get(name)); v != "" {
			f.Values[name] = v
		}
	}
}

// metadata is the form as the API's metadata: the same validation follows
// in the service. A field the user typed wrongly (letters in an integer)
// is sent as text, so that the service's message names it.
func (f *metaForm) metadata() dossier.Metadata {
	v := f.Values
	m := dossier.Metadata{Kind: dossier.Kind(f.Kind), Subtype: v["subtype"], Title: v["title"], Number: v["number"],
		Customer: v["customer"], Amount: v["amount"], Currency: v["currency"], Tags: splitList(v["tags"])}
	for _, d := range f.Dates {
		if val := v["dates."+d]; val != "" {
			if m.Dates == nil {
				m.Dates = map[string]string{}
			}
			m.Dates[d] = val
		}
	}
	fields := map[string]any{}
	for _, fi := range f.Fields {
		if val, ok := v[fi.Name]; ok {
			fields[fi.Key] = typed(fi.Type, val)
		}
	}
	if len(fields) > 0 {
		m.Fields, _ = json.Marshal(fields)
	}
	return m
}

// patch is the form as a JSON merge patch of the document: every value of
// the form, null for an emptied date or field.
func (f *metaForm) patch() []byte {
	v := f.Values
	p := map[string]any{"subtype": v["subtype"], "title": v["title"], "number": v["number"], "customer": v["customer"],
		"amount": v["amount"], "currency": v["currency"], "tags": splitList(v["tags"])}
	if p["tags"] == nil {
		p["tags"] = []string{}
	}
	dates := map[string]any{}
	for _, d := range f.Dates {
		dates[d] = nullIfEmpty(v["dates."+d])
	}
	p["dates"] = dates
	fields := map[string]any{}
	for _, fi := range f.Fields {
		if val, ok := v[fi.Name]; ok {
			fields[fi.Key] = typed(fi.Type, val)
		} else {
			fields[fi.Key] = nil
		}
	}
	p["fields"] = fields
	b, _ := json.Marshal(p)
	return b
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func typed(t dossier.FieldType, s string) any {
	switch t {
	case dossier.FieldInteger:
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
	case dossier.FieldBoolean:
		if b, err := strconv.ParseBool(s); err == nil {
			return b
		}
	case dossier.FieldList:
		return splitList(s)
	}
	return s
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
