package sqldb

import (
	"context"
	"fmt"

	"dossier/internal/dossier"
)

const viewColumns = `id, owner, name, query, shared, created_at`

func (t *tx) AddView(ctx context.Context, v dossier.SavedView) error {
	_, err := t.exec(ctx, `INSERT INTO saved_views (`+viewColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		v.ID, v.Owner, v.Name, v.Query, v.Shared, v.CreatedAt.UTC())
	if err = t.conflictOr(err, fmt.Sprintf("you have a view named %q: choose another name or delete it first", v.Name)); err != nil {
		return fmt.Errorf("save view %s: %w", v.Name, err)
	}
	return nil
}

func (t *tx) View(ctx context.Context, id string) (dossier.SavedView, error) {
	v, err := scanView(t.q.QueryRowContext(ctx, `SELECT `+viewColumns+` FROM saved_views WHERE id = $1`, id))
	if err != nil {
		return v, notFound(err, "view", id)
	}
	return v, nil
}

func (t *tx) Views(ctx context.Context, owner string) ([]dossier.SavedView, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT `+viewColumns+` FROM saved_views
		WHERE owner = $1 OR shared = $2 ORDER BY name, id`, owner, true)
	if err != nil {
		return nil, fmt.Errorf("list views: %w", err)
	}
	defer rows.Close()
	out := []dossier.SavedView{}
	for rows.Next() {
		v, err := scanView(rows)
		if err != nil {
			return nil, fmt.Errorf("list views: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (t *tx) DeleteView(ctx context.Context, owner, id string) error {
	res, err := t.exec(ctx, `DELETE FROM saved_views WHERE id = $1 AND owner = $2`, id, owner)
	if err != nil {
		return fmt.Errorf("delete view %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return fmt.Errorf("delete view %s: %w", id, err)
		}
		return dossier.Errorf(dossier.ENotFound, "view %s not found among yours", dossier.Clip(id))
	}
	return nil
}

func scanView(s scanner) (dossier.SavedView, error) {
	var v dossier.SavedView
	err := s.Scan(&v.ID, &v.Owner, &v.Name, &v.Query, &v.Shared, &v.CreatedAt)
	v.CreatedAt = v.CreatedAt.UTC()
	return v, err
}
