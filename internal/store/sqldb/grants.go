package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"dossier/internal/dossier"
)

// grantChange is the JSON of grants.change.
type grantChange struct {
	Roles         []dossier.Role      `json:"roles,omitempty"`
	ApprovalLevel int                 `json:"approval_level,omitempty"`
	Delegation    *dossier.Delegation `json:"delegation,omitempty"`
}

func (t *tx) AddGrant(ctx context.Context, g dossier.Grant) error {
	change, err := json.Marshal(grantChange{Roles: g.Roles, ApprovalLevel: g.ApprovalLevel, Delegation: g.Delegation})
	if err != nil {
		return fmt.Errorf("encode grant: %w", err)
	}
	_, err = t.exec(ctx, `INSERT INTO grants (id, user_id, kind, state, change, requested_by, requested_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		g.ID, g.UserID, string(g.Kind), string(g.State), string(change), g.RequestedBy, g.RequestedAt.UTC())
	if err != nil {
		return fmt.Errorf("record grant for %s: %w", g.UserID, err)
	}
	return nil
}

const grantColumns = `id, user_id, kind, state, change, requested_by, requested_at, decided_by, decided_at`

func (t *tx) Grant(ctx context.Context, id string) (dossier.Grant, error) {
	g, err := scanGrant(t.q.QueryRowContext(ctx, `SELECT `+grantColumns+` FROM grants WHERE id = $1`, id))
	if err != nil {
		return g, notFound(err, "grant", id)
	}
	return g, nil
}

const grantsQuery = `SELECT ` + grantColumns + ` FROM grants
	WHERE ($1 = '' OR user_id = $1) AND ($2 = '' OR state = $2) ORDER BY requested_at, id`

func (t *tx) Grants(ctx context.Context, userID string, state dossier.GrantState) ([]dossier.Grant, error) {
	rows, err := t.hotQuery(ctx, grantsQuery, userID, string(state))
	if err != nil {
		return nil, fmt.Errorf("list grants: %w", err)
	}
	defer rows.Close()
	return readGrants(rows)
}

func readGrants(rows Rows) ([]dossier.Grant, error) {
	out := []dossier.Grant{}
	for rows.Next() {
		g, err := scanGrant(rows)
		if err != nil {
			return nil, fmt.Errorf("list grants: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func (t *tx) DecideGrant(ctx context.Context, id string, state dossier.GrantState, by string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE grants SET state = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND state = $5`,
		string(state), by, at.UTC(), id, string(dossier.GrantPending))
	if err != nil {
		return fmt.Errorf("decide grant %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return dossier.Errorf(dossier.EConflict, "grant %s is no longer pending: someone decided it first", id)
	}
	return nil
}

func scanGrant(s scanner) (dossier.Grant, error) {
	var g dossier.Grant
	var kind, state, change string
	var decidedAt sql.NullTime
	if err := s.Scan(&g.ID, &g.UserID, &kind, &state, &change, &g.RequestedBy, &g.RequestedAt, &g.DecidedBy, &decidedAt); err != nil {
		return g, err
	}
	g.Kind, g.State, g.RequestedAt = dossier.GrantKind(kind), dossier.GrantState(state), g.RequestedAt.UTC()
	g.DecidedAt = timeOrNil(decidedAt)
	var c grantChange
	if err := json.Unmarshal([]byte(change), &c); err != nil {
		return g, fmt.Errorf("decode grant %s: %w", g.ID, err)
	}
	g.Roles, g.ApprovalLevel, g.Delegation = c.Roles, c.ApprovalLevel, c.Delegation
	return g, nil
}
