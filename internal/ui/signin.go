package ui

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/auth"
	"dossier/internal/dossier"
)

type signInData struct {
	Username string
	Next     string
	Errors   formErrors
}

func (u *UI) signInPage(c echo.Context) error {
	if _, ok := u.currentUser(c); ok {
		return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
	}
	return u.render(c, http.StatusOK, "signin", u.view(c, "signin.title", signInData{Next: c.QueryParam("next")}))
}

// signIn is POST /api/v1/session for people: the same service, the same
// failed-sign-in limit (by user name and client address), then a cookie.
func (u *UI) signIn(c echo.Context) error {
	name, password := strings.TrimSpace(c.FormValue("username")), c.FormValue("password")
	data := signInData{Username: name, Next: c.FormValue("next")}
	var err error
	if name == "" || password == "" {
		err = dossier.Errorf(dossier.EInvalid, "enter both username and password")
	} else {
		var token string
		if token, _, err = u.Auth.SignIn(c.Request().Context(), name, password, c.RealIP()); err == nil {
			setSession(c, token, auth.SessionTTL)
			return c.Redirect(http.StatusSeeOther, safeNext(data.Next))
		}
	}
	if dossier.ErrorCode(err) == dossier.EInternal {
		return err
	}
	data.Errors = errorsFor(err, nil)
	status := http.StatusUnauthorized
	if code := dossier.ErrorCode(err); code == dossier.ETooManyRequests || code == dossier.EInvalid {
		status = statusOf(err)
	}
	return u.render(c, status, "signin", u.view(c, "signin.title", data))
}

// safeNext keeps the page to return to on this site: a path, never
// "//host" or a scheme.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/inbox"
	}
	return next
}

func (u *UI) signOut(c echo.Context) error {
	usr, _ := u.currentUser(c)
	token, _ := c.Get(tokenKey).(string)
	if err := u.Auth.SignOut(c.Request().Context(), usr, token); err != nil {
		return err
	}
	clearSession(c)
	return c.Redirect(http.StatusSeeOther, "/sign-in")
}

// setLanguage keeps the chosen language in a cookie for a year and goes
// back to the page the switch was on.
func (u *UI) setLanguage(c echo.Context) error {
	lang := c.FormValue("lang")
	ok := false
	for _, t := range languages {
		ok = ok || t.String() == lang
	}
	if !ok {
		return dossier.Errorf(dossier.EInvalid, "lang=%s: choose one of en, zh, es, fr", dossier.Clip(lang))
	}
	c.SetCookie(&http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		SameSite: http.SameSiteLaxMode, Secure: c.Scheme() == "https"})
	return c.Redirect(http.StatusSeeOther, safeNext(c.FormValue("back")))
}
