package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
	"dossier/internal/engine"
)

// delegationsView is the delegations an approver lends, and the form to
// lend one more, on the approver's own page or on their page for admins.
type delegationsView struct {
	Of        dossier.User
	Items     []dossier.Delegation
	Names     people
	Delegates []dossier.User // whom the form offers
	Action    string         // where the form posts; revoke is Action/{id}/revoke
	CanEdit   bool
	Form      engine.DelegationRequest
	Errors    formErrors
	Warnings  []string
}

var delegationFields = []string{"to_user_id", "from", "until"}

func (u *UI) delegationsOf(c echo.Context, p people, of dossier.User, action string) (delegationsView, error) {
	actor, _ := u.currentUser(c)
	items, err := u.Engine.Delegations(c.Request().Context(), actor, of.ID)
	if err != nil {
		return delegationsView{}, err
	}
	edit := dossier.RoleAdmin // for someone else, with a second admin's consent
	if actor.ID == of.ID {
		edit = dossier.RoleApprover // one's own: only an approver has authority to lend
	}
	return delegationsView{Of: of, Items: items, Names: p, Delegates: p.delegates(of.ID), Action: action, Errors: formErrors{},
		CanEdit: actor.HasRole(edit)}, nil
}

type myDelegationsData struct {
	Deleg  delegationsView
	Notice string
}

// myDelegations is GET /api/v1/users/{me}/delegations as a page: an
// approver lends their authority for a date range (SPEC §6) and revokes it.
func (u *UI) myDelegations(c echo.Context) error {
	data, err := u.myDelegationsData(c)
	if err != nil {
		return err
	}
	data.Notice = doneNotice(u.catalogs.localeOf(c), c.QueryParam("done"))
	return u.render(c, http.StatusOK, "admin_delegations", u.view(c, "admin.my_delegations_title", data))
}

func (u *UI) myDelegationsData(c echo.Context) (myDelegationsData, error) {
	actor, _ := u.currentUser(c)
	users, err := u.Auth.ListUsers(c.Request().Context())
	if err != nil {
		return myDelegationsData{}, err
	}
	d, err := u.delegationsOf(c, peopleOf(users), actor, "/delegations")
	return myDelegationsData{Deleg: d}, err
}

func delegationForm(c echo.Context) engine.DelegationRequest {
	return engine.DelegationRequest{ToUserID: c.FormValue("to_user_id"), From: c.FormValue("from"), Until: c.FormValue("until")}
}

// delegateMine is POST /api/v1/users/{me}/delegations: it takes effect at once.
func (u *UI) delegateMine(c echo.Context) error {
	actor, _ := u.currentUser(c)
	req := delegationForm(c)
	d, err := u.Engine.Delegate(c.Request().Context(), actor, actor.ID, req)
	if err == nil && len(d.Warnings) == 0 {
		return c.Redirect(http.StatusSeeOther, "/delegations?done=delegated")
	}
	if err != nil && dossier.ErrorCode(err) == dossier.EInternal {
		return err
	}
	data, derr := u.myDelegationsData(c)
	if derr != nil {
		return derr
	}
	if err == nil {
		data.Notice, data.Deleg.Warnings = u.catalogs.localeOf(c).T("admin.done_delegated"), d.Warnings
		return u.render(c, http.StatusOK, "admin_delegations", u.view(c, "admin.my_delegations_title", data))
	}
	data.Deleg.Form, data.Deleg.Errors = req, errorsFor(err, delegationFields)
	return u.render(c, statusOf(err), "admin_delegations", u.view(c, "admin.my_delegations_title", data))
}

// revokeMine is DELETE /api/v1/users/{me}/delegations/{delegation}.
func (u *UI) revokeMine(c echo.Context) error {
	actor, _ := u.currentUser(c)
	if err := u.Engine.Revoke(c.Request().Context(), actor, actor.ID, c.Param("delegation")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/delegations?done=revoked")
}

// delegateFor is POST /api/v1/users/{id}/delegations by an admin: it waits,
// as a grant, for a second admin (SPEC §6, dual control).
func (u *UI) delegateFor(c echo.Context) error {
	actor, _ := u.currentUser(c)
	id, req := c.Param("id"), delegationForm(c)
	d, err := u.Engine.Delegate(c.Request().Context(), actor, id, req)
	done := "delegation_pending"
	if d.Pending == nil {
		done = "delegated" // an approving admin's own delegation needs nobody else
	}
	if err == nil && len(d.Warnings) == 0 {
		return c.Redirect(http.StatusSeeOther, "/admin/users/"+id+"?done="+done)
	}
	if code := dossier.ErrorCode(err); err != nil && (code == dossier.EInternal || code == dossier.ENotFound) {
		return err
	}
	data, derr := u.userData(c, id)
	if derr != nil {
		return derr
	}
	if err == nil {
		data.Notice, data.Deleg.Warnings = doneNotice(u.catalogs.localeOf(c), done), d.Warnings
		return u.render(c, http.StatusOK, "admin_user", u.view(c, "admin.user_title", data))
	}
	data.Deleg.Form, data.Deleg.Errors = req, errorsFor(err, delegationFields)
	return u.render(c, statusOf(err), "admin_user", u.view(c, "admin.user_title", data))
}

// revokeFor is DELETE /api/v1/users/{id}/delegations/{delegation} by an admin.
func (u *UI) revokeFor(c echo.Context) error {
	actor, _ := u.currentUser(c)
	id := c.Param("id")
	if err := u.Engine.Revoke(c.Request().Context(), actor, id, c.Param("delegation")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users/"+id+"?done=revoked")
}
