// Package ui is the web application of SPEC §12: server-rendered pages for
// the people who upload, review, approve, track and audit documents. The
// pages call the same services as the JSON API (one call per request; the
// panels of a document page load on their own), with the same access rules
// and the same problem messages, shown next to the field they name.
//
// Every route is in this file; each handler sits in a small file of its own.
package ui

import (
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"dossier/internal/audit"
	"dossier/internal/auth"
	"dossier/internal/documents"
	"dossier/internal/dossier"
	"dossier/internal/engine"
	"dossier/internal/lc"
	"dossier/internal/search"
	"dossier/web"
)

// Deps is what the pages serve from: the services the API uses.
type Deps struct {
	Auth      *auth.Service
	Documents *documents.Service
	Engine    *engine.Engine
	Search    search.Index
	LC        *lc.Service
	Audit     *audit.Trail
	Logger    *slog.Logger
	MaxUpload int64
	// TimeZone shows times when the browser has not said its own.
	TimeZone *time.Location
}

// UI serves the pages.
type UI struct {
	Deps
	pages    *pages
	catalogs *catalogs
}

// New parses the templates and loads the catalogs.
func New(d Deps) (*UI, error) {
	if d.TimeZone == nil {
		d.TimeZone = time.UTC
	}
	cats, err := loadCatalogs(web.Locales)
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	p, err := parsePages(web.Templates)
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	return &UI{Deps: d, pages: p, catalogs: cats}, nil
}

// Mount adds the pages to e. Pages that change something are POSTs with a
// CSRF token; pages for signed-in users go through signedIn.
func (u *UI) Mount(e *echo.Echo) {
	static, _ := fs.Sub(web.Static, "static")
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static)))))

	e.GET("/", u.handle(u.home))
	e.GET("/sign-in", u.handle(u.signInPage))
	e.POST("/sign-in", u.handle(u.signIn), sameOrigin)
	e.POST("/language", u.handle(u.setLanguage), sameOrigin)

	g := e.Group("", u.signedIn)
	g.POST("/sign-out", u.handle(u.signOut))
	g.GET("/inbox", u.handle(u.inbox))
	g.GET("/inbox/count", u.handle(u.inboxCount))
	g.GET("/documents", u.handle(u.documentList))
	g.GET("/upload", u.handle(u.uploadPage), u.only(dossier.RoleAdmin))
	g.POST("/upload", u.handle(u.upload), u.only(dossier.RoleAdmin))
	g.GET("/documents/:id", u.handle(u.documentPage))
	g.GET("/documents/:id/download", u.handle(u.download))
	g.GET("/documents/:id/history", u.handle(u.historyPanel))
	g.GET("/documents/:id/approvals", u.handle(u.approvalsPanel))
	g.GET("/documents/:id/reviews", u.handle(u.reviewsPanel))
	g.GET("/documents/:id/versions", u.handle(u.versionsPanel))
	g.GET("/documents/:id/links", u.handle(u.linksPanel))
	g.POST("/documents/:id/events", u.handle(u.fireEvent))
	g.POST("/documents/:id/metadata", u.handle(u.editMetadata), u.only(dossier.RoleAdmin))
	g.POST("/documents/:id/versions", u.handle(u.addVersion), u.only(dossier.RoleAdmin))
	g.POST("/documents/:id/reviews", u.handle(u.review), u.only(dossier.RoleReviewer))
	g.POST("/documents/:id/links", u.handle(u.addLink), u.only(dossier.RoleAdmin))
	g.POST("/documents/:id/legal-hold", u.handle(u.legalHold), u.only(dossier.RoleAdmin))
	g.GET("/search", u.handle(u.searchPage))
	g.POST("/upload/mt700", u.handle(u.fillFromMT700), u.only(dossier.RoleAdmin))
	g.GET("/letters-of-credit", u.handle(u.lcRegister))
	g.POST("/letters-of-credit", u.handle(u.createLC), u.only(dossier.RoleAdmin, dossier.RoleBankLiaison))
	g.GET("/audit", u.handle(u.auditLog), u.only(dossier.RoleAuditor, dossier.RoleAdmin))
	g.POST("/audit/verify", u.handle(u.verifyAudit), u.only(dossier.RoleAuditor, dossier.RoleAdmin))
}

// cacheStatic lets browsers keep the assets for an hour: they change only
// with a new build, and the vendored file names carry their version.
func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

func (u *UI) home(c echo.Context) error {
	if _, ok := u.currentUser(c); ok {
		return c.Redirect(http.StatusSeeOther, "/inbox")
	}
	return c.Redirect(http.StatusSeeOther, "/sign-in")
}
