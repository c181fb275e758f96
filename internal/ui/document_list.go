package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/documents"
	"dossier/internal/dossier"
)

type listData struct {
	Rows          []row
	Kinds, States []string
	Kind, State   string
	Customer      string
	Subtypes      []string
	Subtype       string
	Currency      string
	SearchURL     string // the same filters on the search page, which adds dates, amounts and sort
	Next          string // the query string of the next page; "" on the last
	First         bool
	FirstURL      string
	Errors        formErrors
}

// documentList is GET /api/v1/documents as a page: the filters live in the
// URL, so a filtered list is a link to share, and the next page is the same
// link with the cursor.
func (u *UI) documentList(c echo.Context) error {
	q := c.QueryParams()
	data := listData{Kinds: u.kinds(), States: u.states(), Kind: q.Get("kind"), State: q.Get("state"),
		Customer: q.Get("customer"), Subtype: q.Get("subtype"), Currency: strings.ToUpper(q.Get("currency")),
		Subtypes: u.subtypes(q.Get("kind")), First: q.Get("cursor") == ""}
	f := documents.Filter{Kind: dossier.Kind(data.Kind), State: data.State, Customer: data.Customer,
		Subtype: data.Subtype, Currency: data.Currency, Cursor: q.Get("cursor"), Limit: 25}
	sq := url.Values{}
	for k, v := range map[string]string{"kind": data.Kind, "state": data.State, "customer": data.Customer, "currency": data.Currency} {
		if v != "" {
			sq.Set(k, v)
		}
	}
	data.SearchURL = "/search?" + sq.Encode()
	docs, next, err := u.Documents.List(c.Request().Context(), f)
	if err != nil {
		if dossier.ErrorCode(err) == dossier.EInternal {
			return err
		}
		data.Errors = errorsFor(err, []string{"kind", "state", "customer", "cursor"})
		return u.render(c, statusOf(err), "documents", u.view(c, "documents.title", data))
	}
	for _, d := range docs {
		data.Rows = append(data.Rows, u.row(d, nil))
	}
	if !data.First {
		fq := url.Values{}
		for k, v := range q {
			fq[k] = v
		}
		fq.Del("cursor")
		data.FirstURL = "/documents?" + fq.Encode()
	}
	if next != "" {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("cursor", next)
		data.Next = "/documents?" + nq.Encode()
	}
	return u.render(c, http.StatusOK, "documents", u.view(c, "documents.title", data))
}

// subtypes lists the subtypes of kind, or of every kind when kind is "".
func (u *UI) subtypes(kind string) []string {
	defs := u.Engine.Definitions()
	var out []string
	for _, k := range defs.Kinds() {
		if kind != "" && string(k) != kind {
			continue
		}
		d, _ := defs.Kind(k)
		for _, st := range d.Subtypes {
			if !slices.Contains(out, st) {
				out = append(out, st)
			}
		}
	}
	return out
}
