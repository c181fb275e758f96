package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"dossier/internal/dossier"
)

func (t *tx) ClaimLCNumber(ctx context.Context, key, documentID string) error {
	var owner string
	err := t.q.QueryRowContext(ctx, `SELECT document_id FROM lc_numbers WHERE bank_number = $1`, key).Scan(&owner)
	switch {
	case err == nil && owner == documentID:
		return nil
	case err == nil:
		return dossier.Errorf(dossier.EConflict, "this credit (%s) is already document %s", key, owner)
	}
	_, err = t.exec(ctx, `INSERT INTO lc_numbers (bank_number, document_id) VALUES ($1, $2)`, key, documentID)
	if err = t.conflictOr(err, fmt.Sprintf("this credit (%s) is already another document: it was made at the same moment", key)); err != nil {
		return fmt.Errorf("claim credit %s: %w", key, err)
	}
	return nil
}

func (t *tx) AddAmendment(ctx context.Context, a dossier.Amendment) error {
	_, err := t.exec(ctx, `INSERT INTO lc_amendments (id, document_id, number, message, state, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.ID, a.DocumentID, a.Number, string(a.Message), a.State, a.CreatedBy, a.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("record amendment of %s: %w", a.DocumentID, err)
	}
	return nil
}

const amendmentColumns = `id, document_id, number, message, state, created_by, created_at, decided_by, decided_at`

func (t *tx) Amendments(ctx context.Context, documentID string) ([]dossier.Amendment, error) {
	return t.amendments(ctx, `document_id = $1`, documentID)
}

func (t *tx) PendingAmendments(ctx context.Context) ([]dossier.Amendment, error) {
	return t.amendments(ctx, `state = $1`, dossier.AmendmentPending)
}

func (t *tx) amendments(ctx context.Context, cond, arg string) ([]dossier.Amendment, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT `+amendmentColumns+` FROM lc_amendments WHERE `+cond+` ORDER BY created_at, id`, arg)
	if err != nil {
		return nil, fmt.Errorf("amendments: %w", err)
	}
	defer rows.Close()
	out := []dossier.Amendment{}
	for rows.Next() {
		var a dossier.Amendment
		var number sql.NullInt64
		var message string
		var decided sql.NullTime
		if err := rows.Scan(&a.ID, &a.DocumentID, &number, &message, &a.State, &a.CreatedBy, &a.CreatedAt, &a.DecidedBy, &decided); err != nil {
			return nil, fmt.Errorf("amendments: %w", err)
		}
		if number.Valid {
			n := int(number.Int64)
			a.Number = &n
		}
		a.Message, a.CreatedAt, a.DecidedAt = json.RawMessage(message), a.CreatedAt.UTC(), timeOrNil(decided)
		out = append(out, a)
	}
	return out, rows.Err()
}

func (t *tx) DecideAmendment(ctx context.Context, id, state, by string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE lc_amendments SET state = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND state = $5`,
		state, by, at.UTC(), id, dossier.AmendmentPending)
	if err != nil {
		return fmt.Errorf("settle amendment %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return dossier.Errorf(dossier.EConflict, "amendment %s is no longer pending: someone settled it first", id)
	}
	return nil
}
