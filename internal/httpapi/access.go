package httpapi

import (
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/audit"
	"dossier/internal/dossier"
)

const (
	userKey      = "user"
	authErrorKey = "auth_error"
)

// authenticate resolves a bearer token to a user; routes decide with signedIn
// and allow whether one is needed.
func (h *handlers) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token, ok := bearer(c)
		if !ok {
			return next(c)
		}
		u, name, err := h.Auth.Authenticate(c.Request().Context(), token)
		if err != nil {
			// Public routes ignore a stale token; allow reports why it failed.
			c.Set(authErrorKey, err)
			return next(c)
		}
		if name != "" {
			c.SetRequest(c.Request().WithContext(audit.WithToken(c.Request().Context(), name)))
		}
		c.Set(userKey, u)
		return next(c)
	}
}

func bearer(c echo.Context) (string, bool) {
	v := c.Request().Header.Get(echo.HeaderAuthorization)
	scheme, token, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}

func currentUser(c echo.Context) (dossier.User, bool) {
	u, ok := c.Get(userKey).(dossier.User)
	return u, ok
}

// signedIn lets any signed-in user through.
func signedIn(next echo.HandlerFunc) echo.HandlerFunc {
	return allow()(next)
}

// allow lets through signed-in users holding one of roles (any role when none are given).
func allow(roles ...dossier.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u, ok := currentUser(c)
			if err, failed := c.Get(authErrorKey).(error); failed {
				return err
			}
			if !ok {
				return dossier.Errorf(dossier.EUnauthorized, "sign in first: send Authorization: Bearer <token> from POST /api/v1/session")
			}
			if len(roles) > 0 && !u.HasRole(roles...) {
				return dossier.Errorf(dossier.EForbidden, "this needs one of the roles %v; you have %v", roles, u.Roles)
			}
			return next(c)
		}
	}
}
