package sqldb

import (
	"context"
	"fmt"

	"dossier/internal/dossier"
)

func (t *tx) ClaimLCNumber(ctx context.Context, key, documentID string) error {
	var owner string
	err := t.tx.QueryRowContext(ctx, `SELECT document_id FROM lc_numbers WHERE bank_number = $1`, key).Scan(&owner)
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
