package sqldb

import (
	"context"
	"fmt"
	"strings"

	"dossier/internal/auditchain"
	"dossier/internal/dossier"
	"dossier/internal/store"
)

const auditColumns = `seq, stream, stream_seq, time, actor, action, document_id, details, prev_hash, hash`

// AppendAudit locks the stream's head row, so that writers to one stream
// queue up while writers to other streams (other documents) go on in parallel.
func (t *tx) AppendAudit(ctx context.Context, e dossier.AuditEvent) (dossier.AuditEvent, error) {
	if e.Stream == "" {
		e.Stream = dossier.SystemStream
		if e.DocumentID != "" {
			e.Stream = e.DocumentID
		}
	}
	if len(e.Details) == 0 {
		e.Details = []byte("{}")
	}
	// One statement creates the head if needed, locks it and reads it: the
	// no-op update takes the row lock on PostgreSQL; SQLite holds the database.
	var head store.AuditHead
	err := t.q.QueryRowContext(ctx, `INSERT INTO audit_heads (stream, stream_seq, hash) VALUES ($1, 0, '')
		ON CONFLICT (stream) DO UPDATE SET stream = excluded.stream RETURNING stream_seq, hash`, e.Stream).
		Scan(&head.StreamSeq, &head.Hash)
	if err != nil {
		return e, fmt.Errorf("append audit %s: lock head: %w", e.Action, err)
	}
	auditchain.Seal(&e, head.Hash, head.StreamSeq+1)
	if t.d.ModifyingCTE {
		// The event and its head's move in one statement: a round trip less
		// for every change, each of which appends one.
		err = t.q.QueryRowContext(ctx, `WITH ev AS (INSERT INTO audit_events (stream, stream_seq, time, actor, action, document_id, details, prev_hash, hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq)
			UPDATE audit_heads SET stream_seq = $2, hash = $9 FROM ev WHERE stream = $1 RETURNING ev.seq`,
			e.Stream, e.StreamSeq, e.Time, e.Actor, e.Action, e.DocumentID, string(e.Details), e.PrevHash, e.Hash).Scan(&e.Seq)
		if err != nil {
			return e, fmt.Errorf("append audit %s: %w", e.Action, err)
		}
		return e, nil
	}
	err = t.q.QueryRowContext(ctx, `INSERT INTO audit_events (stream, stream_seq, time, actor, action, document_id, details, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq`,
		e.Stream, e.StreamSeq, e.Time, e.Actor, e.Action, e.DocumentID, string(e.Details), e.PrevHash, e.Hash).Scan(&e.Seq)
	if err != nil {
		return e, fmt.Errorf("append audit %s: %w", e.Action, err)
	}
	if _, err := t.exec(ctx, `UPDATE audit_heads SET stream_seq = $1, hash = $2 WHERE stream = $3`,
		e.StreamSeq, e.Hash, e.Stream); err != nil {
		return e, fmt.Errorf("append audit %s: move head: %w", e.Action, err)
	}
	return e, nil
}

func (t *tx) ListAudit(ctx context.Context, f store.AuditFilter) ([]dossier.AuditEvent, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.DocumentID != "" {
		add("document_id = $%d", f.DocumentID)
	}
	if f.Actor != "" {
		add("actor = $%d", f.Actor)
	}
	if f.Action != "" {
		add("action = $%d", f.Action)
	}
	if !f.Since.IsZero() {
		add("time >= $%d", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		add("time < $%d", f.Until.UTC())
	}
	if f.AfterSeq > 0 {
		add("seq > $%d", f.AfterSeq)
	}
	q := `SELECT ` + auditColumns + ` FROM audit_events`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	events := []dossier.AuditEvent{}
	err := t.scanAudit(ctx, q, args, func(e dossier.AuditEvent) error {
		events = append(events, e)
		return nil
	})
	return events, err
}

func (t *tx) ScanAudit(ctx context.Context, fn func(dossier.AuditEvent) error) error {
	return t.scanAudit(ctx, `SELECT `+auditColumns+` FROM audit_events ORDER BY seq`, nil, fn)
}

func (t *tx) scanAudit(ctx context.Context, q string, args []any, fn func(dossier.AuditEvent) error) error {
	rows, err := t.q.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read audit events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e dossier.AuditEvent
		var details string
		if err := rows.Scan(&e.Seq, &e.Stream, &e.StreamSeq, &e.Time, &e.Actor, &e.Action, &e.DocumentID,
			&details, &e.PrevHash, &e.Hash); err != nil {
			return fmt.Errorf("read audit events: %w", err)
		}
		e.Time, e.Details = e.Time.UTC(), []byte(details)
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (t *tx) AuditHeads(ctx context.Context) (map[string]store.AuditHead, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT stream, stream_seq, hash FROM audit_heads WHERE stream_seq > 0`)
	if err != nil {
		return nil, fmt.Errorf("read audit heads: %w", err)
	}
	defer rows.Close()
	heads := map[string]store.AuditHead{}
	for rows.Next() {
		var stream string
		var h store.AuditHead
		if err := rows.Scan(&stream, &h.StreamSeq, &h.Hash); err != nil {
			return nil, fmt.Errorf("read audit heads: %w", err)
		}
		heads[stream] = h
	}
	return heads, rows.Err()
}
