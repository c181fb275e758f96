package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"dossier/internal/dossier"
)

const userColumns = `id, username, display_name, roles, approval_level, departments, disabled, version,
	password_hash, password_set_by, created_at, updated_at`

func (t *tx) CreateUser(ctx context.Context, u dossier.User) error {
	roles, departments, err := encodeUserLists(u)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO users (id, username, display_name, roles, approval_level, departments, disabled,
		version, password_hash, password_set_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		u.ID, u.Username, u.DisplayName, roles, u.ApprovalLevel, departments, u.Disabled, u.Version,
		u.PasswordHash, u.PasswordSetBy, u.CreatedAt.UTC(), u.UpdatedAt.UTC())
	if err = t.conflictOr(err, fmt.Sprintf("the username %q is taken", u.Username)); err != nil {
		return fmt.Errorf("create user %s: %w", u.Username, err)
	}
	return nil
}

func (t *tx) UpdateUser(ctx context.Context, u dossier.User, version int) error {
	roles, departments, err := encodeUserLists(u)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE users SET display_name = $1, roles = $2, approval_level = $3, departments = $4,
		disabled = $5, version = $6, password_hash = $7, password_set_by = $8, updated_at = $9
		WHERE id = $10 AND version = $11`,
		u.DisplayName, roles, u.ApprovalLevel, departments, u.Disabled, u.Version, u.PasswordHash, u.PasswordSetBy,
		u.UpdatedAt.UTC(), u.ID, version)
	if err != nil {
		return fmt.Errorf("update user %s: %w", u.Username, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return dossier.Errorf(dossier.EConflict, "user %s was changed by someone else (version %d is gone): read it again", u.Username, version)
	}
	return nil
}

func encodeUserLists(u dossier.User) (roles, departments string, err error) {
	r, err := json.Marshal(nonNil(u.Roles))
	if err != nil {
		return "", "", fmt.Errorf("encode roles: %w", err)
	}
	d, err := json.Marshal(nonNil(u.Departments))
	if err != nil {
		return "", "", fmt.Errorf("encode departments: %w", err)
	}
	return string(r), string(d), nil
}

func (t *tx) UserByID(ctx context.Context, id string) (dossier.User, error) {
	return t.user(ctx, `id`, id)
}

func (t *tx) UserByName(ctx context.Context, username string) (dossier.User, error) {
	return t.user(ctx, `username`, username)
}

func (t *tx) user(ctx context.Context, column, key string) (dossier.User, error) {
	row := t.hotQueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE `+column+` = $1`, key)
	u, err := scanUser(row)
	if err != nil {
		return u, notFound(err, "user", key)
	}
	return u, nil
}

func (t *tx) ListUsers(ctx context.Context) ([]dossier.User, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var users []dossier.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

// scanUser scans a row of userColumns, which may follow the columns that
// before scans.
func scanUser(s scanner, before ...any) (dossier.User, error) {
	var u dossier.User
	var roles, departments string
	if err := s.Scan(append(before, &u.ID, &u.Username, &u.DisplayName, &roles, &u.ApprovalLevel, &departments, &u.Disabled, &u.Version,
		&u.PasswordHash, &u.PasswordSetBy, &u.CreatedAt, &u.UpdatedAt)...); err != nil {
		return u, err
	}
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(roles), &u.Roles); err != nil {
		return u, fmt.Errorf("decode roles of %s: %w", u.ID, err)
	}
	if err := json.Unmarshal([]byte(departments), &u.Departments); err != nil {
		return u, fmt.Errorf("decode departments of %s: %w", u.ID, err)
	}
	return u, nil
}

func (t *tx) CreateSession(ctx context.Context, s dossier.Session) error {
	_, err := t.exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		s.TokenHash, s.UserID, s.CreatedAt.UTC(), s.ExpiresAt.UTC())
	if err != nil {
		return fmt.Errorf("create session for %s: %w", s.UserID, err)
	}
	return nil
}

func (t *tx) SessionUser(ctx context.Context, tokenHash string) (dossier.Session, dossier.User, error) {
	var s dossier.Session
	u, err := scanUser(t.hotQueryRow(ctx, `SELECT s.token_hash, s.user_id, s.created_at, s.expires_at, u.*
		FROM sessions s JOIN (SELECT `+userColumns+` FROM users) u ON u.id = s.user_id WHERE s.token_hash = $1`, tokenHash),
		&s.TokenHash, &s.UserID, &s.CreatedAt, &s.ExpiresAt)
	if err != nil {
		return s, u, notFound(err, "session", "(token)")
	}
	s.CreatedAt, s.ExpiresAt = s.CreatedAt.UTC(), s.ExpiresAt.UTC()
	return s, u, nil
}

func (t *tx) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := t.exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

func (t *tx) DeleteSessionsOf(ctx context.Context, userID string) error {
	if _, err := t.exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("end the sessions of %s: %w", userID, err)
	}
	return nil
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface{ Scan(dest ...any) error }

// nonNil makes a nil slice encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (t *tx) AddSignInFailure(ctx context.Context, at time.Time, keys ...string) error {
	for _, k := range keys {
		if _, err := t.exec(ctx, `INSERT INTO signin_failures (key, at) VALUES ($1, $2)`, k, at.UTC()); err != nil {
			return fmt.Errorf("record a failed sign-in: %w", err)
		}
	}
	return nil
}

func (t *tx) SignInFailures(ctx context.Context, key string, since time.Time) (n int, oldest time.Time, err error) {
	err = t.q.QueryRowContext(ctx, `SELECT count(*) FROM signin_failures WHERE key = $1 AND at > $2`, key, since.UTC()).Scan(&n)
	if err != nil || n == 0 {
		return 0, time.Time{}, err
	}
	// A column, not min(at): SQLite's driver types an aggregate as text.
	err = t.q.QueryRowContext(ctx, `SELECT at FROM signin_failures WHERE key = $1 AND at > $2 ORDER BY at LIMIT 1`,
		key, since.UTC()).Scan(&oldest)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("count failed sign-ins: %w", err)
	}
	return n, oldest.UTC(), nil
}

func (t *tx) PruneSignInFailures(ctx context.Context, before time.Time) error {
	if _, err := t.exec(ctx, `DELETE FROM signin_failures WHERE at <= $1`, before.UTC()); err != nil {
		return fmt.Errorf("forget old failed sign-ins: %w", err)
	}
	return nil
}
