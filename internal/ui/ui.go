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
	"dossier/internal/evidence"
	"dossier/internal/httpapi"
	"dossier/internal/lc"
	"dossier/internal/preview"
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
	Preview   *preview.Service
	Selector  *evidence.Selector
	Evidence  *evidence.Exporter
	// Jobs is the job runner's view of parked jobs, as the API has it.
	Jobs      httpapi.ParkedJobs
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
	diagrams *diagrams
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
	return &UI{Deps: d, pages: p, catalogs: cats, diagrams: &diagrams{}}, nil
}

// Mount adds the pages to e. Pages that change something are POSTs with a
// CSRF token. in wraps a page for signed-in users (of roles, when given);
// handle is outermost, so that a refusal is a page too.
func (u *UI) Mount(e *echo.Echo) {
	static, _ := fs.Sub(web.Static, "static")
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static)))))
	in := func(h echo.HandlerFunc, roles ...dossier.Role) echo.HandlerFunc {
		if len(roles) > 0 {
			h = u.only(roles...)(h)
		}
		return u.handle(u.signedIn(h))
	}
	const (
		admin    = dossier.RoleAdmin
		auditor  = dossier.RoleAuditor
		reviewer = dossier.RoleReviewer
		liaison  = dossier.RoleBankLiaison
		approver = dossier.RoleApprover
	)

	e.GET("/", u.handle(u.home))
	e.GET("/sign-in", u.handle(u.signInPage))
	e.POST("/sign-in", u.handle(sameOrigin(u.signIn)))
	e.POST("/language", u.handle(sameOrigin(u.setLanguage)))
	e.POST("/sign-out", in(u.signOut))

	e.GET("/inbox", in(u.inbox))
	e.GET("/inbox/count", in(u.inboxCount))
	e.GET("/documents", in(u.documentList))
	e.POST("/documents/views", in(u.saveView))
	e.POST("/documents/views/:id/delete", in(u.deleteView)) // its owner: the service decides
	e.GET("/upload", in(u.uploadPage, admin))
	e.POST("/upload", in(u.upload, admin))
	e.POST("/upload/mt700", in(u.fillFromMT700, admin))
	e.GET("/documents/:id", in(u.documentPage))
	e.GET("/documents/:id/download", in(u.download))
	e.GET("/documents/:id/pages/:page", in(u.pageImage))
	e.GET("/documents/:id/history", in(u.historyPanel))
	e.GET("/documents/:id/approvals", in(u.approvalsPanel))
	e.GET("/documents/:id/reviews", in(u.reviewsPanel))
	e.GET("/documents/:id/versions", in(u.versionsPanel))
	e.GET("/documents/:id/links", in(u.linksPanel))
	// Who may fire an event is the workflow definition's business: the engine decides.
	e.POST("/documents/:id/events", in(u.fireEvent))
	e.POST("/documents/:id/metadata", in(u.editMetadata, admin))
	e.POST("/documents/:id/versions", in(u.addVersion, admin))
	e.POST("/documents/:id/reviews", in(u.review, reviewer))
	e.POST("/documents/:id/links", in(u.addLink, admin))
	e.POST("/documents/:id/legal-hold", in(u.legalHold, admin))
	e.GET("/search", in(u.searchPage))
	e.GET("/documents/:id/lc", in(u.lcPanel))
	e.GET("/documents/:id/lc/check", in(u.presentationCheck))
	e.POST("/documents/:id/lc/amendments", in(u.amendLC, admin, liaison))
	e.POST("/documents/:id/lc/amendments/:amendment", in(u.settleAmendment, liaison))
	e.GET("/letters-of-credit", in(u.lcRegister))
	e.POST("/letters-of-credit", in(u.createLC, admin, liaison))
	e.GET("/audit", in(u.auditLog, auditor, admin))
	e.POST("/audit/verify", in(u.verifyAudit, auditor, admin))
	e.POST("/exports", in(u.export, auditor, admin))

	// Admin (SPEC §12), with the API's access: auditors read users and grants,
	// approvers lend their own authority, anyone reads rates and workflows.
	e.GET("/admin/users", in(u.userList, admin, auditor))
	e.POST("/admin/users", in(u.createUser, admin))
	e.GET("/admin/users/:id", in(u.userPage, admin, auditor))
	e.POST("/admin/users/:id", in(u.changeUser, admin))
	e.POST("/admin/users/:id/grants/:grant/confirm", in(u.confirmGrant, admin))
	e.POST("/admin/users/:id/grants/:grant/cancel", in(u.cancelGrant, admin))
	e.POST("/admin/users/:id/delegations", in(u.delegateFor, admin))
	e.POST("/admin/users/:id/delegations/:delegation/revoke", in(u.revokeFor, admin))
	e.GET("/delegations", in(u.myDelegations, approver, admin))
	e.POST("/delegations", in(u.delegateMine, approver, admin))
	e.POST("/delegations/:delegation/revoke", in(u.revokeMine, approver, admin))
	e.GET("/admin/fx-rates", in(u.fxRates))
	e.POST("/admin/fx-rates", in(u.setFXRate, admin))
	e.GET("/admin/workflows", in(u.workflows))
	e.GET("/admin/workflows/:diagram", in(u.workflowDiagram))
	e.GET("/admin/jobs", in(u.parkedJobs, admin))
	e.POST("/admin/jobs/:job/retry", in(u.retryJob, admin))
	e.POST("/admin/jobs/:job/dismiss", in(u.dismissJob, admin))
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
