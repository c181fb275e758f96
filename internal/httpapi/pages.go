package httpapi

import (
	"github.com/labstack/echo/v4"

	"dossier/internal/preview"
)

// page answers GET /documents/{id}/pages/{page}: one page of a PDF version as
// a PNG image rendered on the server, cached as preview.Request says.
func (h *handlers) page(c echo.Context) error {
	req, err := preview.ParseRequest(c.Param("page"), c.QueryParam("version"), c.QueryParam("width"))
	if err != nil {
		return err
	}
	p, err := h.Preview.Page(c.Request().Context(), c.Param("id"), req.Version, req.Page, req.Width)
	if err != nil {
		return err
	}
	return p.Serve(c.Response(), c.Request(), req.CacheControl())
}
