package ui

import (
	"github.com/labstack/echo/v4"

	"dossier/internal/preview"
)

// pageImage serves a page of a PDF as an image, as GET
// /api/v1/documents/{id}/pages/{page} does: the page view shows the
// document on any phone without a PDF viewer.
func (u *UI) pageImage(c echo.Context) error {
	req, err := preview.ParseRequest(c.Param("page"), c.QueryParam("version"), c.QueryParam("width"))
	if err != nil {
		return err
	}
	p, err := u.Preview.Page(c.Request().Context(), c.Param("id"), req.Version, req.Page, req.Width)
	if err != nil {
		return err
	}
	return p.Serve(c.Response(), c.Request(), req.CacheControl())
}
