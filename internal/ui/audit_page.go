package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"dossier/internal/audit"
	"dossier/internal/dossier"
)

type auditData struct {
	Query  url.Values
	Events []dossier.AuditEvent
	Users  map[string]dossier.UserName
	Next   string // the link to the next page, "" at the end
	First  string // the link to the first page, when after_seq is refused
	Errors formErrors
}

const auditPage = 100

// auditLog is GET /api/v1/audit as a page: the trail with filters in the
// URL, oldest first, a page at a time after the last sequence number shown.
func (u *UI) auditLog(c echo.Context) error {
	q, L := c.QueryParams(), u.catalogs.localeOf(c)
	data := auditData{Query: q, Errors: formErrors{}}
	f := audit.Filter{DocumentID: q.Get("document_id"), Actor: q.Get("actor"), Limit: auditPage}
	for _, p := range []struct {
		name string
		dst  *time.Time
		end  bool
	}{{"since", &f.Since, false}, {"until", &f.Until, true}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.ParseInLocation(time.DateOnly, v, u.zoneOf(c))
			if err != nil {
				data.Errors[p.name] = L.T("audit.bad_date")
				continue
			}
			if p.end {
				t = t.AddDate(0, 0, 1) // the whole day
			}
			*p.dst = t
		}
	}
	if v := q.Get("after_seq"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			// after_seq comes from the next-page link, not the form.
			data.Errors["after_seq"] = L.T("common.bad_page")
			data.First = "/audit?" + without(q, "after_seq").Encode()
		}
		f.AfterSeq = n
	}
	if data.Errors.Any() {
		return u.render(c, http.StatusBadRequest, "audit", u.view(c, "audit.title", data))
	}
	events, users, err := u.Audit.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	data.Events, data.Users = events, users
	if len(events) == auditPage {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("after_seq", strconv.FormatInt(events[len(events)-1].Seq, 10))
		data.Next = "/audit?" + nq.Encode()
	}
	return u.render(c, http.StatusOK, "audit", u.view(c, "audit.title", data))
}

// verifyAudit is GET /api/v1/audit/verify behind a button: it reads the
// whole trail, so it is a POST that htmx sends and answers with the result.
func (u *UI) verifyAudit(c echo.Context) error {
	res, err := u.Audit.Verify(c.Request().Context(), audit.VerifyOptions{})
	if err != nil {
		return err
	}
	return u.fragment(c, http.StatusOK, "verify-result", u.view(c, "audit.title", res))
}
