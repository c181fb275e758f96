package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
)

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[dossier.Code]int{
	dossier.EInvalid:              http.StatusBadRequest,
	dossier.EUnprocessable:        http.StatusUnprocessableEntity,
	dossier.ENotFound:             http.StatusNotFound,
	dossier.EConflict:             http.StatusConflict,
	dossier.ELocked:               http.StatusLocked,
	dossier.EPreconditionFailed:   http.StatusPreconditionFailed,
	dossier.EPreconditionRequired: http.StatusPreconditionRequired,
	dossier.EUnauthorized:         http.StatusUnauthorized,
	dossier.EForbidden:            http.StatusForbidden,
	dossier.ETooLarge:             http.StatusRequestEntityTooLarge,
	dossier.EUnsupportedMedia:     http.StatusUnsupportedMediaType,
	dossier.ETooManyRequests:      http.StatusTooManyRequests,
	dossier.EUnavailable:          http.StatusServiceUnavailable,
	dossier.EInternal:             http.StatusInternalServerError,
}

// unavailableRetry is the Retry-After, in seconds, of a 503 whose cause
// does not know better: about how long a backend takes to restart.
const unavailableRetry = 5

// maxDetail bounds the length of a problem's detail, in bytes.
const maxDetail = 1000

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

// StatusClientClosed is the status logged for a request whose client went
// away before the answer: not a status any client sees.
const StatusClientClosed = 499

func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		if ctx := c.Request().Context(); ctx.Err() != nil && errors.Is(err, context.Canceled) {
			// The client went away: no failure of the service, and no one
			// reads an answer. 499 (as proxies log it) keeps it out of the 5xx.
			log.InfoContext(ctx, "client closed the request", "err", err,
				"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
			c.Response().WriteHeader(StatusClientClosed)
			return
		}
		p := problemOf(err)
		if p.Status >= 500 {
			log.ErrorContext(c.Request().Context(), "request failed", "err", err,
				"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		}
		if p.Status == http.StatusUnauthorized {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="dossier"`)
		}
		var retry interface{ RetryAfter() time.Duration }
		switch {
		case errors.As(err, &retry):
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(retry.RetryAfter().Seconds())))
		case p.Status == http.StatusServiceUnavailable:
			// A backend is down: clients and proxies should come back soon,
			// not give up nor hammer.
			c.Response().Header().Set("Retry-After", strconv.Itoa(unavailableRetry))
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(p.Status)
			return
		}
		body, _ := json.Marshal(p)
		_ = c.Blob(p.Status, "application/problem+json", body)
	}
}

// Status is the HTTP status of err, as the API answers it; the web pages
// answer with the same one.
func Status(err error) int { return problemOf(err).Status }

// problemOf turns err into the problem the caller sees; internal errors say nothing of their cause.
func problemOf(err error) Problem {
	var he *echo.HTTPError
	var tooLarge *http.MaxBytesError
	status, typ, detail := 0, "", ""
	switch {
	case errors.As(err, &tooLarge):
		status, typ, detail = http.StatusRequestEntityTooLarge, string(dossier.ETooLarge), "the request body is larger than allowed"
	case errors.As(err, &he):
		status, typ = he.Code, fmt.Sprintf("http-%d", he.Code)
		detail, _ = he.Message.(string)
	default:
		code := dossier.ErrorCode(err)
		status, typ, detail = statusOf[code], string(code), dossier.ErrorMessage(err)
	}
	if detail == "" {
		detail = http.StatusText(status)
	}
	// A message that quotes what the client sent must not send a huge
	// input back: messages clip what they quote, and this catches any that do not.
	if len(detail) > maxDetail {
		detail = strings.ToValidUTF8(detail[:maxDetail], "") + "…"
	}
	return Problem{Type: "/problems/" + typ, Title: http.StatusText(status), Status: status, Detail: detail}
}
