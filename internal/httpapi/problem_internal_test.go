package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// A request whose client went away is no failure of the service: it is
// logged at info as 499, not as an error with a 500; the same cancellation
// while the client still waits stays an internal error.
func TestClientGoneIsNoServerError(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		clientGone bool
		want       int
		wantLevel  string
	}{
		{"client gone", true, StatusClientClosed, "level=INFO"},
		{"client waiting", false, http.StatusInternalServerError, "level=ERROR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			ctx, cancel := context.WithCancel(context.Background())
			if tc.clientGone {
				cancel()
			} else {
				defer cancel()
			}
			req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/v1/documents/x", nil)
			rec := httptest.NewRecorder()
			c := echo.New().NewContext(req, rec)
			errorHandler(slog.New(slog.NewTextHandler(&logs, nil)))(fmt.Errorf("begin transaction: %w", context.Canceled), c)
			if rec.Code != tc.want || !strings.Contains(logs.String(), tc.wantLevel) {
				t.Errorf("status %d, log %q; want %d logged at %s", rec.Code, logs.String(), tc.want, tc.wantLevel)
			}
		})
	}
}
