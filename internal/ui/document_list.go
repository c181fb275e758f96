package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/documents"
	"dossier/internal/dossier"
	"dossier/internal/store"
)

type listData struct {
	Rows          []row
	Kinds, States []string
	Subtypes      []string
	Sorts         []string
	Q             url.Values // the filters as given, for the form
	Sort          string     // the order in effect
	SortCols      map[string]sortCol
	SearchURL     string // the same filters on the search page, which adds full text and facets
	Next          string // the query string of the next page; "" on the last
	First         bool
	FirstURL      string
	Errors        formErrors
	views
}

// listFields are the form fields a refusal of the list can name.
var listFields = []string{"kind", "state", "subtype", "customer", "currency", "date_from", "date_to", "amount_min", "amount_max", "sort", "cursor"}

// documentList is GET /api/v1/documents as a page: the filters live in the
// URL, so a filtered list is a link to share, and the next page is the same
// link with the cursor. ?view=ID opens a saved view: the link it keeps.
func (u *UI) documentList(c echo.Context) error {
	usr, _ := u.currentUser(c)
	q := c.QueryParams()
	if id := q.Get("view"); id != "" {
		v, err := u.Documents.View(c.Request().Context(), usr, id)
		if err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/documents?"+v.Query)
	}
	f, data, err := u.listPage(c, usr, q)
	if err != nil {
		return err
	}
	docs, next, err := u.Documents.List(c.Request().Context(), f)
	if err != nil {
		if dossier.ErrorCode(err) == dossier.EInternal {
			return err
		}
		data.Errors = errorsFor(err, listFields)
		if data.Errors.Of("cursor") != "" {
			// A cursor comes from a link, not the form: whatever is wrong
			// with it, the way on is the first page.
			data.Errors["cursor"] = u.catalogs.localeOf(c).T("common.bad_page")
			data.FirstURL = "/documents?" + without(q, "cursor").Encode()
		}
		return u.render(c, statusOf(err), "documents", u.view(c, "documents.title", data))
	}
	for _, d := range docs {
		data.Rows = append(data.Rows, u.row(d, nil))
	}
	data.SortCols = sortCols(q, data.Sort)
	if !data.First {
		data.FirstURL = "/documents?" + without(q, "cursor").Encode()
	}
	if next != "" {
		nq := without(q)
		nq.Set("cursor", next)
		data.Next = "/documents?" + nq.Encode()
	}
	return u.render(c, http.StatusOK, "documents", u.view(c, "documents.title", data))
}

// listPage reads the filters of q and fills what every documents page
// shows around the rows: the form's choices and the saved views.
func (u *UI) listPage(c echo.Context, usr dossier.User, q url.Values) (documents.Filter, *listData, error) {
	f := documents.FilterOf(q)
	f.Limit = 25
	data := &listData{Kinds: u.kinds(), States: u.states(), Subtypes: u.subtypes(string(f.Kind)), Q: q,
		Sort: string(f.Sort), First: q.Get("cursor") == "", Errors: formErrors{}}
	if data.Sort == "" {
		data.Sort = string(store.SortCreatedDesc)
	}
	for _, s := range store.DocumentSorts {
		data.Sorts = append(data.Sorts, string(s))
	}
	data.SearchURL = "/search?" + searchQuery(f).Encode()
	return f, data, u.loadViews(c, usr, &data.views, f.Query().Encode())
}

// sortCol is a column header that sorts: its link, and aria-sort's value
// when the list is in its order ("" when not).
type sortCol struct{ Link, AriaSort string }

// sortCols gives each sortable column the link that orders by it: the
// column's natural direction first, the other on a second click.
func sortCols(q url.Values, current string) map[string]sortCol {
	cols := map[string]sortCol{}
	for col, first := range map[string]string{"title": "title", "amount": "-amount", "date": "-date"} {
		s, c := first, sortCol{}
		if cur := store.DocumentSort(current); cur.Field() == col {
			c.AriaSort = map[bool]string{true: "descending", false: "ascending"}[cur.Desc()]
			if current == first {
				s = strings.TrimPrefix(first, "-")
				if s == first {
					s = "-" + first
				}
			}
		}
		lq := without(q, "cursor")
		lq.Set("sort", s)
		c.Link = "/documents?" + lq.Encode()
		cols[col] = c
	}
	return cols
}

// without copies q without the named parameters.
func without(q url.Values, names ...string) url.Values {
	out := url.Values{}
	for k, v := range q {
		if !slices.Contains(names, k) {
			out[k] = slices.Clone(v)
		}
	}
	return out
}

// searchQuery is f as parameters of the search page, which has no subtype
// nor a sort of its own beyond date.
func searchQuery(f documents.Filter) url.Values {
	sq := f.Query()
	sq.Del("subtype")
	if s := store.DocumentSort(sq.Get("sort")); s.Field() != "date" {
		sq.Del("sort")
	}
	return sq
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
