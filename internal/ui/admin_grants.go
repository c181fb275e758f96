package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
)

// confirmGrant is POST /api/v1/users/{id}/grants/{grant}/confirm: a second
// admin lets a requested authority or delegation take effect.
func (u *UI) confirmGrant(c echo.Context) error {
	actor, _ := u.currentUser(c)
	_, err := u.Auth.ConfirmGrant(c.Request().Context(), actor, c.Param("id"), c.Param("grant"))
	return u.afterGrant(c, err, "confirmed")
}

// cancelGrant is DELETE /api/v1/users/{id}/grants/{grant}: any admin
// withdraws a pending grant.
func (u *UI) cancelGrant(c echo.Context) error {
	actor, _ := u.currentUser(c)
	err := u.Auth.CancelGrant(c.Request().Context(), actor, c.Param("id"), c.Param("grant"))
	return u.afterGrant(c, err, "withdrawn")
}

// afterGrant goes back to the page the button was on (the list of users or
// the user's page), or shows the user's page with the service's refusal,
// such as a confirmation by the admin who asked.
func (u *UI) afterGrant(c echo.Context, err error, done string) error {
	id := c.Param("id")
	back := "/admin/users/" + id
	if c.FormValue("back") == "/admin/users" {
		back = "/admin/users"
	}
	if err == nil {
		return c.Redirect(http.StatusSeeOther, back+"?done="+done)
	}
	if code := dossier.ErrorCode(err); code == dossier.EInternal || code == dossier.ENotFound {
		return err
	}
	data, derr := u.userData(c, id)
	if derr != nil {
		return derr
	}
	data.Error = dossier.ErrorMessage(err)
	return u.render(c, statusOf(err), "admin_user", u.view(c, "admin.user_title", data))
}
