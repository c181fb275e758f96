package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
)

// viewJSON is a saved view as the API shows it: with its owner's name and
// the link that opens it.
type viewJSON struct {
	dossier.SavedView
	OwnerName string `json:"owner_name"`
	Link      string `json:"link"`
}

type viewRequest struct {
	Name   string `json:"name"`
	Query  string `json:"query"` // the query string of GET /api/v1/documents
	Shared bool   `json:"shared"`
}

func (h *handlers) listViews(c echo.Context) error {
	u, _ := currentUser(c)
	views, owners, err := h.Documents.Views(c.Request().Context(), u)
	if err != nil {
		return err
	}
	items := make([]viewJSON, len(views))
	for i, v := range views {
		items[i] = viewJSON{SavedView: v, OwnerName: ownerName(owners[v.Owner]), Link: viewLink(v)}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (h *handlers) saveView(c echo.Context) error {
	var req viewRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	v, err := h.Documents.SaveView(c.Request().Context(), u, req.Name, req.Query, req.Shared)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, viewJSON{SavedView: v, OwnerName: ownerName(dossier.UserName{Username: u.Username,
		DisplayName: u.DisplayName}), Link: viewLink(v)})
}

func (h *handlers) deleteView(c echo.Context) error {
	u, _ := currentUser(c)
	if err := h.Documents.DeleteView(c.Request().Context(), u, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// viewLink is the page that lists what the view selects.
func viewLink(v dossier.SavedView) string { return "/documents?" + v.Query }

// ownerName is how a person is named to others: the display name, else the username.
func ownerName(n dossier.UserName) string {
	if n.DisplayName != "" {
		return n.DisplayName
	}
	return n.Username
}
