package httpapi

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
	"dossier/internal/preview"
)

// page answers GET /documents/{id}/pages/{page}: one page of a PDF version as
// a PNG image rendered on the server. A page of a named version never
// changes, so it may be cached for good; the current version's may not.
func (h *handlers) page(c echo.Context) error {
	n, err := strconv.Atoi(c.Param("page"))
	if err != nil || n < 1 {
		return dossier.Errorf(dossier.EInvalid, "page %s: use a page number from 1", dossier.Clip(c.Param("page")))
	}
	version, err := intParam(c, "version", 0, 1, 1<<30)
	if err != nil {
		return err
	}
	width, err := intParam(c, "width", preview.DefaultWidth, 1, 10000)
	if err != nil {
		return err
	}
	p, err := h.Preview.Page(c.Request().Context(), c.Param("id"), version, n, width)
	if err != nil {
		return err
	}
	cache := "private, no-cache"
	if version != 0 {
		cache = "private, max-age=31536000, immutable"
	}
	return p.Serve(c.Response(), c.Request(), cache)
}
