package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/auth"
	"dossier/internal/dossier"
)

type userData struct {
	User     dossier.User
	Form     userForm
	Roles    []dossier.Role
	Grants   []grantView // every grant of the user, pending first as the store lists them
	Deleg    delegationsView
	Stale    bool // the change form was older than the user: it now shows the user as they are
	Notice   string
	Warnings []string
	Error    string // a confirm or cancel that failed
}

// userPage is GET /api/v1/users/{id} with its grants and delegations;
// admins get the change form, auditors read.
func (u *UI) userPage(c echo.Context) error {
	data, err := u.userData(c, c.Param("id"))
	if err != nil {
		return err
	}
	data.Notice = doneNotice(u.catalogs.localeOf(c), c.QueryParam("done"))
	return u.render(c, http.StatusOK, "admin_user", u.view(c, "admin.user_title", data))
}

func (u *UI) userData(c echo.Context, id string) (userData, error) {
	ctx := c.Request().Context()
	actor, _ := u.currentUser(c)
	usr, err := u.Auth.User(ctx, actor, id)
	if err != nil {
		return userData{}, err
	}
	users, err := u.Auth.ListUsers(ctx)
	if err != nil {
		return userData{}, err
	}
	grants, err := u.Auth.Grants(ctx, actor, id, "")
	if err != nil {
		return userData{}, err
	}
	// A delegation waiting for a second admin is the delegate's grant; the
	// page of the approver who lends it shows it too.
	pending, err := u.Auth.Grants(ctx, actor, "", dossier.GrantPending)
	if err != nil {
		return userData{}, err
	}
	for _, g := range pending {
		if g.Delegation != nil && g.Delegation.FromUserID == id && g.UserID != id {
			grants = append(grants, g)
		}
	}
	p := peopleOf(users)
	data := userData{User: usr, Form: formOfUser(usr), Roles: dossier.AllRoles, Grants: p.grants(grants, actor)}
	data.Deleg, err = u.delegationsOf(c, p, usr, "/admin/users/"+usr.ID+"/delegations")
	return data, err
}

// changeUser is PATCH /api/v1/users/{id} with the version the form was
// made from as If-Match: a stale form is refused and says that someone
// else changed the user. Roles and levels that grow wait for a second admin.
func (u *UI) changeUser(c echo.Context) error {
	actor, _ := u.currentUser(c)
	id := c.Param("id")
	version, err := strconv.Atoi(c.FormValue("version"))
	if err != nil {
		return dossier.Errorf(dossier.EInvalid, "the form lacks the version it was made from: reload the page")
	}
	values, err := c.FormParams()
	if err != nil {
		return dossier.Errorf(dossier.EInvalid, "the form cannot be read: %v", err)
	}
	f := readUserForm(c.FormValue, values)
	var changed auth.Changed
	if f.Errors.Any() {
		err = dossier.Errorf(dossier.EUnprocessable, "%s", f.Errors.Of("approval_level"))
	} else {
		roles, name := f.roles(), strings.TrimSpace(f.DisplayName)
		ch := auth.UserChange{DisplayName: &name, Roles: &roles, ApprovalLevel: &f.Level, Disabled: &f.Disabled}
		if pw := c.FormValue("password"); pw != "" {
			ch.Password = &pw
		}
		changed, err = u.Auth.ChangeUser(c.Request().Context(), actor.ID, id, &version, ch)
	}
	if err == nil && len(changed.Warnings) == 0 {
		done := "saved"
		if changed.Pending != nil {
			done = "pending"
		}
		return c.Redirect(http.StatusSeeOther, "/admin/users/"+id+"?done="+done)
	}
	if code := dossier.ErrorCode(err); err != nil && (code == dossier.EInternal || code == dossier.ENotFound) {
		return err
	}
	data, derr := u.userData(c, id)
	if derr != nil {
		return derr
	}
	switch {
	case err == nil: // saved, with what the change leaves uncovered
		data.Notice, data.Warnings = u.catalogs.localeOf(c).T("admin.done_saved"), changed.Warnings
		return u.render(c, http.StatusOK, "admin_user", u.view(c, "admin.user_title", data))
	case dossier.ErrorCode(err) == dossier.EPreconditionFailed:
		data.Stale = true
	default:
		f.Username, f.Errors = data.User.Username, errorsFor(err, userFields)
		data.Form = f // what the admin chose, with the problem next to its field
	}
	return u.render(c, statusOf(err), "admin_user", u.view(c, "admin.user_title", data))
}
