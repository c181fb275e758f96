package httpapi

import (
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"dossier/internal/evidence"
)

// export streams an evidence archive (SPEC §8). The selection is checked
// before the first byte is sent, so a bad filter, an unknown id or an empty
// selection is an ordinary problem answer; a failure while streaming can
// only cut the connection, which the client sees as a broken download
// rather than as a complete-looking archive.
func (h *handlers) export(c echo.Context) error {
	var sel evidence.Selection
	if err := bindJSON(c, &sel); err != nil {
		return err
	}
	ctx := c.Request().Context()
	ids, err := h.Selector.Select(ctx, sel)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentType, "application/zip")
	hdr.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": evidence.FileName(ids)}))
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	c.Response().WriteHeader(http.StatusOK)
	c.Response().Flush() // the download starts now, while the first documents are read
	if _, err := h.Evidence.Export(ctx, u, c.Response(), sel, ids); err != nil {
		h.Logger.ErrorContext(ctx, "evidence export cut short", "user", u.Username, "documents", len(ids), "error", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

// auditKey publishes the public key that signs export manifests and audit
// checkpoints, for auditors to pin.
func (h *handlers) auditKey(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{
		"algorithm": "Ed25519", "public_key": h.Evidence.Key.PublicText(), "key_id": h.Evidence.Key.ID(),
	})
}
