package ui

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/auth"
	"dossier/internal/dossier"
)

type usersData struct {
	Users   []userRow
	Pending []grantView // every authority or delegation waiting for a second admin
	Roles   []dossier.Role
	Form    userForm
	Notice  string
}

type userRow struct {
	dossier.User
	Pending int // grants of this user waiting for a second admin
}

// userList is GET /api/v1/users and GET /api/v1/grants?state=pending as a
// page, with the form of POST /api/v1/users for admins.
func (u *UI) userList(c echo.Context) error {
	data, err := u.usersData(c.Request().Context(), c)
	if err != nil {
		return err
	}
	data.Notice = doneNotice(u.catalogs.localeOf(c), c.QueryParam("done"))
	return u.render(c, http.StatusOK, "admin_users", u.view(c, "admin.users_title", data))
}

func (u *UI) usersData(ctx context.Context, c echo.Context) (usersData, error) {
	actor, _ := u.currentUser(c)
	users, err := u.Auth.ListUsers(ctx)
	if err != nil {
		return usersData{}, err
	}
	pending, err := u.Auth.Grants(ctx, actor, "", dossier.GrantPending)
	if err != nil {
		return usersData{}, err
	}
	p := peopleOf(users)
	data := usersData{Pending: p.grants(pending, actor), Roles: dossier.AllRoles, Form: userForm{Errors: formErrors{}}}
	for _, usr := range users {
		n := 0
		for _, g := range pending {
			if g.UserID == usr.ID {
				n++
			}
		}
		data.Users = append(data.Users, userRow{User: usr, Pending: n})
	}
	return data, nil
}

// createUser is POST /api/v1/users: the approver and admin roles and a
// level wait for a second admin, which the new user's page says.
func (u *UI) createUser(c echo.Context) error {
	actor, _ := u.currentUser(c)
	values, err := c.FormParams()
	if err != nil {
		return dossier.Errorf(dossier.EInvalid, "the form cannot be read: %v", err)
	}
	f := readUserForm(c.FormValue, values)
	if !f.Errors.Any() {
		var created auth.Changed
		created, err = u.Auth.CreateUser(c.Request().Context(), actor.ID, auth.NewUser{Username: f.Username,
			Password: c.FormValue("password"), DisplayName: strings.TrimSpace(f.DisplayName), Roles: f.roles(), ApprovalLevel: f.Level})
		if err == nil {
			done := "created"
			if created.Pending != nil {
				done = "created_pending"
			}
			return c.Redirect(http.StatusSeeOther, "/admin/users/"+created.ID+"?done="+done)
		}
		if dossier.ErrorCode(err) == dossier.EInternal {
			return err
		}
		f.Errors = errorsFor(err, userFields)
	} else {
		err = dossier.Errorf(dossier.EUnprocessable, "%s", f.Errors.Of("approval_level"))
	}
	data, lerr := u.usersData(c.Request().Context(), c)
	if lerr != nil {
		return lerr
	}
	data.Form = f
	return u.render(c, statusOf(err), "admin_users", u.view(c, "admin.users_title", data))
}

// doneNotices maps the outcome a redirect names in ?done= to its message.
var doneNotices = map[string]string{
	"created": "admin.done_created", "created_pending": "admin.done_created_pending",
	"saved": "admin.done_saved", "pending": "admin.done_pending",
	"confirmed": "admin.done_confirmed", "withdrawn": "admin.done_withdrawn",
	"delegated": "admin.done_delegated", "delegation_pending": "admin.done_delegation_pending",
	"revoked": "admin.done_revoked", "fx_saved": "admin.done_fx_saved",
	"retried": "admin.done_retried", "dismissed": "admin.done_dismissed",
}

// doneNotice is the message of a ?done= outcome, "" for none or another.
func doneNotice(l *locale, done string) string {
	id, ok := doneNotices[done]
	if !ok {
		return ""
	}
	return l.T(id)
}
