package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// DocumentFacts reads the document and its facts with the same statements
// as Document, History, Approvals, FileVersions, Grants and DelegationsTo,
// sent as one batch.
func (t *tx) DocumentFacts(ctx context.Context, id, actorID string) (store.DocumentFacts, error) {
	var f store.DocumentFacts
	found := false
	err := t.batch(ctx, []BatchQuery{
		{SQL: documentSelect + ` WHERE d.id = $1`, Args: []any{id}, Read: func(r Rows) (err error) {
			if found = r.Next(); found {
				f.Document, err = scanDocument(r)
			}
			return err
		}},
		{SQL: historyQuery, Args: []any{id}, Read: func(r Rows) (err error) {
			f.History, err = readHistory(r, id)
			return err
		}},
		{SQL: `SELECT ` + approvalColumns + ` FROM approvals
			WHERE document_id = $1 AND round = (SELECT round FROM documents WHERE id = $1) ORDER BY level`,
			Args: []any{id}, Read: func(r Rows) (err error) {
				f.Approvals, err = readApprovals(r, id)
				return err
			}},
		{SQL: fileVersionsQuery, Args: []any{id}, Read: func(r Rows) (err error) {
			f.Files, err = readFiles(r, id)
			return err
		}},
		{SQL: grantsQuery, Args: []any{actorID, string(dossier.GrantConfirmed)}, Read: func(r Rows) (err error) {
			f.Grants, err = readGrants(r)
			return err
		}},
		{SQL: delegationsToQuery, Args: []any{actorID}, Read: func(r Rows) (err error) {
			f.Delegations, err = readDelegations(r, actorID)
			return err
		}},
	})
	if err != nil {
		return f, fmt.Errorf("read document %s with its facts: %w", id, err)
	}
	if !found {
		return f, notFound(sql.ErrNoRows, "document", id)
	}
	return f, nil
}
