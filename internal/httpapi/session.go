package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"dossier/internal/auth"
	"dossier/internal/dossier"
)

type signInRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type signInResponse struct {
	Token string       `json:"token"`
	User  dossier.User `json:"user"`
}

func (h *handlers) signIn(c echo.Context) error {
	var req signInRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.Username == "" || req.Password == "" {
		return dossier.Errorf(dossier.EInvalid, "send both username and password")
	}
	token, u, err := h.Auth.SignIn(c.Request().Context(), req.Username, req.Password, c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, signInResponse{Token: token, User: u})
}

func (h *handlers) signOut(c echo.Context) error {
	u, _ := currentUser(c)
	token, _ := bearer(c)
	if err := h.Auth.SignOut(c.Request().Context(), u, token); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handlers) me(c echo.Context) error {
	u, _ := currentUser(c)
	return c.JSON(http.StatusOK, u)
}

func (h *handlers) createUser(c echo.Context) error {
	var req auth.NewUser
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	actor, _ := currentUser(c)
	u, err := h.Auth.CreateUser(c.Request().Context(), actor.ID, req)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(u.Version))
	return c.JSON(http.StatusCreated, u)
}

func (h *handlers) listUsers(c echo.Context) error {
	users, err := h.Auth.ListUsers(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": users})
}
