// Package httpapi is the JSON API of SPEC §11 on echo: routes, access rules,
// request decoding and the one place where errors become HTTP statuses and
// application/problem+json bodies.
package httpapi

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"dossier/internal/audit"
	"dossier/internal/auth"
	"dossier/internal/documents"
	"dossier/internal/dossier"
	"dossier/internal/engine"
	"dossier/internal/evidence"
	"dossier/internal/lc"
	"dossier/internal/preview"
	"dossier/internal/purge"
	"dossier/internal/search"
)

// Deps is what the API serves from.
type Deps struct {
	Auth      *auth.Service
	Audit     *audit.Trail
	Documents *documents.Service
	Engine    *engine.Engine
	LC        *lc.Service
	Watcher   *lc.Watcher
	Search    search.Index
	Jobs      ParkedJobs
	Retention *purge.Service // GET /api/v1/retention
	Preview   *preview.Service
	Selector  *evidence.Selector
	Evidence  *evidence.Exporter // POST /api/v1/exports; its Key is published at GET /api/v1/audit/key
	Logger    *slog.Logger
	Registry  *prometheus.Registry // /metrics; request metrics are registered on it
	MaxUpload int64
	// Ready checks every backend for /readyz.
	Ready func(ctx context.Context) error
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the
	// client (DOSSIER_TRUSTED_PROXIES); none means the peer is the client.
	TrustedProxies []*net.IPNet
	// Pages, when set, adds the web pages to the same server, behind the
	// same logging, metrics and client address as the API.
	Pages Mounter
}

// Mounter adds routes of its own to the server.
type Mounter interface {
	Mount(e *echo.Echo)
}

// ParkedJobs lists the background jobs that failed for good, and lets an
// admin run one again or dismiss it.
type ParkedJobs interface {
	Parked(ctx context.Context, limit int) ([]dossier.Job, error)
	Retry(ctx context.Context, id int64) (dossier.Job, error)
	Dismiss(ctx context.Context, id int64) error
}

// New returns the HTTP handler of the API.
func New(d Deps) http.Handler {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(d.Logger)
	e.IPExtractor = clientIP(d.TrustedProxies)
	h := &handlers{Deps: d}
	e.Use(middleware.RequestID())
	e.Use(requestLog(d.Logger))
	e.Use(requestMetrics(d.Registry))
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true}))
	e.Use(refuseControls)
	e.Use(h.authenticate)
	h.routes(e)
	if d.Pages != nil {
		d.Pages.Mount(e)
	}
	return e
}

// clientIP returns how the client address is read. It feeds the sign-in
// limiter, so a header is believed only when a trusted proxy sent it: then the
// client is the right-most X-Forwarded-For address that is not a trusted
// proxy (the ones left of it could be made up by the client). Echo trusts
// loopback and private ranges by default; here only the configured ones.
func clientIP(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// handlers holds the dependencies the handler methods use.
type handlers struct {
	Deps
}

func requestLog(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogURIPath: true, LogStatus: true, LogLatency: true, LogRequestID: true, LogError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			attrs := []slog.Attr{
				slog.String("method", v.Method), slog.String("path", v.URIPath), slog.Int("status", v.Status),
				slog.Float64("duration_ms", float64(v.Latency.Microseconds())/1000), slog.String("request_id", v.RequestID),
			}
			if u, ok := currentUser(c); ok {
				attrs = append(attrs, slog.String("user", u.Username))
			}
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	})
}

func requestMetrics(reg *prometheus.Registry) echo.MiddlewareFunc {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "dossier_http_requests_total", Help: "HTTP requests by route and status.",
	}, []string{"method", "route", "status"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "dossier_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: prometheus.DefBuckets,
	}, []string{"method", "route"})
	reg.MustRegister(requests, latency)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err) // writes the response now, so its status is known
			}
			status := c.Response().Status
			requests.WithLabelValues(c.Request().Method, c.Path(), http.StatusText(status)).Inc()
			latency.WithLabelValues(c.Request().Method, c.Path()).Observe(time.Since(start).Seconds())
			return nil
		}
	}
}

// refuseControls answers 400 to a URL whose path or query holds a control
// character (%00, %0A, …): no id, name or filter Dossier looks up contains
// one, and PostgreSQL cannot even compare text with NUL. The pages check
// their own URLs with CheckURL, to answer with a page.
func refuseControls(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if p := c.Path(); p != "" && !strings.HasPrefix(p, "/api/") {
			return next(c)
		}
		if err := CheckURL(c.Request().URL); err != nil {
			return err
		}
		return next(c)
	}
}

// CheckURL refuses a URL whose path or query holds a control character,
// naming where it is.
func CheckURL(u *url.URL) error {
	if i := strings.IndexFunc(u.Path, unicode.IsControl); i >= 0 {
		return dossier.Errorf(dossier.EInvalid, "the path holds the control character %U: remove it", []rune(u.Path[i:])[0])
	}
	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return dossier.Errorf(dossier.EInvalid, "the query string is malformed (%s): escape %% as %%25", dossier.Clip(err.Error()))
	}
	for name, values := range query {
		for _, v := range append([]string{name}, values...) {
			if i := strings.IndexFunc(v, unicode.IsControl); i >= 0 {
				return dossier.Errorf(dossier.EInvalid, "the query parameter %s holds the control character %U: remove it",
					dossier.Clip(name), []rune(v[i:])[0])
			}
		}
	}
	return nil
}
