package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
	"dossier/internal/engine"
)

func (h *handlers) fireEvent(c echo.Context) error {
	var req engine.Fire
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.Event == "" {
		return dossier.Errorf(dossier.EInvalid, "event is missing: name the event to fire")
	}
	if c.Request().Header.Get("If-Match") != "" {
		v, err := ifMatchVersion(c)
		if err != nil {
			return err
		}
		req.IfMatch = &v
	}
	u, _ := currentUser(c)
	d, allowed, err := h.Engine.Fire(c.Request().Context(), u, c.Param("id"), req)
	if err != nil {
		return err
	}
	return documentJSON(c, http.StatusOK, d, allowed)
}

func (h *handlers) history(c echo.Context) error {
	entries, users, err := h.Engine.History(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": entries, "users": users})
}

func (h *handlers) approvals(c echo.Context) error {
	a, err := h.Engine.Approvals(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

func (h *handlers) reviews(c echo.Context) error {
	r, err := h.Engine.Reviews(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (h *handlers) review(c echo.Context) error {
	var req engine.ReviewRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	r, err := h.Engine.Review(c.Request().Context(), u, c.Param("id"), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

type legalHoldRequest struct {
	On     *bool  `json:"on"`
	Reason string `json:"reason"`
}

func (h *handlers) legalHold(c echo.Context) error {
	var req legalHoldRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.On == nil {
		return dossier.Errorf(dossier.EInvalid, "on is missing: send true to set the hold, false to clear it")
	}
	u, _ := currentUser(c)
	d, err := h.Documents.LegalHold(c.Request().Context(), u, c.Param("id"), *req.On, req.Reason)
	if err != nil {
		return err
	}
	return h.documentResponse(c, http.StatusOK, u, d)
}

func (h *handlers) inbox(c echo.Context) error {
	u, _ := currentUser(c)
	docs, err := h.Engine.Inbox(c.Request().Context(), u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": docs})
}

func (h *handlers) listWorkflows(c echo.Context) error {
	defs := h.Engine.Definitions()
	var out []any
	for _, k := range defs.Kinds() {
		d, _ := defs.Kind(k)
		out = append(out, d)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": out})
}

func (h *handlers) getWorkflow(c echo.Context) error {
	d, ok := h.Engine.Definitions().Kind(dossier.Kind(c.Param("kind")))
	if !ok {
		return dossier.Errorf(dossier.ENotFound, "no workflow for kind %q", c.Param("kind"))
	}
	return c.JSON(http.StatusOK, d)
}

// documentResponse answers with a document, its ETag and the caller's allowed events.
func (h *handlers) documentResponse(c echo.Context, status int, u dossier.User, d dossier.Document) error {
	events, err := h.Engine.Allowed(c.Request().Context(), u, d)
	if err != nil {
		return err
	}
	return documentJSON(c, status, d, events)
}

// documentJSON answers with a document, its ETag and the allowed events
// read with it.
func documentJSON(c echo.Context, status int, d dossier.Document, allowed []string) error {
	c.Response().Header().Set("ETag", etag(d.Version))
	return c.JSON(status, documentView{Document: d, AllowedEvents: allowed})
}
