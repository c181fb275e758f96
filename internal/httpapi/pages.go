package httpapi

import (
	"net/http"
	"os"
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
	f, err := os.Open(p.Path)
	if err != nil {
		return err
	}
	defer f.Close()
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentType, "image/png")
	hdr.Set("ETag", p.ETag())
	hdr.Set("X-Content-Type-Options", "nosniff")
	if version != 0 {
		hdr.Set("Cache-Control", "private, max-age=31536000, immutable")
	} else {
		hdr.Set("Cache-Control", "private, no-cache")
	}
	http.ServeContent(c.Response(), c.Request(), "", p.File.CreatedAt, f)
	return nil
}
