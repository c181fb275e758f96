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
