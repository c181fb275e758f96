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
	rows, err := t.tx.QueryContext(ctx, `SELECT currency, rate, updated_by, updated_at FROM fx_rates ORDER BY currency`)
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
	_, err := t.exec(ctx, `INSERT INTO delegations (id, from_user_id, to_user_id, from_date, until_date, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, d.ID, d.FromUserID, d.ToUserID, d.From, d.Until, d.CreatedBy, d.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("delegate %s to %s: %w", d.FromUserID, d.ToUserID, err)
	}
	return nil
}

func (t *tx) DelegationsTo(ctx context.Context, userID string) ([]dossier.Delegation, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT id, from_user_id, to_user_id, from_date, until_date, created_by, created_at
		FROM delegations WHERE to_user_id = $1 ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("delegations to %s: %w", userID, err)
	}
	defer rows.Close()
	out := []dossier.Delegation{}
	for rows.Next() {
		var d dossier.Delegation
		if err := rows.Scan(&d.ID, &d.FromUserID, &d.ToUserID, &d.From, &d.Until, &d.CreatedBy, &d.CreatedAt); err != nil {
			return nil, fmt.Errorf("delegations to %s: %w", userID, err)
		}
		d.CreatedAt = d.CreatedAt.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

func (t *tx) PutRendition(ctx context.Context, r dossier.Rendition) error {
	_, err := t.exec(ctx, `INSERT INTO renditions (document_id, name, file_version, sha256, size, state, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (document_id, name) DO UPDATE SET file_version = excluded.file_version, sha256 = excluded.sha256,
			size = excluded.size, state = excluded.state, created_at = excluded.created_at`,
		r.DocumentID, r.Name, r.FileVersion, r.SHA256, r.Size, r.State, r.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("put rendition %s/%s: %w", r.DocumentID, r.Name, err)
	}
	return nil
}

func (t *tx) Rendition(ctx context.Context, documentID, name string) (dossier.Rendition, error) {
	rs, err := t.renditions(ctx, ` AND name = $2`, documentID, name)
	if err != nil {
		return dossier.Rendition{}, err
	}
	if len(rs) == 0 {
		return dossier.Rendition{}, dossier.Errorf(dossier.ENotFound, "rendition %s/%s not found", documentID, name)
	}
	return rs[0], nil
}

func (t *tx) Renditions(ctx context.Context, documentID string) ([]dossier.Rendition, error) {
	return t.renditions(ctx, ``, documentID)
}

func (t *tx) renditions(ctx context.Context, cond string, args ...any) ([]dossier.Rendition, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT document_id, name, file_version, sha256, size, state, created_at
		FROM renditions WHERE document_id = $1`+cond+` ORDER BY name`, args...)
	if err != nil {
		return nil, fmt.Errorf("renditions of %v: %w", args[0], err)
	}
	defer rows.Close()
	out := []dossier.Rendition{}
	for rows.Next() {
		var r dossier.Rendition
		if err := rows.Scan(&r.DocumentID, &r.Name, &r.FileVersion, &r.SHA256, &r.Size, &r.State, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("renditions of %v: %w", args[0], err)
		}
		r.CreatedAt = r.CreatedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

func (t *tx) DocumentsUsingBlob(ctx context.Context, sha string) ([]dossier.Document, error) {
	rows, err := t.tx.QueryContext(ctx, documentSelect+` WHERE d.id IN (
		SELECT document_id FROM file_versions WHERE sha256 = $1
		UNION SELECT document_id FROM renditions WHERE sha256 = $1) ORDER BY d.id`, sha)
	if err != nil {
		return nil, fmt.Errorf("documents using %s: %w", sha, err)
	}
	defer rows.Close()
	docs := []dossier.Document{}
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("documents using %s: %w", sha, err)
		}
		docs = append(docs, d)
	}
	return docs, rows.Err()
}
