package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"dossier/internal/auth"
	"dossier/internal/dossier"
)

// DefaultTokenDays is how long a token lasts when the request does not say.
const DefaultTokenDays = 90

type tokenRequest struct {
	Name   string `json:"name"`
	UserID string `json:"user_id"`
	// ExpiresInDays: absent for DefaultTokenDays, 0 for a token that lasts until revoked.
	ExpiresInDays *int `json:"expires_in_days"`
}

func (h *handlers) createToken(c echo.Context) error {
	var req tokenRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	days := DefaultTokenDays
	if req.ExpiresInDays != nil {
		days = *req.ExpiresInDays
	}
	// Compared in days: a huge count of days would overflow a Duration.
	if days < 0 || days > int(auth.MaxTokenLife.Hours()/24) {
		return dossier.Errorf(dossier.EUnprocessable, "expires_in_days: use 0 (until revoked) to %d", int(auth.MaxTokenLife.Hours()/24))
	}
	actor, _ := currentUser(c)
	k, err := h.Auth.CreateToken(c.Request().Context(), actor, auth.TokenRequest{
		UserID: req.UserID, Name: req.Name, ExpiresIn: time.Duration(days) * 24 * time.Hour})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, k)
}

func (h *handlers) listTokens(c echo.Context) error {
	actor, _ := currentUser(c)
	userID := c.QueryParam("user_id")
	if userID == "" {
		userID = actor.ID
	}
	items, err := h.Auth.Tokens(c.Request().Context(), actor, userID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (h *handlers) revokeToken(c echo.Context) error {
	actor, _ := currentUser(c)
	if err := h.Auth.RevokeToken(c.Request().Context(), actor, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
