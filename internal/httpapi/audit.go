package httpapi

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"dossier/internal/audit"
	"dossier/internal/dossier"
)

// listAudit answers one page of the trail, as JSON or CSV. A full page
// carries the cursor of the next (next_after_seq, and a Link header of
// rel="next"); the last page has none.
func (h *handlers) listAudit(c echo.Context) error {
	limit, err := intParam(c, "limit", 1000, 1, 10000)
	if err != nil {
		return err
	}
	f := audit.Filter{DocumentID: c.QueryParam("document_id"), Actor: c.QueryParam("actor"), Action: c.QueryParam("action"), Limit: limit}
	if f.Since, err = timeParam(c, "since"); err != nil {
		return err
	}
	if f.Until, err = timeParam(c, "until"); err != nil {
		return err
	}
	after, err := intParam(c, "after_seq", 0, 0, 1<<62)
	if err != nil {
		return err
	}
	f.AfterSeq = int64(after)
	format := c.QueryParam("format")
	if format != "" && format != "json" && format != "csv" {
		return dossier.Errorf(dossier.EInvalid, "format=%s: use json or csv", dossier.Clip(format))
	}
	events, users, err := h.Audit.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	var next int64
	if len(events) == limit {
		next = events[len(events)-1].Seq
		q := c.Request().URL.Query()
		q.Set("after_seq", strconv.FormatInt(next, 10))
		u := url.URL{Path: c.Request().URL.Path, RawQuery: q.Encode()}
		c.Response().Header().Set("Link", "<"+u.String()+`>; rel="next"`)
	}
	if format == "csv" {
		return auditCSV(c, events, users)
	}
	body := map[string]any{"items": events, "users": users}
	if next > 0 {
		body["next_after_seq"] = next
	}
	return c.JSON(http.StatusOK, body)
}

// auditCSV writes events as CSV for a spreadsheet, with the actor's name
// beside the id.
func auditCSV(c echo.Context, events []dossier.AuditEvent, users map[string]dossier.UserName) error {
	c.Response().Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	c.Response().Header().Set("Content-Disposition", `attachment; filename="audit.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	_ = w.Write([]string{"seq", "time", "stream", "stream_seq", "actor", "actor_username", "action", "document_id", "details", "prev_hash", "hash"})
	for _, e := range events {
		_ = w.Write([]string{
			strconv.FormatInt(e.Seq, 10), e.Time.UTC().Format(time.RFC3339Nano), e.Stream, strconv.FormatInt(e.StreamSeq, 10),
			e.Actor, users[e.Actor].Username, e.Action, e.DocumentID, string(e.Details), e.PrevHash, e.Hash,
		})
	}
	w.Flush()
	return w.Error()
}

// timeParam reads an RFC 3339 time or a YYYY-MM-DD date (midnight UTC).
func timeParam(c echo.Context, name string) (time.Time, error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(layout, raw); err == nil {
			return t, nil
		}
	}
	return time.Time{}, dossier.Errorf(dossier.EInvalid, "%s=%s: use a date (2026-01-31) or an RFC 3339 time (2026-01-31T08:00:00Z)", name, dossier.Clip(raw))
}

// verifyAudit checks the chains, and against the stored checkpoints unless
// checkpoints=none (all by default; latest for the newest only).
func (h *handlers) verifyAudit(c echo.Context) error {
	res, err := h.Audit.Verify(c.Request().Context(), audit.VerifyOptions{Checkpoints: c.QueryParam("checkpoints")})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// writeCheckpoint writes a checkpoint now, whether or not a chain moved.
func (h *handlers) writeCheckpoint(c echo.Context) error {
	if h.Audit.Checkpoints == nil {
		return dossier.Errorf(dossier.EUnavailable, "this service writes no checkpoints")
	}
	u, _ := currentUser(c)
	w, _, err := h.Audit.Checkpoints.Write(c.Request().Context(), u.ID, true)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, w)
}
