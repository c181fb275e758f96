package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// documentSelect reads a document joined with its newest file version.
const documentSelect = `SELECT d.id, d.kind, d.subtype, d.title, d.number, d.customer, d.amount, d.currency,
	d.dates, d.product_codes, d.tags, d.fields, d.state, d.version, d.round, d.created_by, d.created_at, d.updated_at,
	d.legal_hold, d.archived_at,
	f.version, f.sha256, f.size, f.media_type, f.filename, f.page_count, f.created_by, f.created_at
FROM documents d
JOIN file_versions f ON f.document_id = d.id
	AND f.version = (SELECT MAX(version) FROM file_versions WHERE document_id = d.id)`

func (t *tx) CreateDocument(ctx context.Context, d dossier.Document) error {
	enc, err := encodeDocument(d)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO documents (id, kind, subtype, title, number, customer, amount, currency,
		dates, product_codes, tags, fields, state, version, round, created_by, created_at, updated_at, legal_hold, archived_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
		d.ID, string(d.Kind), d.Subtype, d.Title, d.Number, d.Customer, d.Amount, d.Currency,
		enc.dates, enc.codes, enc.tags, enc.fields, d.State, d.Version, d.Round, d.CreatedBy,
		d.CreatedAt.UTC(), d.UpdatedAt.UTC(), d.LegalHold, nullTime(d.ArchivedAt))
	if err = t.conflictOr(err, fmt.Sprintf("a document with id %s exists", d.ID)); err != nil {
		return fmt.Errorf("create document %s: %w", d.ID, err)
	}
	f := d.File
	f.DocumentID = d.ID
	return t.AddFileVersion(ctx, f)
}

func (t *tx) Document(ctx context.Context, id string) (dossier.Document, error) {
	d, err := scanDocument(t.hotQueryRow(ctx, documentSelect+` WHERE d.id = $1`, id))
	if err != nil {
		return d, notFound(err, "document", id)
	}
	return d, nil
}

func (t *tx) ListDocuments(ctx context.Context, f store.DocumentFilter) ([]dossier.Document, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Kind != "" {
		add("d.kind = $%d", string(f.Kind))
	}
	if f.State != "" {
		add("d.state = $%d", f.State)
	}
	if f.Customer != "" {
		add("d.customer = $%d", f.Customer)
	}
	if f.Subtype != "" {
		add("d.subtype = $%d", f.Subtype)
	}
	if f.Currency != "" {
		add("d.currency = $%d", f.Currency)
	}
	if len(f.In) > 0 {
		var pairs []string
		for _, ks := range f.In {
			args = append(args, string(ks.Kind), ks.State)
			pairs = append(pairs, fmt.Sprintf("(d.kind = $%d AND d.state = $%d)", len(args)-1, len(args)))
		}
		where = append(where, "("+strings.Join(pairs, " OR ")+")")
	}
	if f.Cursor != "" {
		add("d.id < $%d", f.Cursor)
	}
	q := documentSelect
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY d.id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := t.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()
	docs := []dossier.Document{}
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("list documents: %w", err)
		}
		docs = append(docs, d)
	}
	return docs, rows.Err()
}

func (t *tx) UpdateDocument(ctx context.Context, d dossier.Document, expectVersion int) error {
	enc, err := encodeDocument(d)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE documents SET subtype = $1, title = $2, number = $3, customer = $4,
		amount = $5, currency = $6, dates = $7, product_codes = $8, tags = $9, fields = $10, state = $11,
		version = $12, updated_at = $13, legal_hold = $14, archived_at = $15, round = $16
		WHERE id = $17 AND version = $18`,
		d.Subtype, d.Title, d.Number, d.Customer, d.Amount, d.Currency, enc.dates, enc.codes, enc.tags,
		enc.fields, d.State, d.Version, d.UpdatedAt.UTC(), d.LegalHold, nullTime(d.ArchivedAt), d.Round, d.ID, expectVersion)
	if err != nil {
		return fmt.Errorf("update document %s: %w", d.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("update document %s: %w", d.ID, err)
	}
	if n == 0 {
		return dossier.Errorf(dossier.EConflict,
			"document %s changed since version %d was read: reload it and try again", d.ID, expectVersion)
	}
	return nil
}

type encodedDocument struct{ dates, codes, tags, fields string }

func encodeDocument(d dossier.Document) (encodedDocument, error) {
	var e encodedDocument
	dates := d.Dates
	if dates == nil {
		dates = map[string]string{}
	}
	for dst, v := range map[*string]any{&e.dates: dates, &e.codes: nonNil(d.ProductCodes), &e.tags: nonNil(d.Tags)} {
		b, err := json.Marshal(v)
		if err != nil {
			return e, fmt.Errorf("encode document %s: %w", d.ID, err)
		}
		*dst = string(b)
	}
	e.fields = "{}"
	if len(d.Fields) > 0 && string(d.Fields) != "null" {
		e.fields = string(d.Fields)
	}
	return e, nil
}

func scanDocument(s scanner) (dossier.Document, error) {
	var d dossier.Document
	var kind, dates, codes, tags, fields string
	var archived sql.NullTime
	f := &d.File
	err := s.Scan(&d.ID, &kind, &d.Subtype, &d.Title, &d.Number, &d.Customer, &d.Amount, &d.Currency,
		&dates, &codes, &tags, &fields, &d.State, &d.Version, &d.Round, &d.CreatedBy, &d.CreatedAt, &d.UpdatedAt,
		&d.LegalHold, &archived,
		&f.Version, &f.SHA256, &f.Size, &f.MediaType, &f.Filename, &f.PageCount, &f.CreatedBy, &f.CreatedAt)
	if err != nil {
		return d, err
	}
	d.Kind = dossier.Kind(kind)
	d.CreatedAt, d.UpdatedAt, f.CreatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC(), f.CreatedAt.UTC()
	f.DocumentID = d.ID
	d.ArchivedAt = timeOrNil(archived)
	d.Fields = json.RawMessage(fields)
	for _, c := range []struct {
		src string
		dst any
	}{{dates, &d.Dates}, {codes, &d.ProductCodes}, {tags, &d.Tags}} {
		if err := json.Unmarshal([]byte(c.src), c.dst); err != nil {
			return d, fmt.Errorf("decode document %s: %w", d.ID, err)
		}
	}
	return d, nil
}

func nullTime(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: t.UTC(), Valid: true}
}

// timeOrNil is nullTime's inverse.
func timeOrNil(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}
