package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
	"dossier/internal/lc"
)

type registerData struct {
	Rows     []lc.Row
	Query    url.Values
	Sorts    []string
	States   []string
	Message  string // the MT700 text sent to create an LC, shown again with its problem
	MsgError string
	Errors   formErrors
}

// lcRegister is GET /api/v1/letters-of-credit as a page: days to expiry,
// the presentation and examination deadlines, coloured by the urgency the
// service computes.
func (u *UI) lcRegister(c echo.Context) error {
	q := c.QueryParams()
	data := registerData{Query: q, Sorts: lc.Sorts, States: u.kindStates(dossier.KindLetterOfCredit), Errors: formErrors{}}
	f := lc.Filter{Bank: q.Get("bank"), State: q.Get("state"), Customer: q.Get("customer"), Sort: q.Get("sort")}
	if v := q.Get("expiring_within"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 3650 {
			data.Errors["expiring_within"] = "use a number of days from 0 to 3650"
			return u.render(c, http.StatusBadRequest, "lcs", u.view(c, "lc.title", data))
		}
		f.ExpiringWithin = &n
	}
	rows, err := u.LC.Register(c.Request().Context(), f)
	if err != nil {
		if dossier.ErrorCode(err) == dossier.EInternal {
			return err
		}
		data.Errors = errorsFor(err, []string{"bank", "state", "customer", "sort", "expiring_within"})
		return u.render(c, statusOf(err), "lcs", u.view(c, "lc.title", data))
	}
	data.Rows = rows
	return u.render(c, http.StatusOK, "lcs", u.view(c, "lc.title", data))
}

// createLC is POST /api/v1/letters-of-credit/mt700?create=true: the pasted
// MT700 becomes an LC, and the page of the new LC opens.
func (u *UI) createLC(c echo.Context) error {
	usr, _ := u.currentUser(c)
	text := c.FormValue("message")
	r, err := u.LC.Create(c.Request().Context(), usr, []byte(text))
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/documents/"+r.Document.ID)
	}
	if dossier.ErrorCode(err) == dossier.EInternal {
		return err
	}
	data := registerData{Query: url.Values{}, Sorts: lc.Sorts, States: u.kindStates(dossier.KindLetterOfCredit),
		Message: text, MsgError: dossier.ErrorMessage(err), Errors: formErrors{}}
	return u.render(c, statusOf(err), "lcs", u.view(c, "lc.title", data))
}

// fillFromMT700 reads a pasted MT700 on the upload page and shows the LC
// form filled with what the message says, for the user to check before
// uploading the file.
func (u *UI) fillFromMT700(c echo.Context) error {
	kind := string(dossier.KindLetterOfCredit)
	f, ok := u.metaForm(kind)
	if !ok {
		return dossier.Errorf(dossier.EInvalid, "no workflow defines letters of credit")
	}
	f.Message = strings.TrimSpace(c.FormValue("message"))
	m, err := lc.Parse([]byte(f.Message))
	var md dossier.Metadata
	if err == nil {
		md, err = lc.Metadata(m)
	}
	if err != nil {
		if dossier.ErrorCode(err) == dossier.EInternal {
			return err
		}
		f.Errors["message"] = dossier.ErrorMessage(err)
		return u.render(c, statusOf(err), "upload", u.view(c, "upload.title", f))
	}
	f.fillMeta(md)
	for _, w := range m.Warnings {
		f.Warnings = append(f.Warnings, w.Tag+": "+w.Message)
	}
	return u.render(c, http.StatusOK, "upload", u.view(c, "upload.title", f))
}

// kindStates lists the states of one kind, for its filters.
func (u *UI) kindStates(k dossier.Kind) []string {
	if def, ok := u.Engine.Definitions().Kind(k); ok {
		return def.States
	}
	return nil
}
