package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
)

// maxJSONBody bounds JSON request bodies other than uploads.
const maxJSONBody = 1 << 20

// decodeJSON reads one JSON object from r into v, refusing unknown members,
// trailing data and bodies over maxJSONBody with a message that says what to fix.
func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(io.LimitReader(r, maxJSONBody+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return dossier.Errorf(dossier.EInvalid, "the body is empty: send a JSON object")
		case errors.As(err, &syntax):
			return dossier.Errorf(dossier.EInvalid, "the body is not valid JSON (at byte %d): %v", syntax.Offset, err)
		case errors.As(err, &typ):
			return dossier.Errorf(dossier.EInvalid, "member %q must be a JSON %s, not %s", typ.Field, typ.Type, typ.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			return dossier.Errorf(dossier.EInvalid, "the body has an %s: remove it", strings.TrimPrefix(err.Error(), "json: "))
		default:
			return dossier.Errorf(dossier.EInvalid, "the body cannot be read as JSON: %v", err)
		}
	}
	if dec.More() {
		return dossier.Errorf(dossier.EInvalid, "the body has data after the JSON object: send exactly one object")
	}
	if _, err := dec.Token(); err != nil && !errors.Is(err, io.EOF) {
		return dossier.Errorf(dossier.EInvalid, "the body has data after the JSON object: send exactly one object")
	}
	return nil
}

func bindJSON(c echo.Context, v any) error {
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" && !strings.HasPrefix(ct, "application/json") &&
		!strings.HasPrefix(ct, "application/merge-patch+json") {
		return dossier.Errorf(dossier.EUnsupportedMedia, "send the body as application/json, not %s", ct)
	}
	return decodeJSON(c.Request().Body, v)
}

// intParam reads an optional integer query parameter within [min, max].
func intParam(c echo.Context, name string, def, min, max int) (int, error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max {
		return 0, dossier.Errorf(dossier.EInvalid, "%s=%q: use a whole number from %d to %d", name, raw, min, max)
	}
	return n, nil
}

// ifMatchVersion reads the document version from If-Match ("3" or 3). A weak
// tag (W/"3") never matches: If-Match uses the strong comparison (RFC 9110
// §13.1.1), and a version is a strong validator of the document.
func ifMatchVersion(c echo.Context) (int, error) {
	raw := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if raw == "" {
		return 0, dossier.Errorf(dossier.EPreconditionRequired,
			"send If-Match with the document's ETag (its version) so that concurrent edits cannot overwrite each other")
	}
	if strings.HasPrefix(raw, "W/") {
		return 0, dossier.Errorf(dossier.EPreconditionFailed, "If-Match %s is a weak tag, which never matches: send the ETag of GET as it is", raw)
	}
	v := strings.Trim(raw, `"`)
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, dossier.Errorf(dossier.EPreconditionFailed, "If-Match %s is not a version of this document: use the ETag of GET", raw)
	}
	return n, nil
}

func etag(version int) string { return fmt.Sprintf(`"%d"`, version) }
