package sqldb

import (
	"context"
	"fmt"

	"dossier/internal/dossier"
)

const fileColumns = `document_id, version, sha256, size, media_type, filename, page_count, created_by, created_at`

func (t *tx) AddFileVersion(ctx context.Context, f dossier.FileVersion) error {
	_, err := t.exec(ctx, `INSERT INTO file_versions (`+fileColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		f.DocumentID, f.Version, f.SHA256, f.Size, f.MediaType, f.Filename, f.PageCount, f.CreatedBy, f.CreatedAt.UTC())
	msg := fmt.Sprintf("document %s already has file version %d", f.DocumentID, f.Version)
	if err = t.conflictOr(err, msg); err != nil {
		return fmt.Errorf("add file version %s/%d: %w", f.DocumentID, f.Version, err)
	}
	return nil
}

func (t *tx) FileVersion(ctx context.Context, documentID string, version int) (dossier.FileVersion, error) {
	row := t.q.QueryRowContext(ctx, `SELECT `+fileColumns+` FROM file_versions WHERE document_id = $1 AND version = $2`,
		documentID, version)
	f, err := scanFile(row)
	if err != nil {
		return f, notFound(err, "file version", fmt.Sprintf("%s/%d", documentID, version))
	}
	return f, nil
}

const fileVersionsQuery = `SELECT ` + fileColumns + ` FROM file_versions WHERE document_id = $1 ORDER BY version`

func (t *tx) FileVersions(ctx context.Context, documentID string) ([]dossier.FileVersion, error) {
	rows, err := t.hotQuery(ctx, fileVersionsQuery, documentID)
	if err != nil {
		return nil, fmt.Errorf("list file versions of %s: %w", documentID, err)
	}
	defer rows.Close()
	return readFiles(rows, documentID)
}

func readFiles(rows Rows, documentID string) ([]dossier.FileVersion, error) {
	var files []dossier.FileVersion
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, fmt.Errorf("list file versions of %s: %w", documentID, err)
		}
		files = append(files, f)
	}
	return files, rows.Err()
}

func (t *tx) BlobInUse(ctx context.Context, sha256 string) (bool, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM file_versions WHERE sha256 = $1`, sha256).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look up blob %s: %w", sha256, err)
	}
	return n > 0, nil
}

func scanFile(s scanner) (dossier.FileVersion, error) {
	var f dossier.FileVersion
	err := s.Scan(&f.DocumentID, &f.Version, &f.SHA256, &f.Size, &f.MediaType, &f.Filename, &f.PageCount, &f.CreatedBy, &f.CreatedAt)
	f.CreatedAt = f.CreatedAt.UTC()
	return f, err
}

func (t *tx) AddLink(ctx context.Context, l dossier.Link) error {
	_, err := t.exec(ctx, `INSERT INTO links (document_id, target_id, relation, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
		l.DocumentID, l.TargetID, string(l.Relation), l.CreatedBy, l.CreatedAt.UTC())
	msg := fmt.Sprintf("document %s already links to %s as %s", l.DocumentID, l.TargetID, l.Relation)
	if err = t.conflictOr(err, msg); err != nil {
		return fmt.Errorf("add link %s -> %s: %w", l.DocumentID, l.TargetID, err)
	}
	return nil
}

func (t *tx) Links(ctx context.Context, documentID string) ([]dossier.Link, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT document_id, target_id, relation, created_by, created_at
		FROM links WHERE document_id = $1 OR target_id = $1 ORDER BY created_at, document_id, target_id`, documentID)
	if err != nil {
		return nil, fmt.Errorf("list links of %s: %w", documentID, err)
	}
	defer rows.Close()
	links := []dossier.Link{}
	for rows.Next() {
		var l dossier.Link
		var rel string
		if err := rows.Scan(&l.DocumentID, &l.TargetID, &rel, &l.CreatedBy, &l.CreatedAt); err != nil {
			return nil, fmt.Errorf("list links of %s: %w", documentID, err)
		}
		l.Relation, l.CreatedAt = dossier.Relation(rel), l.CreatedAt.UTC()
		links = append(links, l)
	}
	return links, rows.Err()
}
