package ui

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
)

type fxData struct {
	Rates  []dossier.FXRate
	Base   string
	Names  people
	Form   fxForm
	Notice string
}

type fxForm struct {
	Currency, Rate string
	Errors         formErrors
}

// fxRates is GET /api/v1/fx-rates as a page, with the form of PUT
// /api/v1/fx-rates/{currency} for admins: the rates the DOA guard converts
// amounts with (SPEC §6).
func (u *UI) fxRates(c echo.Context) error {
	data, err := u.fxData(c)
	if err != nil {
		return err
	}
	data.Notice = doneNotice(u.catalogs.localeOf(c), c.QueryParam("done"))
	// The document page's DOA panel links here for the currency it lacks.
	if cur := c.QueryParam("currency"); dossier.IsCurrency(cur) {
		data.Form.Currency = cur
	}
	return u.render(c, http.StatusOK, "admin_fx", u.view(c, "admin.fx_title", data))
}

func (u *UI) fxData(c echo.Context) (fxData, error) {
	ctx := c.Request().Context()
	rates, err := u.Engine.FXRates(ctx)
	if err != nil {
		return fxData{}, err
	}
	users, err := u.Auth.ListUsers(ctx)
	if err != nil {
		return fxData{}, err
	}
	return fxData{Rates: rates, Base: u.Engine.Definitions().DOA().BaseCurrency, Names: peopleOf(users),
		Form: fxForm{Errors: formErrors{}}}, nil
}

// setFXRate is PUT /api/v1/fx-rates/{currency}: the rate is an exact
// decimal string, refused next to its field when it is not one.
func (u *UI) setFXRate(c echo.Context) error {
	actor, _ := u.currentUser(c)
	f := fxForm{Currency: strings.TrimSpace(c.FormValue("currency")), Rate: strings.TrimSpace(c.FormValue("rate"))}
	_, err := u.Engine.SetFXRate(c.Request().Context(), actor.ID, f.Currency, f.Rate)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/admin/fx-rates?done=fx_saved")
	}
	if dossier.ErrorCode(err) == dossier.EInternal {
		return err
	}
	f.Errors = errorsFor(err, []string{"currency", "rate"})
	if msg := f.Errors.Form(); msg != "" {
		// The one refusal that names no field is of the currency: the base
		// currency, whose rate is 1 by definition.
		f.Errors = formErrors{"currency": msg}
	}
	data, derr := u.fxData(c)
	if derr != nil {
		return derr
	}
	data.Form = f
	return u.render(c, statusOf(err), "admin_fx", u.view(c, "admin.fx_title", data))
}
