package ui

import (
	"mime"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"dossier/internal/evidence"
)

// exportFilter is the part of a search's query that selects documents, as
// evidence.FilterFromQuery reads it: the search page's paging and sort are
// not part of what an auditor takes away.
func exportFilter(q url.Values) string {
	f := url.Values{}
	for _, k := range []string{"q", "kind", "state", "customer", "currency", "date_from", "date_to", "amount_min", "amount_max"} {
		for _, v := range q[k] {
			if v != "" {
				f.Add(k, v)
			}
		}
	}
	return f.Encode()
}

// export is POST /api/v1/exports behind the search page's button: the
// documents the search found, as a signed evidence archive. A refused
// selection is a page; once the archive has started, a failure cuts the
// download (and is audited as incomplete), as on the API.
func (u *UI) export(c echo.Context) error {
	f, err := evidence.FilterFromQuery(c.FormValue("filter"))
	if err != nil {
		return err
	}
	sel := evidence.Selection{Filter: f}
	ctx := c.Request().Context()
	ids, err := u.Selector.Select(ctx, sel)
	if err != nil {
		return err
	}
	usr, _ := u.currentUser(c)
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/zip")
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": evidence.FileName(ids)}))
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	if _, err := u.Evidence.Export(ctx, usr, c.Response(), sel, ids); err != nil {
		u.Logger.ErrorContext(ctx, "evidence export cut short", "user", usr.Username, "documents", len(ids), "error", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}
