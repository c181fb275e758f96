package documents

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// Filter selects the documents of a list, in the order Sort, after Cursor
// (from a previous page) when set; zero fields match all. Its fields are
// the parameters of GET /api/v1/documents and of the /documents page, with
// the names and checks of GET /api/v1/search where search has them.
type Filter struct {
	Kind     dossier.Kind
	State    string
	Customer string
	Subtype  string
	Currency string
	DateFrom string // YYYY-MM-DD, inclusive, on dossier.Document.ListDate
	DateTo   string
	// AmountMin and AmountMax bound the amount, exact decimals, inclusive.
	AmountMin string
	AmountMax string
	Sort      store.DocumentSort // "" is newest first
	Cursor    string
	Limit     int // 1..200; other values give 50
}

// filterParams are the query parameters of a list, in the order a saved
// view writes them; the cursor and limit are not part of a view.
var filterParams = []string{"kind", "subtype", "state", "customer", "currency", "date_from", "date_to", "amount_min", "amount_max", "sort"}

// FilterOf reads a Filter from the query parameters of a list; List
// checks it.
func FilterOf(q url.Values) Filter {
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	f := Filter{Kind: dossier.Kind(get("kind")), State: get("state"), Customer: get("customer"), Subtype: get("subtype"),
		Currency: strings.ToUpper(get("currency")), DateFrom: get("date_from"), DateTo: get("date_to"),
		AmountMin: get("amount_min"), AmountMax: get("amount_max"), Sort: store.DocumentSort(get("sort")),
		Cursor: q.Get("cursor")}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	return f
}

// Query is f as query parameters without cursor and limit: the link of
// the list, and what a saved view keeps. The default order is left out.
func (f Filter) Query() url.Values {
	q := url.Values{}
	sort := string(f.Sort)
	if f.Sort == store.SortCreatedDesc {
		sort = ""
	}
	for i, v := range []string{string(f.Kind), f.Subtype, f.State, f.Customer, f.Currency, f.DateFrom, f.DateTo,
		f.AmountMin, f.AmountMax, sort} {
		if v != "" {
			q.Set(filterParams[i], v)
		}
	}
	return q
}

// check refuses a filter no list can run, naming the parameter: the
// messages are those of GET /api/v1/search.
func (s *Service) check(f Filter) error {
	if _, ok := s.defs.Kind(f.Kind); f.Kind != "" && !ok {
		return dossier.Errorf(dossier.EInvalid, "kind=%s is unknown", dossier.Clip(string(f.Kind)))
	}
	if f.State != "" && !s.isState(f.State) {
		return dossier.Errorf(dossier.EInvalid, "state=%s is not a state of any kind's workflow", dossier.Clip(f.State))
	}
	for _, p := range []struct{ name, v string }{{"date_from", f.DateFrom}, {"date_to", f.DateTo}} {
		if _, err := time.Parse(time.DateOnly, p.v); p.v != "" && err != nil {
			return dossier.Errorf(dossier.EInvalid, "%s=%s: use a date like 2026-01-31", p.name, dossier.Clip(p.v))
		}
	}
	if f.DateFrom != "" && f.DateTo != "" && f.DateFrom > f.DateTo {
		return dossier.Errorf(dossier.EInvalid, "date_from=%s is after date_to=%s: nothing can match", f.DateFrom, f.DateTo)
	}
	var bounds [2]dossier.Amount
	for i, p := range []struct{ name, v string }{{"amount_min", f.AmountMin}, {"amount_max", f.AmountMax}} {
		if p.v == "" {
			continue
		}
		a, err := dossier.ParseAmount(p.name, p.v)
		if err != nil {
			return dossier.Errorf(dossier.EInvalid, "%s", dossier.ErrorMessage(err))
		}
		bounds[i] = a
	}
	if f.AmountMin != "" && f.AmountMax != "" && bounds[0].Cmp(bounds[1]) > 0 {
		return dossier.Errorf(dossier.EInvalid, "amount_min=%s is more than amount_max=%s: nothing can match", f.AmountMin, f.AmountMax)
	}
	if !f.Sort.Valid() {
		var names []string
		for _, v := range store.DocumentSorts {
			names = append(names, string(v))
		}
		return dossier.Errorf(dossier.EInvalid, "sort=%s: use one of %s", dossier.Clip(string(f.Sort)), strings.Join(names, ", "))
	}
	return nil
}

// isState reports whether some kind's workflow has the state.
func (s *Service) isState(state string) bool {
	for _, k := range s.defs.Kinds() {
		if d, _ := s.defs.Kind(k); d.HasState(state) {
			return true
		}
	}
	return false
}

// List returns one page of documents and the cursor of the next page ("" at
// the end); a bad filter is EInvalid naming the parameter.
func (s *Service) List(ctx context.Context, lf Filter) ([]dossier.Document, string, error) {
	if err := s.check(lf); err != nil {
		return nil, "", err
	}
	f := store.DocumentFilter{Kind: lf.Kind, State: lf.State, Customer: lf.Customer, Subtype: lf.Subtype,
		Currency: lf.Currency, DateFrom: lf.DateFrom, DateTo: lf.DateTo, AmountMin: lf.AmountMin, AmountMax: lf.AmountMax,
		Sort: lf.Sort, Limit: lf.Limit}
	var err error
	if f.Cursor, f.CursorKey, err = readCursor(lf.Cursor, lf.Sort); err != nil {
		return nil, "", err
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	want := f.Limit
	f.Limit++ // one more tells whether another page exists
	var docs []dossier.Document
	err = s.store.Read(ctx, func(tx store.Tx) (err error) {
		docs, err = tx.ListDocuments(ctx, f)
		return err
	})
	if err != nil || len(docs) <= want {
		return docs, "", err
	}
	docs = docs[:want]
	return docs, makeCursor(lf.Sort, docs[want-1]), nil
}

// makeCursor is where the next page starts: after the last document's id
// under the default order, as it always was; under another order, after
// its (sort key, id), with the order, so that a cursor is not read under
// an order it was not made for.
func makeCursor(sort store.DocumentSort, last dossier.Document) string {
	if sort.Field() == "created" {
		return last.ID
	}
	b, _ := json.Marshal([]string{string(sort), sort.SortKey(last), last.ID}) // strings always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

// readCursor is makeCursor's inverse: the id and key to start after. A
// cursor whose id is no document id is refused: compared with the ids, it
// would answer some page as if it were the next one.
func readCursor(cursor string, sort store.DocumentSort) (id, key string, err error) {
	if cursor == "" {
		return "", "", nil
	}
	notOurs := dossier.Errorf(dossier.EInvalid, "cursor=%s is not a cursor of this list: start from the first page", dossier.Clip(cursor))
	if sort.Field() == "created" {
		if !isDocumentID(cursor) {
			return "", "", notOurs
		}
		return cursor, "", nil
	}
	var parts []string
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err == nil {
		err = json.Unmarshal(b, &parts)
	}
	if err != nil || len(parts) != 3 || !isDocumentID(parts[2]) {
		return "", "", notOurs
	}
	if store.DocumentSort(parts[0]) != sort {
		return "", "", dossier.Errorf(dossier.EInvalid, "cursor: it continues a list in the order %s, not sort=%s: start from the first page",
			dossier.Clip(parts[0]), sort)
	}
	return parts[2], parts[1], nil
}

// isDocumentID reports whether s is an id as documents get them: a ULID in
// its canonical (upper-case) form, which is how ids compare in order.
func isDocumentID(s string) bool {
	_, err := ulid.ParseStrict(s)
	return err == nil && s == strings.ToUpper(s)
}
