package ui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
)

// editMetadata is PATCH /api/v1/documents/{id} with the version the form
// was made from as If-Match: a form older than the document is refused
// (412) and says that someone else changed it.
func (u *UI) editMetadata(c echo.Context) error {
	usr, _ := u.currentUser(c)
	version, err := strconv.Atoi(c.FormValue("version"))
	if err != nil {
		return dossier.Errorf(dossier.EInvalid, "the form lacks the version it was made from: reload the page")
	}
	mf, ok := u.metaForm(c.FormValue("kind"))
	if !ok {
		return dossier.Errorf(dossier.EInvalid, "kind=%s is unknown", dossier.Clip(c.FormValue("kind")))
	}
	mf.read(c.FormValue)
	d, err := u.Documents.Patch(c.Request().Context(), usr, c.Param("id"), version, mf.patch())
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/documents/"+d.ID+"?done=saved")
	}
	if code := dossier.ErrorCode(err); code == dossier.EInternal || code == dossier.ENotFound {
		return err
	}
	cur, allowed, rerr := u.Engine.Document(c.Request().Context(), usr, c.Param("id"))
	if rerr != nil {
		return rerr
	}
	data := u.docData(usr, cur, allowed)
	if dossier.ErrorCode(err) == dossier.EPreconditionFailed {
		data.Stale = true // the form shows the document as it is now
	} else {
		mf.Errors = errorsFor(err, mf.Names())
		data.Meta = mf // what the user typed, with the problem next to its field
	}
	return u.render(c, statusOf(err), "document", u.view(c, "document.title", data))
}
