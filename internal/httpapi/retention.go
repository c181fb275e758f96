package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// retention answers what becomes purgeable when, per kind.
func (h *handlers) retention(c echo.Context) error {
	r, err := h.Retention.Report(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}
