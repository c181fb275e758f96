package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"dossier/internal/dossier"
)

func (t *tx) PutText(ctx context.Context, documentID string, fileVersion int, pages []string) error {
	if _, err := t.exec(ctx, `DELETE FROM document_text WHERE document_id = $1 AND file_version = $2`, documentID, fileVersion); err != nil {
		return fmt.Errorf("put text of %s/%d: %w", documentID, fileVersion, err)
	}
	// A file without pages (an image without OCR) keeps one empty page, so
	// that "extracted, nothing found" differs from "not extracted yet".
	if len(pages) == 0 {
		pages = []string{""}
	}
	for i, p := range pages {
		if _, err := t.exec(ctx, `INSERT INTO document_text (document_id, file_version, page, text) VALUES ($1, $2, $3, $4)`,
			documentID, fileVersion, i+1, p); err != nil {
			return fmt.Errorf("put text of %s/%d page %d: %w", documentID, fileVersion, i+1, err)
		}
	}
	return nil
}

func (t *tx) Text(ctx context.Context, documentID string, fileVersion int) ([]string, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT text FROM document_text WHERE document_id = $1 AND file_version = $2 ORDER BY page`,
		documentID, fileVersion)
	if err != nil {
		return nil, fmt.Errorf("text of %s/%d: %w", documentID, fileVersion, err)
	}
	defer rows.Close()
	var pages []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("text of %s/%d: %w", documentID, fileVersion, err)
		}
		pages = append(pages, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(pages) == 0 {
		return nil, dossier.Errorf(dossier.ENotFound, "no text extracted from %s version %d yet", documentID, fileVersion)
	}
	return pages, nil
}

func (t *tx) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := t.q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("setting %s: %w", key, err)
	}
	return v, nil
}

func (t *tx) SetSetting(ctx context.Context, key, value string) error {
	_, err := t.exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("set %s: %w", key, err)
	}
	return nil
}

func (t *tx) InitSetting(ctx context.Context, key, value string) (string, error) {
	if _, err := t.exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, value); err != nil {
		return "", fmt.Errorf("init %s: %w", key, err)
	}
	return t.Setting(ctx, key)
}

func (t *tx) DocumentIDsAfter(ctx context.Context, after string, limit int) ([]string, error) {
	rows, err := t.q.QueryContext(ctx, fmt.Sprintf(`SELECT id FROM documents WHERE id > $1 ORDER BY id LIMIT %d`, limit), after)
	if err != nil {
		return nil, fmt.Errorf("document ids after %q: %w", after, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("document ids after %q: %w", after, err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (t *tx) CountDocumentsAfter(ctx context.Context, after string) (int, error) {
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents WHERE id > $1`, after).Scan(&n); err != nil {
		return 0, fmt.Errorf("count documents: %w", err)
	}
	return n, nil
}
