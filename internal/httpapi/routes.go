package httpapi

import (
	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
)

// routes is every route of the API and who may call it: the one place where
// access is decided by role.
func (h *handlers) routes(e *echo.Echo) {
	const (
		admin    = dossier.RoleAdmin
		auditor  = dossier.RoleAuditor
		reviewer = dossier.RoleReviewer
		approver = dossier.RoleApprover
		liaison  = dossier.RoleBankLiaison
	)
	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)
	e.GET("/metrics", h.metrics())
	e.GET("/api/openapi.json", h.openAPI)

	api := e.Group("/api/v1")
	api.POST("/session", h.signIn)
	api.DELETE("/session", h.signOut, signedIn)
	api.GET("/me", h.me, signedIn)

	api.POST("/users", h.createUser, allow(admin))
	api.GET("/users", h.listUsers, allow(admin, auditor))
	api.GET("/users/:id", h.getUser, signedIn) // admins, auditors and the user: the service decides
	api.PATCH("/users/:id", h.patchUser, allow(admin))
	api.GET("/grants", h.listGrants, allow(admin, auditor))
	api.GET("/users/:id/grants", h.listGrants, signedIn)
	api.POST("/users/:id/grants/:grant/confirm", h.confirmGrant, allow(admin))
	api.DELETE("/users/:id/grants/:grant", h.cancelGrant, allow(admin))
	api.POST("/tokens", h.createToken, signedIn) // one's own; an admin's for anyone
	api.GET("/tokens", h.listTokens, signedIn)
	api.DELETE("/tokens/:id", h.revokeToken, signedIn)
	api.POST("/users/:id/delegations", h.delegate, allow(approver, admin))
	api.GET("/users/:id/delegations", h.listDelegations, signedIn)
	api.DELETE("/users/:id/delegations/:delegation", h.revokeDelegation, allow(approver, admin))
	api.PUT("/fx-rates/:currency", h.setFXRate, allow(admin))
	api.GET("/fx-rates", h.listFXRates, signedIn)
	api.GET("/workflows", h.listWorkflows, signedIn)
	api.GET("/workflows/:kind", h.getWorkflow, signedIn)
	api.GET("/inbox", h.inbox, signedIn)
	api.POST("/letters-of-credit/mt700", h.readMT700, allow(admin, liaison))
	api.GET("/letters-of-credit", h.register, signedIn)
	api.GET("/notifications", h.notifications, signedIn)
	api.GET("/documents/:id/presentation-check", h.presentationCheck, signedIn)
	api.POST("/documents/:id/amendments", h.amend, allow(admin, liaison))
	api.GET("/documents/:id/amendments", h.listAmendments, signedIn)
	api.POST("/documents/:id/amendments/:amendment/accept", h.acceptAmendment, allow(liaison))
	api.POST("/documents/:id/amendments/:amendment/reject", h.rejectAmendment, allow(liaison))
	api.GET("/search", h.search, signedIn)
	api.GET("/views", h.listViews, signedIn) // one's own and the shared ones
	api.POST("/views", h.saveView, signedIn)
	api.DELETE("/views/:id", h.deleteView, signedIn) // its owner: the service decides

	api.POST("/documents", h.upload, allow(admin))
	api.GET("/documents", h.listDocuments, signedIn)
	api.GET("/documents/:id", h.getDocument, signedIn)
	api.PATCH("/documents/:id", h.patchDocument, allow(admin))
	api.GET("/documents/:id/content", h.content, signedIn)
	api.HEAD("/documents/:id/content", h.content, signedIn)
	api.GET("/documents/:id/pages/:page", h.page, signedIn)
	api.POST("/documents/:id/versions", h.addVersion, allow(admin))
	api.GET("/documents/:id/versions", h.listVersions, signedIn)
	api.POST("/documents/:id/links", h.addLink, allow(admin))
	api.GET("/documents/:id/links", h.listLinks, signedIn)
	// Who may fire an event is the workflow definition's business: the engine decides.
	api.POST("/documents/:id/events", h.fireEvent, signedIn)
	api.GET("/documents/:id/history", h.history, signedIn)
	api.GET("/documents/:id/approvals", h.approvals, signedIn)
	api.GET("/documents/:id/reviews", h.reviews, signedIn)
	api.POST("/documents/:id/reviews", h.review, allow(reviewer))
	api.POST("/documents/:id/legal-hold", h.legalHold, allow(admin))

	api.GET("/jobs/parked", h.parkedJobs, allow(admin))
	api.POST("/jobs/:job/retry", h.retryJob, allow(admin))
	api.DELETE("/jobs/:job", h.dismissJob, allow(admin))
	api.GET("/audit", h.listAudit, allow(auditor, admin))
	api.GET("/audit/verify", h.verifyAudit, allow(auditor, admin))
	api.POST("/audit/checkpoints", h.writeCheckpoint, allow(admin))
	api.GET("/audit/key", h.auditKey)
	api.POST("/exports", h.export, allow(auditor, admin))
	api.GET("/retention", h.retention, allow(admin, auditor))
}
