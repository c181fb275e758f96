package ui

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
	"dossier/internal/engine"
)

// The smaller actions of the document page. Each is one call of the
// service the API route of the same name calls; a refusal shows the page
// again with the message next to the form that was sent.

func (u *UI) review(c echo.Context) error {
	usr, _ := u.currentUser(c)
	r := engine.ReviewRequest{Department: c.FormValue("department"), Decision: c.FormValue("decision"),
		Comment: strings.TrimSpace(c.FormValue("comment"))}
	_, err := u.Engine.Review(c.Request().Context(), usr, c.Param("id"), r)
	return u.afterAction(c, err, "reviewed", func(d *docData, msg string) { d.ReviewError = msg })
}

func (u *UI) addLink(c echo.Context) error {
	usr, _ := u.currentUser(c)
	_, err := u.Documents.Link(c.Request().Context(), usr, c.Param("id"), strings.TrimSpace(c.FormValue("target_id")),
		dossier.Relation(c.FormValue("relation")))
	return u.afterAction(c, err, "linked", func(d *docData, msg string) { d.LinkError = msg })
}

func (u *UI) legalHold(c echo.Context) error {
	usr, _ := u.currentUser(c)
	on := c.FormValue("on") == "true"
	_, err := u.Documents.LegalHold(c.Request().Context(), usr, c.Param("id"), on, strings.TrimSpace(c.FormValue("reason")))
	return u.afterAction(c, err, "hold", func(d *docData, msg string) { d.HoldError = msg })
}

// addVersion is POST /api/v1/documents/{id}/versions: the file is streamed
// to the service as the upload page's is.
func (u *UI) addVersion(c echo.Context) error {
	usr, _ := u.currentUser(c)
	req := c.Request()
	req.Body = http.MaxBytesReader(c.Response(), req.Body, u.MaxUpload+2<<20)
	mr, err := req.MultipartReader()
	if err != nil {
		return dossier.Errorf(dossier.EInvalid, "send the form as multipart/form-data with a file")
	}
	_, err = u.Documents.UploadVersion(req.Context(), usr, c.Param("id"), &versionForm{mr: mr})
	return u.afterAction(c, err, "version", func(d *docData, msg string) { d.VersionErr = msg })
}

// afterAction goes back to the document page, or shows it with the
// service's refusal placed by place.
func (u *UI) afterAction(c echo.Context, err error, done string, place func(*docData, string)) error {
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/documents/"+c.Param("id")+"?done="+done)
	}
	if code := dossier.ErrorCode(err); code == dossier.EInternal || code == dossier.ENotFound {
		return err
	}
	usr, _ := u.currentUser(c)
	d, allowed, rerr := u.Engine.Document(c.Request().Context(), usr, c.Param("id"))
	if rerr != nil {
		return rerr
	}
	data := u.docData(usr, d, allowed)
	place(data, dossier.ErrorMessage(err))
	return u.render(c, statusOf(err), "document", u.view(c, "document.title", data))
}
