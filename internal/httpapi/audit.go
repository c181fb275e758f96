package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"dossier/internal/audit"
	"dossier/internal/dossier"
)

func (h *handlers) listAudit(c echo.Context) error {
	limit, err := intParam(c, "limit", 1000, 1, 10000)
	if err != nil {
		return err
	}
	f := audit.Filter{DocumentID: c.QueryParam("document_id"), Actor: c.QueryParam("actor"), Limit: limit}
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
	events, users, err := h.Audit.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": events, "users": users})
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

func (h *handlers) verifyAudit(c echo.Context) error {
	res, err := h.Audit.Verify(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}
