package ui

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
	"dossier/internal/lc"
	"dossier/internal/swift"
)

// The letter of credit's part of its document page (SPEC §7): its panel
// shows the credit as the bank wrote it, its deadlines, amendments and
// discrepancies; its forms record an MT707, settle it, and check a
// presentation before the bank does. Each calls the lc.Service function
// the API route of the same purpose calls.

// lcPanelData is the LC panel.
type lcPanelData struct {
	ID         string
	Row        lc.Row
	HasMessage bool
	Fields     []swift.Field // the MT700's tags in the order written
	Amendments []amendmentView
	CanSettle  bool
}

// amendmentView is one MT707 with what it changes.
type amendmentView struct {
	dossier.Amendment
	Date    string
	Changes []swift.Field
}

// lcForms are the LC section's forms on the document page, with what was
// sent and the service's answer.
type lcForms struct {
	Message     string // the MT707 sent, shown again with its problem
	AmendError  string
	SettleError string
	CheckOn     string // the presentation date checked (default today)
	CheckError  string
	Checked     bool
	Findings    []lc.Finding
}

// amendmentHeader are the tags of an MT707 that identify it rather than
// change the credit: the list shows them as its number and date.
var amendmentHeader = []string{"20", "21", "23", "26E", "27", "30", "52A", "52D"}

func (u *UI) lcPanel(c echo.Context) error {
	usr, _ := u.currentUser(c)
	ctx, id := c.Request().Context(), c.Param("id")
	o, err := u.LC.Overview(ctx, id)
	if err != nil {
		return err
	}
	data := lcPanelData{ID: id, Row: o.Row, HasMessage: o.HasMessage, Fields: o.Message.Fields,
		CanSettle: usr.HasRole(dossier.RoleBankLiaison)}
	for _, a := range o.Amendments {
		data.Amendments = append(data.Amendments, amendmentOf(a))
	}
	return u.fragment(c, http.StatusOK, "lc-panel", u.view(c, "lcpage.title", data))
}

// amendmentOf reads the parsed MT707 an amendment keeps.
func amendmentOf(a dossier.Amendment) amendmentView {
	v := amendmentView{Amendment: a}
	var m swift.Message
	if json.Unmarshal(a.Message, &m) != nil {
		return v
	}
	if m.Amendment != nil && !m.Amendment.AmendmentDate.IsZero() {
		v.Date = m.Amendment.AmendmentDate.String()
	}
	for _, f := range m.Fields {
		if !slices.Contains(amendmentHeader, f.Tag) {
			v.Changes = append(v.Changes, f)
		}
	}
	return v
}

// amendLC is POST /api/v1/documents/{id}/amendments: the pasted MT707
// becomes the LC's pending amendment.
func (u *UI) amendLC(c echo.Context) error {
	usr, _ := u.currentUser(c)
	text := c.FormValue("message")
	_, err := u.LC.Amend(c.Request().Context(), usr, c.Param("id"), []byte(text))
	return u.afterLCAction(c, err, "amended", func(f *lcForms, msg string) { f.Message, f.AmendError = text, msg })
}

// settleAmendment is POST /api/v1/documents/{id}/amendments/{a}/accept or
// /reject, by the form's accept (true or false).
func (u *UI) settleAmendment(c echo.Context) error {
	usr, _ := u.currentUser(c)
	var err error
	switch v := c.FormValue("accept"); v {
	case "true", "false":
		_, err = u.LC.Settle(c.Request().Context(), usr, c.Param("id"), c.Param("amendment"), v == "true")
	default:
		err = dossier.Errorf(dossier.EInvalid, "accept %s: use true (accept) or false (reject)", dossier.Clip(v))
	}
	return u.afterLCAction(c, err, "settled", func(f *lcForms, msg string) { f.SettleError = msg })
}

// afterLCAction is afterAction for the LC section's forms; sent for a
// document that is no LC, the refusal is the error page.
func (u *UI) afterLCAction(c echo.Context, err error, done string, place func(*lcForms, string)) error {
	if err != nil && dossier.ErrorCode(err) != dossier.EInternal {
		usr, _ := u.currentUser(c)
		if d, _, rerr := u.Engine.Document(c.Request().Context(), usr, c.Param("id")); rerr == nil && d.Kind != dossier.KindLetterOfCredit {
			return err
		}
	}
	return u.afterAction(c, err, done, func(d *docData, msg string) { place(d.LC, msg) })
}

// presentationCheck is GET /api/v1/documents/{id}/presentation-check: the
// document page with the likely discrepancies of a presentation on the
// date given.
func (u *UI) presentationCheck(c echo.Context) error {
	usr, _ := u.currentUser(c)
	d, allowed, err := u.Engine.Document(c.Request().Context(), usr, c.Param("id"))
	if err != nil {
		return err
	}
	data := u.docData(usr, d, allowed)
	if data.LC == nil {
		return dossier.Errorf(dossier.EUnprocessable, "document %s is a %s, not a letter_of_credit", d.ID, d.Kind)
	}
	on := strings.TrimSpace(c.QueryParam("presentation_date"))
	if on != "" {
		data.LC.CheckOn = on
	}
	status := http.StatusOK
	if _, perr := time.Parse(time.DateOnly, on); on != "" && perr != nil {
		status, data.LC.CheckError = http.StatusBadRequest, "presentation_date "+dossier.Clip(on)+": use a date like 2026-03-10"
	} else if data.LC.Findings, err = u.LC.Check(c.Request().Context(), d.ID, on); err != nil {
		if dossier.ErrorCode(err) == dossier.EInternal {
			return err
		}
		status, data.LC.CheckError = statusOf(err), dossier.ErrorMessage(err)
	} else {
		data.LC.Checked = true
	}
	return u.render(c, status, "document", u.view(c, "document.title", data))
}

// SwiftTag is the name of a SWIFT field in the user's language: the
// message type's own name for it (an MT707's 32B is an increase), else the
// field's, else the field's with its option letter as "a" (57A, 57D: 57a).
// A tag no catalog names has no label: the tag alone is shown.
func (l *locale) SwiftTag(mt, tag string) string {
	ids := []string{"lcpage.mt" + mt + "." + tag, "lcpage.tag." + tag}
	if n := len(tag); n > 2 && tag[n-1] >= 'A' && tag[n-1] <= 'Z' {
		ids = append(ids, "lcpage.tag."+tag[:n-1]+"a")
	}
	for _, id := range ids {
		if l.cats.ids[id] {
			return l.T(id)
		}
	}
	return ""
}
