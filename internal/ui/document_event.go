package ui

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/doa"
	"dossier/internal/dossier"
	"dossier/internal/engine"
)

// fireEvent is POST /api/v1/documents/{id}/events from a button of the
// document page: the checklist boxes and payload fields become the payload,
// and the version the page showed is the If-Match, so that a page left open
// while someone else acted cannot fire on a document it no longer shows.
func (u *UI) fireEvent(c echo.Context) error {
	usr, _ := u.currentUser(c)
	form, err := c.FormParams()
	if err != nil {
		return dossier.Errorf(dossier.EInvalid, "the form is malformed: %v", err)
	}
	f := engine.Fire{Event: form.Get("event"), Comment: strings.TrimSpace(form.Get("comment"))}
	if v, err := strconv.Atoi(form.Get("version")); err == nil {
		f.IfMatch = &v
	}
	f.Payload = payloadOf(form)
	d, _, err := u.Engine.Fire(c.Request().Context(), usr, c.Param("id"), f)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/documents/"+d.ID+"?done="+url.QueryEscape(f.Event))
	}
	if dossier.ErrorCode(err) == dossier.EInternal || dossier.ErrorCode(err) == dossier.ENotFound {
		return err
	}
	// Show the page as it is now, with the refusal next to the button.
	cur, allowed, rerr := u.Engine.Document(c.Request().Context(), usr, c.Param("id"))
	if rerr != nil {
		return rerr
	}
	data := u.docData(usr, cur, allowed)
	msg := dossier.ErrorMessage(err)
	if re := (*doa.RateError)(nil); errors.As(err, &re) {
		// The API's message names the endpoint that sets the rate; a page
		// user is told, in their language, where an admin sets it.
		msg = u.catalogs.localeOf(c).T("approvals.no_rate", "Currency", re.Currency)
	}
	if un := (*engine.Unticked)(nil); errors.As(err, &un) {
		L := u.catalogs.localeOf(c)
		labels := make([]string, len(un.Items))
		for i, item := range un.Items {
			labels[i] = L.Name("check", item) // as the boxes are labelled
		}
		msg = L.T("document.checklist_open", "Items", strings.Join(labels, "; "))
	}
	if f.IfMatch != nil && *f.IfMatch != cur.Version {
		// The stale notice says what happened and what to do; the engine's
		// "at version 2, not 1" beside the button (a double click gets it)
		// would only repeat it in the API's words.
		data.Stale = true
		return u.render(c, statusOf(err), "document", u.view(c, "document.title", data))
	}
	placed := false
	for _, list := range [][]eventForm{data.Events, data.Blocked} {
		for i := range list {
			if list[i].Name == f.Event {
				list[i].Error, placed = msg, true
			}
		}
	}
	if !placed {
		data.Blocked = append(data.Blocked, eventForm{Name: f.Event, Error: msg})
	}
	return u.render(c, statusOf(err), "document", u.view(c, "document.title", data))
}

// payloadOf reads check.<item> boxes as true and payload.<name> fields as
// the type the event declares.
func payloadOf(form url.Values) json.RawMessage {
	p := map[string]any{}
	for key, vals := range form {
		if item, ok := strings.CutPrefix(key, "check."); ok && len(vals) > 0 && vals[0] != "" {
			p[item] = true
		}
		if name, ok := strings.CutPrefix(key, "payload."); ok && len(vals) > 0 && strings.TrimSpace(vals[0]) != "" {
			p[name] = strings.TrimSpace(vals[0])
			if t := form.Get("type." + name); t != "" {
				p[name] = typed(dossier.FieldType(t), strings.TrimSpace(vals[0]))
			}
		}
	}
	if len(p) == 0 {
		return nil
	}
	b, _ := json.Marshal(p)
	return b
}
