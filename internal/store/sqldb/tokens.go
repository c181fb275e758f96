package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"dossier/internal/dossier"
)

func (t *tx) AddAPIToken(ctx context.Context, k dossier.APIToken) error {
	_, err := t.exec(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, created_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, k.ID, k.UserID, k.Name, k.TokenHash, k.CreatedBy, k.CreatedAt.UTC(), nullTime(k.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create token %s: %w", k.Name, err)
	}
	return nil
}

const tokenColumns = `id, user_id, name, token_hash, created_by, created_at, expires_at, last_used_at, revoked_at`

func (t *tx) APITokenByHash(ctx context.Context, hash string) (dossier.APIToken, error) {
	k, err := scanToken(t.q.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = $1`, hash))
	if err != nil {
		return k, notFound(err, "token", "given")
	}
	return k, nil
}

func (t *tx) APIToken(ctx context.Context, id string) (dossier.APIToken, error) {
	k, err := scanToken(t.q.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = $1`, id))
	if err != nil {
		return k, notFound(err, "token", id)
	}
	return k, nil
}

func (t *tx) APITokens(ctx context.Context, userID string) ([]dossier.APIToken, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens
		WHERE $1 = '' OR user_id = $1 ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	out := []dossier.APIToken{}
	for rows.Next() {
		k, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func (t *tx) RevokeAPIToken(ctx context.Context, id string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, at.UTC(), id)
	if err != nil {
		return fmt.Errorf("revoke token %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return dossier.Errorf(dossier.EConflict, "token %s is already revoked", id)
	}
	return nil
}

func (t *tx) TouchAPIToken(ctx context.Context, id string, at time.Time) error {
	if _, err := t.exec(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, at.UTC(), id); err != nil {
		return fmt.Errorf("record the use of token %s: %w", id, err)
	}
	return nil
}

func scanToken(s scanner) (dossier.APIToken, error) {
	var k dossier.APIToken
	var expires, used, revoked sql.NullTime
	if err := s.Scan(&k.ID, &k.UserID, &k.Name, &k.TokenHash, &k.CreatedBy, &k.CreatedAt, &expires, &used, &revoked); err != nil {
		return k, err
	}
	k.CreatedAt = k.CreatedAt.UTC()
	k.ExpiresAt, k.LastUsedAt, k.RevokedAt = timeOrNil(expires), timeOrNil(used), timeOrNil(revoked)
	return k, nil
}
