package engine

import (
	"context"
	"strings"
	"time"

	"dossier/internal/audit"
	"dossier/internal/doa"
	"dossier/internal/dossier"
	"dossier/internal/store"
)

// SetFXRate sets the rate of currency to the DOA base currency.
func (e *Engine) SetFXRate(ctx context.Context, actor string, currency, rate string) (dossier.FXRate, error) {
	currency = strings.ToUpper(strings.TrimSpace(currency))
	if !dossier.IsCurrency(currency) {
		return dossier.FXRate{}, dossier.Errorf(dossier.EUnprocessable, "currency %q is not an ISO 4217 code", currency)
	}
	if base := e.defs.DOA().BaseCurrency; currency == base {
		return dossier.FXRate{}, dossier.Errorf(dossier.EUnprocessable, "%s is the base currency: its rate is 1 by definition and cannot be set", base)
	}
	if err := doa.ValidRate(rate); err != nil {
		return dossier.FXRate{}, err
	}
	r := dossier.FXRate{Currency: currency, Rate: rate, UpdatedBy: actor, UpdatedAt: e.now().UTC().Truncate(time.Microsecond)}
	err := e.store.Write(ctx, func(tx store.Tx) error {
		if err := tx.SetFXRate(ctx, r); err != nil {
			return err
		}
		return audit.Append(ctx, tx, r.UpdatedAt, audit.Event{Actor: actor, Action: "fx.set",
			Details: map[string]any{"currency": currency, "rate_to_base": rate}})
	})
	return r, err
}

// FXRates lists the rates in force.
func (e *Engine) FXRates(ctx context.Context) ([]dossier.FXRate, error) {
	var out []dossier.FXRate
	err := e.store.Read(ctx, func(tx store.Tx) (err error) {
		out, err = tx.FXRates(ctx)
		return err
	})
	return out, err
}
