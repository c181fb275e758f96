package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

type fxRequest struct {
	Rate string `json:"rate_to_base"`
}

func (h *handlers) setFXRate(c echo.Context) error {
	var req fxRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	r, err := h.Engine.SetFXRate(c.Request().Context(), u.ID, c.Param("currency"), req.Rate)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (h *handlers) listFXRates(c echo.Context) error {
	rates, err := h.Engine.FXRates(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": rates})
}
