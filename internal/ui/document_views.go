package ui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/documents"
	"dossier/internal/dossier"
)

// views is the saved-views part of the documents page.
type views struct {
	Own, Shared []viewRow
	ViewQuery   string // the current filters as a view keeps them
	ViewName    string // what was typed in the save form, shown again after a refusal
	ViewShared  bool
	ViewError   string
}

// viewRow is one saved view as a link.
type viewRow struct {
	ID, Name, Link, Owner string
	Shared, Current       bool
}

// loadViews lists the user's views and the shared ones; current is the
// query of the filters on screen, whose view is marked.
func (u *UI) loadViews(c echo.Context, usr dossier.User, v *views, current string) error {
	list, owners, err := u.Documents.Views(c.Request().Context(), usr)
	if err != nil {
		return err
	}
	v.ViewQuery = current
	for _, sv := range list {
		r := viewRow{ID: sv.ID, Name: sv.Name, Link: "/documents?" + sv.Query, Shared: sv.Shared, Current: sv.Query == current}
		if sv.Owner == usr.ID {
			v.Own = append(v.Own, r)
			continue
		}
		r.Owner = owners[sv.Owner].DisplayName
		if r.Owner == "" {
			r.Owner = owners[sv.Owner].Username
		}
		v.Shared = append(v.Shared, r)
	}
	return nil
}

// saveView is POST /api/v1/views as a form: it saves the filters on screen
// and shows the list they select, with the new view marked; a refusal
// shows the list again with the message next to the name.
func (u *UI) saveView(c echo.Context) error {
	usr, _ := u.currentUser(c)
	query := c.FormValue("query")
	name, shared := strings.TrimSpace(c.FormValue("name")), c.FormValue("shared") == "on"
	v, err := u.Documents.SaveView(c.Request().Context(), usr, name, query, shared)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/documents?"+v.Query)
	}
	if code := dossier.ErrorCode(err); code == dossier.EInternal || code == dossier.EUnavailable {
		return err
	}
	q, _ := url.ParseQuery(query)
	q.Del("cursor")
	f, data, lerr := u.listPage(c, usr, q)
	if lerr != nil {
		return lerr
	}
	data.ViewName, data.ViewShared, data.ViewError = name, shared, dossier.ErrorMessage(err)
	if docs, _, lerr := u.Documents.List(c.Request().Context(), f); lerr == nil {
		for _, d := range docs {
			data.Rows = append(data.Rows, u.row(d, nil))
		}
	}
	return u.render(c, statusOf(err), "documents", u.view(c, "documents.title", data))
}

// deleteView is DELETE /api/v1/views/{id} as a form; only the owner may.
func (u *UI) deleteView(c echo.Context) error {
	usr, _ := u.currentUser(c)
	if err := u.Documents.DeleteView(c.Request().Context(), usr, c.Param("id")); err != nil {
		return err
	}
	// Back to the list that was on screen, rebuilt from its filters alone.
	q, _ := url.ParseQuery(c.FormValue("query"))
	back := "/documents"
	if fq := documents.FilterOf(q).Query().Encode(); fq != "" {
		back += "?" + fq
	}
	return c.Redirect(http.StatusSeeOther, back)
}
