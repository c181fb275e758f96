package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
)

// The panels of the document page load on their own (htmx), one service
// call each, as the API's sub-resources of a document do.

type historyData struct {
	Entries []dossier.HistoryEntry
	Users   map[string]dossier.UserName
}

func (u *UI) historyPanel(c echo.Context) error {
	entries, users, err := u.Engine.History(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return u.fragment(c, http.StatusOK, "history-panel", u.view(c, "document.history", historyData{entries, users}))
}

func (u *UI) approvalsPanel(c echo.Context) error {
	a, err := u.Engine.Approvals(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return u.fragment(c, http.StatusOK, "approvals-panel", u.view(c, "document.approvals", a))
}

func (u *UI) reviewsPanel(c echo.Context) error {
	r, err := u.Engine.Reviews(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return u.fragment(c, http.StatusOK, "reviews-panel", u.view(c, "document.reviews", r))
}

type versionsData struct {
	ID    string
	Files []dossier.FileVersion
}

func (u *UI) versionsPanel(c echo.Context) error {
	files, err := u.Documents.Versions(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return u.fragment(c, http.StatusOK, "versions-panel", u.view(c, "document.versions", versionsData{c.Param("id"), files}))
}

func (u *UI) linksPanel(c echo.Context) error {
	links, err := u.Documents.Links(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return u.fragment(c, http.StatusOK, "links-panel", u.view(c, "document.links", links))
}
