// Package search defines the search index: documents are indexed with their
// metadata and extracted text, and found by full text, filters on keyword
// fields, date and amount ranges, with facet counts and marked snippets
// (SPEC §10). Implementations sit below: the database's own index
// (store/sqldb over SQLite FTS5 or a PostgreSQL tsvector, with an in-memory
// catalog of the filter columns) and Meilisearch (search/meili); both pass
// search/searchtest.
package search

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"dossier/internal/dossier"
)

// Doc is one document as the index sees it.
type Doc struct {
	ID       string            `json:"id"`
	Kind     string            `json:"kind"`
	Subtype  string            `json:"subtype"`
	State    string            `json:"state"`
	Title    string            `json:"title"`
	Number   string            `json:"number"`
	Customer string            `json:"customer"`
	Amount   string            `json:"amount"`   // exact decimal, "" when none
	Currency string            `json:"currency"` // ISO 4217, "" when none
	Date     string            `json:"date"`     // YYYY-MM-DD: the issue date, else the upload date
	Dates    map[string]string `json:"dates"`
	Tags     []string          `json:"tags"`
	// Fields are searchable keyword fields beyond the fixed ones, e.g. the
	// LC's applicant, beneficiary and banks (from the document's fields).
	Fields    map[string]string `json:"fields"`
	Pages     []string          `json:"-"` // extracted text, one entry per page
	UpdatedAt time.Time         `json:"updated_at"`
}

// Query is one search. Zero fields do not filter.
type Query struct {
	Q         string   // full text over metadata and extracted text; "" matches all
	Kind      []string // each filter matches any of its values
	State     []string
	Customer  []string
	Currency  []string
	DateFrom  string // YYYY-MM-DD, inclusive
	DateTo    string // YYYY-MM-DD, inclusive
	AmountMin string // exact decimal, inclusive, compared in the document's own currency
	AmountMax string
	Sort      Sort
	Limit     int // 1..100
	Offset    int // 0..10000
}

// Sort orders hits.
type Sort string

// The sort orders.
const (
	SortRelevance Sort = "relevance" // best match first; newest first without Q
	SortDateDesc  Sort = "-date"
	SortDateAsc   Sort = "date"
)

// FacetFields are the fields whose values are counted in every result.
var FacetFields = []string{"kind", "state", "customer", "currency"}

// Result is one page of hits with the total and the facet counts over all
// hits (not just the page).
type Result struct {
	Hits   []Hit                     `json:"hits"`
	Total  int                       `json:"total"`
	Facets map[string]map[string]int `json:"facets"`
}

// Hit is one found document.
type Hit struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Kind     string `json:"kind"`
	Subtype  string `json:"subtype"`
	State    string `json:"state"`
	Number   string `json:"number"`
	Customer string `json:"customer"`
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
	Date     string `json:"date"`
	// Snippet is a short passage around the matched terms, each wrapped in
	// MarkStart and MarkEnd; HTML in the text itself is escaped.
	Snippet string `json:"snippet"`
}

// The marks around matched terms in snippets.
const (
	MarkStart = "<mark>"
	MarkEnd   = "</mark>"
)

// Index is a search index.
type Index interface {
	// Upsert adds or replaces a document.
	Upsert(ctx context.Context, d Doc) error
	// Delete removes a document; a missing one is not an error.
	Delete(ctx context.Context, id string) error
	// Search runs q; a query the index cannot parse is a *dossier.Error EInvalid.
	Search(ctx context.Context, q Query) (Result, error)
	// Ping checks that the index answers.
	Ping(ctx context.Context) error
}

// Validate refuses what no index can be asked: text that is not UTF-8 or
// holds control characters, in the query or any filter value.
func (q Query) Validate() error {
	values := append([]string{q.Q, q.DateFrom, q.DateTo, q.AmountMin, q.AmountMax, string(q.Sort)}, q.Kind...)
	values = append(append(append(values, q.State...), q.Customer...), q.Currency...)
	for _, v := range values {
		if !utf8.ValidString(v) || strings.ContainsFunc(v, unicode.IsControl) {
			return dossier.Errorf(dossier.EInvalid, "search parameters must be UTF-8 text without control characters")
		}
	}
	for _, d := range []string{q.DateFrom, q.DateTo} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			return dossier.Errorf(dossier.EInvalid, "date %q: use a date such as 2026-01-31", d)
		}
	}
	for _, a := range []string{q.AmountMin, q.AmountMax} {
		if a != "" {
			if err := CheckAmount(a); err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckAmount accepts the amounts every index can compare exactly: those a
// document may carry (dossier.ParseAmount). A bad one is the caller's
// mistake in a query, so it is EInvalid.
func CheckAmount(amount string) error {
	if _, err := dossier.ParseAmount("amount", amount); err != nil {
		return dossier.Errorf(dossier.EInvalid, "%s", dossier.ErrorMessage(err))
	}
	return nil
}

// Keyword is one keyword filter: the field and the values it may have.
type Keyword struct {
	Field  string
	Values []string
}

// Keywords lists the keyword filters q sets, in a fixed order.
func (q Query) Keywords() []Keyword {
	var out []Keyword
	for _, k := range []Keyword{{"kind", q.Kind}, {"state", q.State}, {"customer", q.Customer}, {"currency", q.Currency}} {
		if len(k.Values) > 0 {
			out = append(out, k)
		}
	}
	return out
}
