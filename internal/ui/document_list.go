package ui

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"dossier/internal/documents"
	"dossier/internal/dossier"
)

type listData struct {
	Rows          []row
	Kinds, States []string
	Kind, State   string
	Customer      string
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
		Customer: q.Get("customer"), First: q.Get("cursor") == ""}
	f := documents.Filter{Kind: dossier.Kind(data.Kind), State: data.State, Customer: data.Customer, Cursor: q.Get("cursor"), Limit: 25}
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
