package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"dossier/internal/auth"
	"dossier/internal/dossier"
)

func (h *handlers) getUser(c echo.Context) error {
	actor, _ := currentUser(c)
	u, err := h.Auth.User(c.Request().Context(), actor, c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(u.Version))
	return c.JSON(http.StatusOK, u)
}

// patchUser changes a user; If-Match is optional here (a change is checked
// against the version it read either way, so a race still ends in 409).
func (h *handlers) patchUser(c echo.Context) error {
	var ifVersion *int
	if c.Request().Header.Get("If-Match") != "" {
		v, err := ifMatchVersion(c)
		if err != nil {
			return err
		}
		ifVersion = &v
	}
	var ch auth.UserChange
	if err := bindJSON(c, &ch); err != nil {
		return err
	}
	actor, _ := currentUser(c)
	u, err := h.Auth.ChangeUser(c.Request().Context(), actor.ID, c.Param("id"), ifVersion, ch)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(u.Version))
	return c.JSON(http.StatusOK, u)
}

func (h *handlers) listGrants(c echo.Context) error {
	actor, _ := currentUser(c)
	items, err := h.Auth.Grants(c.Request().Context(), actor, c.Param("id"), dossier.GrantState(c.QueryParam("state")))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (h *handlers) confirmGrant(c echo.Context) error {
	actor, _ := currentUser(c)
	u, err := h.Auth.ConfirmGrant(c.Request().Context(), actor, c.Param("id"), c.Param("grant"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

func (h *handlers) cancelGrant(c echo.Context) error {
	actor, _ := currentUser(c)
	if err := h.Auth.CancelGrant(c.Request().Context(), actor, c.Param("id"), c.Param("grant")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
