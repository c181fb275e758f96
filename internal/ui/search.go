package ui

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
	"dossier/internal/search"
)

type searchData struct {
	Query    url.Values
	Q        string
	Result   search.Result
	Rows     []searchRow
	Facets   []facet
	Prev     string
	Next     string
	Searched bool
	Errors   formErrors
	// Export is the filter of the found documents for the evidence
	// export, when the user may take one ("" otherwise).
	Export string
}

type searchRow struct {
	search.Hit
	Badge   string
	Snippet []snippetPart
}

// snippetPart is a piece of a snippet, marked when it matched; the
// template escapes every piece, so no HTML of a document reaches the page.
type snippetPart struct {
	Text string
	Mark bool
}

type facet struct {
	Field  string
	Values []facetValue
}

type facetValue struct {
	Value  string
	Count  int
	Active bool
	Link   string // the search with this value added, or removed when active
}

const pageSize = 20

// searchPage is GET /api/v1/search as a page: the query lives in the URL,
// facet counts filter when clicked and clear when clicked again.
func (u *UI) searchPage(c echo.Context) error {
	qv := c.QueryParams()
	data := searchData{Query: qv, Q: qv.Get("q"), Searched: len(qv) > 0, Errors: formErrors{}}
	q, err := u.searchQuery(qv)
	if err == nil {
		data.Result, err = u.Search.Search(c.Request().Context(), q)
	}
	if err != nil {
		if dossier.ErrorCode(err) == dossier.EInternal {
			return err
		}
		// Only the fields of the form; a problem with a facet's value is
		// shown above the form.
		data.Errors = errorsFor(err, []string{"q", "date_from", "date_to", "amount_min", "amount_max", "sort"})
		return u.render(c, statusOf(err), "search", u.view(c, "search.title", data))
	}
	if usr, _ := u.currentUser(c); usr.HasRole(dossier.RoleAuditor, dossier.RoleAdmin) && data.Result.Total > 0 {
		data.Export = exportFilter(qv)
	}
	for _, h := range data.Result.Hits {
		data.Rows = append(data.Rows, searchRow{Hit: h, Badge: u.badge(dossier.Kind(h.Kind), h.State), Snippet: splitSnippet(h.Snippet)})
	}
	for _, field := range search.FacetFields {
		f := facet{Field: field}
		for value, n := range data.Result.Facets[field] {
			active := false
			for _, v := range qv[field] {
				active = active || v == value
			}
			f.Values = append(f.Values, facetValue{Value: value, Count: n, Active: active, Link: toggle(qv, field, value)})
		}
		sortFacet(f.Values)
		if len(f.Values) > 0 {
			data.Facets = append(data.Facets, f)
		}
	}
	if q.Offset > 0 {
		data.Prev = withOffset(qv, max(q.Offset-pageSize, 0))
	}
	if q.Offset+pageSize < data.Result.Total {
		data.Next = withOffset(qv, q.Offset+pageSize)
	}
	return u.render(c, http.StatusOK, "search", u.view(c, "search.title", data))
}

func (u *UI) searchQuery(qv url.Values) (search.Query, error) {
	q := search.Query{Q: strings.TrimSpace(qv.Get("q")), Kind: nonEmpty(qv["kind"]), State: nonEmpty(qv["state"]),
		Customer: nonEmpty(qv["customer"]), Currency: nonEmpty(qv["currency"]), DateFrom: qv.Get("date_from"),
		DateTo: qv.Get("date_to"), AmountMin: qv.Get("amount_min"), AmountMax: qv.Get("amount_max"),
		Sort: search.Sort(qv.Get("sort")), Limit: pageSize}
	for i, c := range q.Currency {
		q.Currency[i] = strings.ToUpper(c) // as the API reads it: usd is USD
	}
	if len(q.Q) > 1000 || !utf8.ValidString(q.Q) {
		return q, dossier.Errorf(dossier.EInvalid, "q: at most 1000 bytes of text")
	}
	if q.Sort == "" {
		q.Sort = search.SortRelevance
	}
	if o := qv.Get("offset"); o != "" {
		n, err := strconv.Atoi(o)
		if err != nil || n < 0 || n > 10000 {
			return q, dossier.Errorf(dossier.EInvalid, "offset=%s: use a number from 0 to 10000", dossier.Clip(o))
		}
		q.Offset = n
	}
	for _, p := range []struct{ name, v string }{{"amount_min", q.AmountMin}, {"amount_max", q.AmountMax}} {
		if _, err := dossier.ParseAmount(p.name, p.v); p.v != "" && err != nil {
			return q, err
		}
	}
	return q, nil
}

func nonEmpty(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func splitSnippet(s string) []snippetPart {
	var out []snippetPart
	for s != "" {
		i := strings.Index(s, search.MarkStart)
		if i < 0 {
			out = append(out, snippetPart{Text: html.UnescapeString(s)})
			break
		}
		if i > 0 {
			out = append(out, snippetPart{Text: html.UnescapeString(s[:i])})
		}
		s = s[i+len(search.MarkStart):]
		j := strings.Index(s, search.MarkEnd)
		if j < 0 {
			out = append(out, snippetPart{Text: html.UnescapeString(s), Mark: true})
			break
		}
		out = append(out, snippetPart{Text: html.UnescapeString(s[:j]), Mark: true})
		s = s[j+len(search.MarkEnd):]
	}
	return out
}

// toggle returns the query with value of field added, or removed when it is
// there, starting again from the first page.
func toggle(qv url.Values, field, value string) string {
	out := url.Values{}
	for k, v := range qv {
		if k != "offset" {
			out[k] = append([]string(nil), v...)
		}
	}
	var kept []string
	found := false
	for _, v := range out[field] {
		if v == value {
			found = true
			continue
		}
		kept = append(kept, v)
	}
	if !found {
		kept = append(kept, value)
	}
	out[field] = kept
	return "?" + out.Encode()
}

func withOffset(qv url.Values, offset int) string {
	out := url.Values{}
	for k, v := range qv {
		out[k] = v
	}
	out.Set("offset", strconv.Itoa(offset))
	return "?" + out.Encode()
}

func sortFacet(vs []facetValue) {
	for i := 1; i < len(vs); i++ {
		for j := i; j > 0 && (vs[j].Count > vs[j-1].Count || vs[j].Count == vs[j-1].Count && vs[j].Value < vs[j-1].Value); j-- {
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
}
