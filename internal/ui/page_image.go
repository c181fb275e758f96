package ui

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
)

// pageImage serves a page of a PDF as an image, as GET
// /api/v1/documents/{id}/pages/{page} does: the page view shows the
// document on any phone without a PDF viewer.
func (u *UI) pageImage(c echo.Context) error {
	n, err := strconv.Atoi(c.Param("page"))
	if err != nil || n < 1 {
		return dossier.Errorf(dossier.EInvalid, "page %s: use a page number from 1", dossier.Clip(c.Param("page")))
	}
	var version, width int
	for name, v := range map[string]*int{"version": &version, "width": &width} {
		if raw := c.QueryParam(name); raw != "" {
			if *v, err = strconv.Atoi(raw); err != nil || *v < 1 {
				return dossier.Errorf(dossier.EInvalid, "%s=%s: use a whole number from 1", name, dossier.Clip(raw))
			}
		}
	}
	p, err := u.Preview.Page(c.Request().Context(), c.Param("id"), version, n, width)
	if err != nil {
		return err
	}
	return p.Serve(c.Response(), c.Request(), "private, max-age=3600")
}
