package ui

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"dossier/internal/auth"
	"dossier/internal/dossier"
)

const (
	sessionCookie = "dossier_session"
	csrfField     = "_csrf"
	csrfHeader    = "X-CSRF-Token"
	// userKey is where the signed-in user is kept on the request: the same
	// key the API's request log reads, so page requests log their user too.
	userKey  = "user"
	tokenKey = "ui_session_token"
)

// csrfToken is the token forms and htmx requests must send back. It is a
// one-way function of the session token, which only the HttpOnly cookie
// holds: another site can neither read it nor derive it, and no state
// beyond the session is needed.
func csrfToken(session string) string {
	sum := sha256.Sum256([]byte("dossier csrf\x00" + session))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// setSession stores the session token in the cookie; Secure when the
// request came over TLS (directly or, as echo's Scheme reads it, through a
// proxy that says so).
func setSession(c echo.Context, token string, maxAge time.Duration) {
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: c.Scheme() == "https", MaxAge: int(maxAge.Seconds()),
	})
}

func clearSession(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: c.Scheme() == "https", MaxAge: -1})
}

// cookieUser returns the user of the session cookie, if it names a live
// session. API tokens are not accepted in the cookie: they are for programs.
func (u *UI) cookieUser(c echo.Context) (dossier.User, string, bool) {
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck.Value == "" || strings.HasPrefix(ck.Value, auth.TokenPrefix) {
		return dossier.User{}, "", false
	}
	usr, _, err := u.Auth.Authenticate(c.Request().Context(), ck.Value)
	if err != nil {
		return dossier.User{}, "", false
	}
	return usr, ck.Value, true
}

func (u *UI) currentUser(c echo.Context) (dossier.User, bool) {
	if usr, ok := c.Get(userKey).(dossier.User); ok {
		return usr, true
	}
	usr, token, ok := u.cookieUser(c)
	if ok {
		c.Set(userKey, usr)
		c.Set(tokenKey, token)
	}
	return usr, ok
}

// signedIn sends a visitor without a session to the sign-in page (and back
// afterwards), and refuses a change that lacks the CSRF token.
func (u *UI) signedIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := u.currentUser(c); !ok {
			if c.Request().Method != http.MethodGet {
				return dossier.Errorf(dossier.EUnauthorized, "your session has ended: sign in again")
			}
			if c.Request().Header.Get("HX-Request") != "" {
				c.Response().Header().Set("HX-Redirect", "/sign-in")
				return c.NoContent(http.StatusUnauthorized)
			}
			return c.Redirect(http.StatusSeeOther, "/sign-in?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		}
		if c.Request().Method != http.MethodGet && c.Request().Method != http.MethodHead {
			if err := checkCSRF(c); err != nil {
				return err
			}
		}
		return next(c)
	}
}

// checkCSRF compares the token of the header (htmx, scripts) or of the
// form. A multipart body is streamed, so its token comes in the header or
// the query string, never from a parsed body.
func checkCSRF(c echo.Context) error {
	want := csrfToken(c.Get(tokenKey).(string))
	got := c.Request().Header.Get(csrfHeader)
	if got == "" && strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
		got = c.QueryParam(csrfField)
	} else if got == "" {
		got = c.FormValue(csrfField)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return dossier.Errorf(dossier.EForbidden, "the form is out of date or came from another site: reload the page and try again")
	}
	return nil
}

// only lets through users holding one of roles, as the API's access table does.
func (u *UI) only(roles ...dossier.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			usr, _ := u.currentUser(c)
			if !usr.HasRole(roles...) {
				return dossier.Errorf(dossier.EForbidden, "this needs one of the roles %v; you have %v", roles, usr.Roles)
			}
			return next(c)
		}
	}
}

// sameOrigin refuses a form posted from another site to the pages that
// need no session (sign-in, language): a browser sends Origin with every
// POST, and it must name this host.
func sameOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		origin := c.Request().Header.Get("Origin")
		if origin == "" {
			return next(c)
		}
		o, err := url.Parse(origin)
		if err != nil || o.Host != c.Request().Host {
			return dossier.Errorf(dossier.EForbidden, "the form came from another site (%s)", dossier.Clip(origin))
		}
		return next(c)
	}
}
