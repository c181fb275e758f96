package sqldb

import (
	"context"
	"fmt"

	"dossier/internal/dossier"
)

// Renditions are derived files of a document (the stamped PDF); the blobs
// they and the file versions use decide what the archive locks.

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
	rows, err := t.q.QueryContext(ctx, `SELECT document_id, name, file_version, sha256, size, state, created_at
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
	rows, err := t.q.QueryContext(ctx, documentSelect+` WHERE d.id IN (
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
