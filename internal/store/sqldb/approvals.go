// FX rates and delegations: the reference data of DOA approvals.

package sqldb

import (
	"context"
	"fmt"

	"dossier/internal/dossier"
)

func (t *tx) SetFXRate(ctx context.Context, r dossier.FXRate) error {
	_, err := t.exec(ctx, `INSERT INTO fx_rates (currency, rate, updated_by, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (currency) DO UPDATE SET rate = excluded.rate, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		r.Currency, r.Rate, r.UpdatedBy, r.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("set FX rate %s: %w", r.Currency, err)
	}
	return nil
}

func (t *tx) FXRates(ctx context.Context) ([]dossier.FXRate, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT currency, rate, updated_by, updated_at FROM fx_rates ORDER BY currency`)
	if err != nil {
		return nil, fmt.Errorf("FX rates: %w", err)
	}
	defer rows.Close()
	out := []dossier.FXRate{}
	for rows.Next() {
		var r dossier.FXRate
		if err := rows.Scan(&r.Currency, &r.Rate, &r.UpdatedBy, &r.UpdatedAt); err != nil {
			return nil, fmt.Errorf("FX rates: %w", err)
		}
		r.UpdatedAt = r.UpdatedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

func (t *tx) AddDelegation(ctx context.Context, d dossier.Delegation) error {
	_, err := t.exec(ctx, `INSERT INTO delegations (id, from_user_id, to_user_id, from_date, until_date, created_by, confirmed_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, d.ID, d.FromUserID, d.ToUserID, d.From, d.Until, d.CreatedBy, d.ConfirmedBy, d.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("delegate %s to %s: %w", d.FromUserID, d.ToUserID, err)
	}
	return nil
}

const delegationsToQuery = `SELECT ` + delegationColumns + ` FROM delegations WHERE to_user_id = $1 ORDER BY created_at, id`

func (t *tx) DelegationsTo(ctx context.Context, userID string) ([]dossier.Delegation, error) {
	rows, err := t.hotQuery(ctx, delegationsToQuery, userID)
	if err != nil {
		return nil, fmt.Errorf("delegations of %s: %w", userID, err)
	}
	defer rows.Close()
	return readDelegations(rows, userID)
}

func (t *tx) DelegationsOf(ctx context.Context, userID string) ([]dossier.Delegation, error) {
	return t.delegations(ctx, `from_user_id = $1 OR to_user_id = $1`, userID)
}

func (t *tx) DeleteDelegation(ctx context.Context, id string) error {
	res, err := t.exec(ctx, `DELETE FROM delegations WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("revoke delegation %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return dossier.Errorf(dossier.ENotFound, "delegation %s not found", dossier.Clip(id))
	}
	return nil
}

const delegationColumns = `id, from_user_id, to_user_id, from_date, until_date, created_by, confirmed_by, created_at`

func (t *tx) delegations(ctx context.Context, cond string, userID string) ([]dossier.Delegation, error) {
	rows, err := t.hotQuery(ctx, `SELECT `+delegationColumns+`
		FROM delegations WHERE `+cond+` ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("delegations of %s: %w", userID, err)
	}
	defer rows.Close()
	return readDelegations(rows, userID)
}

func readDelegations(rows Rows, userID string) ([]dossier.Delegation, error) {
	out := []dossier.Delegation{}
	for rows.Next() {
		var d dossier.Delegation
		if err := rows.Scan(&d.ID, &d.FromUserID, &d.ToUserID, &d.From, &d.Until, &d.CreatedBy, &d.ConfirmedBy, &d.CreatedAt); err != nil {
			return nil, fmt.Errorf("delegations of %s: %w", userID, err)
		}
		d.CreatedAt = d.CreatedAt.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}
