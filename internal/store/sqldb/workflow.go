package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"dossier/internal/dossier"
)

func (t *tx) AddHistory(ctx context.Context, h dossier.HistoryEntry) error {
	payload := string(h.Payload)
	if payload == "" || payload == "null" {
		payload = "{}"
	}
	_, err := t.exec(ctx, `INSERT INTO history (document_id, event, from_state, to_state, actor, on_behalf_of, comment, payload, version, at, sha256)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		h.DocumentID, h.Event, h.From, h.To, h.Actor, h.OnBehalfOf, h.Comment, payload, h.Version, h.At.UTC(), h.SHA256)
	if err != nil {
		return fmt.Errorf("add history %s %s: %w", h.DocumentID, h.Event, err)
	}
	return nil
}

const historyColumns = `h.id, h.document_id, h.event, h.from_state, h.to_state, h.actor, h.on_behalf_of, h.comment, h.payload, h.version, h.at, h.sha256`

const historyQuery = `SELECT ` + historyColumns + ` FROM history h WHERE h.document_id = $1 ORDER BY h.id`

func (t *tx) History(ctx context.Context, documentID string) ([]dossier.HistoryEntry, error) {
	rows, err := t.hotQuery(ctx, historyQuery, documentID)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", documentID, err)
	}
	return scanHistory(rows, documentID)
}

func scanHistory(rows *sql.Rows, of string) ([]dossier.HistoryEntry, error) {
	defer rows.Close()
	return readHistory(rows, of)
}

func readHistory(rows Rows, of string) ([]dossier.HistoryEntry, error) {
	out := []dossier.HistoryEntry{}
	for rows.Next() {
		var h dossier.HistoryEntry
		var payload string
		if err := rows.Scan(&h.ID, &h.DocumentID, &h.Event, &h.From, &h.To, &h.Actor, &h.OnBehalfOf, &h.Comment, &payload, &h.Version, &h.At, &h.SHA256); err != nil {
			return nil, fmt.Errorf("history of %s: %w", of, err)
		}
		h.Payload, h.At = []byte(payload), h.At.UTC()
		out = append(out, h)
	}
	return out, rows.Err()
}

func (t *tx) AddApproval(ctx context.Context, a dossier.Approval) error {
	_, err := t.exec(ctx, `INSERT INTO approvals (document_id, round, level, approver_id, on_behalf_of, at, sha256)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		a.DocumentID, a.Round, a.Level, a.ApproverID, a.OnBehalfOf, a.At.UTC(), a.SHA256)
	msg := fmt.Sprintf("level %d of document %s is already approved in this round", a.Level, a.DocumentID)
	if err = t.conflictOr(err, msg); err != nil {
		return fmt.Errorf("approve %s level %d: %w", a.DocumentID, a.Level, err)
	}
	return nil
}

const approvalColumns = `document_id, round, level, approver_id, on_behalf_of, at, sha256`

func (t *tx) Approvals(ctx context.Context, documentID string, round int) ([]dossier.Approval, error) {
	rows, err := t.hotQuery(ctx, `SELECT `+approvalColumns+`
		FROM approvals WHERE document_id = $1 AND round = $2 ORDER BY level`, documentID, round)
	if err != nil {
		return nil, fmt.Errorf("approvals of %s: %w", documentID, err)
	}
	defer rows.Close()
	return readApprovals(rows, documentID)
}

func readApprovals(rows Rows, documentID string) ([]dossier.Approval, error) {
	out := []dossier.Approval{}
	for rows.Next() {
		var a dossier.Approval
		if err := rows.Scan(&a.DocumentID, &a.Round, &a.Level, &a.ApproverID, &a.OnBehalfOf, &a.At, &a.SHA256); err != nil {
			return nil, fmt.Errorf("approvals of %s: %w", documentID, err)
		}
		a.At = a.At.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

func (t *tx) AddReview(ctx context.Context, r dossier.Review) (int64, error) {
	var id int64
	err := t.q.QueryRowContext(ctx, `INSERT INTO reviews (document_id, round, department, decision, comment, reviewer_id, at, sha256)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		r.DocumentID, r.Round, r.Department, r.Decision, r.Comment, r.ReviewerID, r.At.UTC(), r.SHA256).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("review %s by %s: %w", r.DocumentID, r.Department, err)
	}
	return id, nil
}

func (t *tx) Reviews(ctx context.Context, documentID string, round int) ([]dossier.Review, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT id, document_id, round, department, decision, comment, reviewer_id, at, sha256
		FROM reviews WHERE document_id = $1 AND round = $2 ORDER BY id`, documentID, round)
	if err != nil {
		return nil, fmt.Errorf("reviews of %s: %w", documentID, err)
	}
	defer rows.Close()
	out := []dossier.Review{}
	for rows.Next() {
		var r dossier.Review
		if err := rows.Scan(&r.ID, &r.DocumentID, &r.Round, &r.Department, &r.Decision, &r.Comment, &r.ReviewerID, &r.At, &r.SHA256); err != nil {
			return nil, fmt.Errorf("reviews of %s: %w", documentID, err)
		}
		r.At = r.At.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

func (t *tx) HistoryOfKind(ctx context.Context, kind dossier.Kind, events []string) ([]dossier.HistoryEntry, error) {
	if len(events) == 0 {
		return []dossier.HistoryEntry{}, nil
	}
	args := []any{string(kind)}
	marks := make([]string, len(events))
	for i, e := range events {
		args = append(args, e)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	rows, err := t.q.QueryContext(ctx, `SELECT `+historyColumns+` FROM history h JOIN documents d ON d.id = h.document_id
		WHERE d.kind = $1 AND h.event IN (`+strings.Join(marks, ", ")+`) ORDER BY h.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", kind, err)
	}
	return scanHistory(rows, string(kind))
}
