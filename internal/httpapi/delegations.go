package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"dossier/internal/engine"
)

func (h *handlers) delegate(c echo.Context) error {
	var req engine.DelegationRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	d, err := h.Engine.Delegate(c.Request().Context(), u, c.Param("id"), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d)
}

func (h *handlers) listDelegations(c echo.Context) error {
	u, _ := currentUser(c)
	items, err := h.Engine.Delegations(c.Request().Context(), u, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (h *handlers) revokeDelegation(c echo.Context) error {
	u, _ := currentUser(c)
	if err := h.Engine.Revoke(c.Request().Context(), u, c.Param("id"), c.Param("delegation")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
