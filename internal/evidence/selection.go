package evidence

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"dossier/internal/dossier"
	"dossier/internal/search"
	"dossier/internal/store"
	"dossier/internal/workflow"
)

// MaxDocuments bounds one export: an archive for an audit, not a backup.
const MaxDocuments = 10000

// maxSearchPage and maxSearchOffset are the bounds of GET /api/v1/search,
// through which a full-text filter pages.
const (
	maxSearchPage   = 100
	maxSearchOffset = 10000
)

// Filter selects documents with the filters of GET /api/v1/search (and of
// GET /api/v1/documents, which are a subset). Each list matches any of its
// values; a list may be given as one string.
type Filter struct {
	Q         string `json:"q,omitempty"`
	Kind      List   `json:"kind,omitempty"`
	State     List   `json:"state,omitempty"`
	Customer  List   `json:"customer,omitempty"`
	Currency  List   `json:"currency,omitempty"`
	DateFrom  string `json:"date_from,omitempty"`
	DateTo    string `json:"date_to,omitempty"`
	AmountMin string `json:"amount_min,omitempty"`
	AmountMax string `json:"amount_max,omitempty"`
}

// List is a filter's values: a JSON array of strings, or one string.
type List []string

// UnmarshalJSON takes a string or an array of strings.
func (l *List) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = List{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return dossier.Errorf(dossier.EInvalid, "a filter value must be a string or an array of strings, not %s", dossier.Clip(string(b)))
	}
	*l = many
	return nil
}

// FilterFromQuery reads a filter written as the query string of
// GET /api/v1/search ("kind=lc&state=archived&q=steel"), as the command line
// takes it. Unknown parameters are refused.
func FilterFromQuery(raw string) (*Filter, error) {
	v, err := url.ParseQuery(strings.TrimPrefix(raw, "?"))
	if err != nil {
		return nil, dossier.Errorf(dossier.EInvalid, "filter %q: %v", dossier.Clip(raw), err)
	}
	f := &Filter{}
	for name, values := range v {
		split := func() List {
			var out List
			for _, s := range values {
				for _, part := range strings.Split(s, ",") {
					if part = strings.TrimSpace(part); part != "" {
						out = append(out, part)
					}
				}
			}
			return out
		}
		last := values[len(values)-1]
		switch name {
		case "q":
			f.Q = last
		case "kind":
			f.Kind = split()
		case "state":
			f.State = split()
		case "currency":
			f.Currency = split()
		case "customer": // names may hold commas: repeat the parameter
			f.Customer = values
		case "date_from":
			f.DateFrom = last
		case "date_to":
			f.DateTo = last
		case "amount_min":
			f.AmountMin = last
		case "amount_max":
			f.AmountMax = last
		default:
			return nil, dossier.Errorf(dossier.EInvalid, "filter parameter %q is unknown: use q, kind, state, customer, currency, date_from, date_to, amount_min or amount_max", dossier.Clip(name))
		}
	}
	return f, nil
}

// query is f as a search query.
func (f *Filter) query() search.Query {
	q := search.Query{Q: f.Q, Kind: f.Kind, State: f.State, Customer: f.Customer, DateFrom: f.DateFrom, DateTo: f.DateTo,
		AmountMin: f.AmountMin, AmountMax: f.AmountMax, Sort: search.SortDateAsc}
	for _, c := range f.Currency {
		q.Currency = append(q.Currency, strings.ToUpper(c))
	}
	return q
}

// simple reports whether the database's document list answers f exactly,
// without the search index (which follows changes a moment later and pages
// only so far).
func (f *Filter) simple() bool {
	return f.Q == "" && len(f.Currency) == 0 && f.DateFrom == "" && f.DateTo == "" && f.AmountMin == "" && f.AmountMax == "" &&
		len(f.Kind) <= 1 && len(f.State) <= 1 && len(f.Customer) <= 1
}

// Selector turns a selection into document ids.
type Selector struct {
	Store  store.Store
	Search search.Index
	Defs   *workflow.Set
}

// Select returns the ids of the documents sel names, sorted: EInvalid for a
// malformed selection, ENotFound for an id that is no document,
// EUnprocessable when nothing (or too much) is selected.
func (s *Selector) Select(ctx context.Context, sel Selection) ([]string, error) {
	var ids []string
	var err error
	switch {
	case sel.Filter != nil && sel.IDs != nil:
		return nil, dossier.Errorf(dossier.EInvalid, `send either "filter" or "ids", not both`)
	case sel.IDs != nil:
		ids, err = s.byID(ctx, sel.IDs)
	case sel.Filter != nil:
		if err := s.check(sel.Filter); err != nil {
			return nil, err
		}
		if sel.Filter.simple() {
			ids, err = s.listed(ctx, sel.Filter)
		} else {
			ids, err = s.searched(ctx, sel.Filter)
		}
	default:
		return nil, dossier.Errorf(dossier.EInvalid, `send {"filter":{…}} with the filters of GET /api/v1/search ({} for every document) or {"ids":[…]}`)
	}
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return nil, dossier.Errorf(dossier.EUnprocessable, "the selection holds no document: there is nothing to export")
	}
	if len(ids) > MaxDocuments {
		return nil, dossier.Errorf(dossier.EUnprocessable, "the selection holds %d documents, more than the %d of one export: narrow the filter", len(ids), MaxDocuments)
	}
	return ids, nil
}

func (s *Selector) byID(ctx context.Context, given []string) ([]string, error) {
	if len(given) > MaxDocuments {
		return nil, dossier.Errorf(dossier.EUnprocessable, "%d ids: one export holds at most %d documents", len(given), MaxDocuments)
	}
	ids := make([]string, 0, len(given))
	for _, id := range given {
		if id = strings.TrimSpace(id); id == "" || !utf8.ValidString(id) {
			return nil, dossier.Errorf(dossier.EInvalid, "ids: an id is empty or not text")
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		for _, id := range ids {
			if _, err := tx.Document(ctx, id); err != nil {
				if dossier.ErrorCode(err) == dossier.ENotFound {
					return dossier.Errorf(dossier.ENotFound, "document %s does not exist: remove it from ids", dossier.Clip(id))
				}
				return err
			}
		}
		return nil
	})
	return ids, err
}

// check refuses what GET /api/v1/search refuses: unknown kinds and states,
// malformed dates and amounts, text that is not UTF-8.
func (s *Selector) check(f *Filter) error {
	if len(f.Q) > 1000 {
		return dossier.Errorf(dossier.EInvalid, "filter q: at most 1000 bytes")
	}
	for _, k := range f.Kind {
		if _, ok := s.Defs.Kind(dossier.Kind(k)); !ok {
			return dossier.Errorf(dossier.EInvalid, "filter kind %q is unknown", dossier.Clip(k))
		}
	}
	for _, st := range f.State {
		known := false
		for _, k := range s.Defs.Kinds() {
			if d, _ := s.Defs.Kind(k); d.HasState(st) {
				known = true
			}
		}
		if !known {
			return dossier.Errorf(dossier.EInvalid, "filter state %q is not a state of any kind's workflow", dossier.Clip(st))
		}
	}
	return f.query().Validate()
}

// listed pages through the database's document list.
func (s *Selector) listed(ctx context.Context, f *Filter) ([]string, error) {
	lf := store.DocumentFilter{Limit: 500}
	if len(f.Kind) == 1 {
		lf.Kind = dossier.Kind(f.Kind[0])
	}
	if len(f.State) == 1 {
		lf.State = f.State[0]
	}
	if len(f.Customer) == 1 {
		lf.Customer = f.Customer[0]
	}
	var ids []string
	for {
		var docs []dossier.Document
		err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
			docs, err = tx.ListDocuments(ctx, lf)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			ids = append(ids, d.ID)
		}
		if len(docs) < lf.Limit || len(ids) > MaxDocuments {
			return ids, nil
		}
		lf.Cursor = docs[len(docs)-1].ID
	}
}

// searched pages through the search index.
func (s *Selector) searched(ctx context.Context, f *Filter) ([]string, error) {
	q := f.query()
	q.Limit = maxSearchPage
	var ids []string
	for {
		res, err := s.Search.Search(ctx, q)
		if err != nil {
			return nil, err
		}
		if res.Total > MaxDocuments {
			return nil, dossier.Errorf(dossier.EUnprocessable, "the filter selects %d documents, more than the %d of one export: narrow it", res.Total, MaxDocuments)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		q.Offset += len(res.Hits)
		if len(res.Hits) < q.Limit || q.Offset >= res.Total || q.Offset > maxSearchOffset {
			return ids, nil
		}
	}
}
