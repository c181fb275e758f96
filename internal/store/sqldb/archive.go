package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// documentParts are the tables that keep something of one document, with
// the condition that selects its rows, children before the documents row
// their foreign keys point at. A table added with a reference to documents
// belongs here, or DeleteDocument fails on its foreign key (loudly, having
// changed nothing). Audit events are not a part: they outlive the document.
var documentParts = []struct{ table, where string }{
	{"document_text", "document_id = $1"},
	{"lc_numbers", "document_id = $1"},
	{"lc_amendments", "document_id = $1"},
	{"notifications", "document_id = $1"},
	{"renditions", "document_id = $1"},
	{"reviews", "document_id = $1"},
	{"approvals", "document_id = $1"},
	{"history", "document_id = $1"},
	{"links", "document_id = $1 OR target_id = $1"},
	{"file_versions", "document_id = $1"},
	{"documents", "id = $1"},
}

func (t *tx) DeleteDocument(ctx context.Context, id string) error {
	var one int
	err := t.q.QueryRowContext(ctx, `SELECT 1 FROM documents WHERE id = $1`, id).Scan(&one)
	if err != nil {
		return fmt.Errorf("delete document: %w", notFound(err, "document", id))
	}
	for _, p := range documentParts {
		if _, err := t.exec(ctx, `DELETE FROM `+p.table+` WHERE `+p.where, id); err != nil {
			return fmt.Errorf("delete document %s: %s: %w", id, p.table, err)
		}
	}
	return nil
}

func (t *tx) ScanArchived(ctx context.Context, f store.ArchiveFilter, fn func(store.Archived) error) error {
	where := []string{"archived_at IS NOT NULL"}
	var args []any
	if f.Kind != "" {
		args = append(args, string(f.Kind))
		where = append(where, fmt.Sprintf("kind = $%d", len(args)))
	}
	if !f.Before.IsZero() {
		args = append(args, f.Before.UTC())
		where = append(where, fmt.Sprintf("archived_at < $%d", len(args)))
	}
	rows, err := t.q.QueryContext(ctx, `SELECT id, kind, state, number, title, archived_at, legal_hold FROM documents
		WHERE `+strings.Join(where, " AND ")+` ORDER BY archived_at, id`, args...)
	if err != nil {
		return fmt.Errorf("list archived documents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a store.Archived
		var kind string
		var at sql.NullTime
		if err := rows.Scan(&a.ID, &kind, &a.State, &a.Number, &a.Title, &at, &a.LegalHold); err != nil {
			return fmt.Errorf("list archived documents: %w", err)
		}
		a.Kind, a.ArchivedAt = dossier.Kind(kind), at.Time.UTC()
		if err := fn(a); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (t *tx) ScanBlobRefs(ctx context.Context, fn func(store.BlobRef) error) error {
	rows, err := t.q.QueryContext(ctx, `SELECT sha256, size, document_id, version, '' FROM file_versions
		UNION ALL SELECT sha256, size, document_id, file_version, name FROM renditions`)
	if err != nil {
		return fmt.Errorf("list blob references: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r store.BlobRef
		if err := rows.Scan(&r.SHA256, &r.Size, &r.DocumentID, &r.FileVersion, &r.Rendition); err != nil {
			return fmt.Errorf("list blob references: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
