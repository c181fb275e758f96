package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"dossier/internal/dossier"
)

func (t *tx) AddNotification(ctx context.Context, n dossier.Notification) (bool, error) {
	res, err := t.exec(ctx, `INSERT INTO notifications (id, key, document_id, kind, deadline, due_on, days_left, message, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING`,
		n.ID, n.Key, n.DocumentID, n.Kind, n.Deadline, n.DueOn, n.DaysLeft, n.Message, n.CreatedAt.UTC())
	if err != nil {
		return false, fmt.Errorf("record notification %s: %w", n.Key, err)
	}
	added, err := res.RowsAffected()
	return added == 1, err
}

const notificationColumns = `id, key, document_id, kind, deadline, due_on, days_left, message, created_at, webhook_at, email_at, attempts, last_error`

func (t *tx) Notification(ctx context.Context, id string) (dossier.Notification, error) {
	n, err := scanNotification(t.q.QueryRowContext(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE id = $1`, id))
	if err != nil {
		return n, notFound(err, "notification", id)
	}
	return n, nil
}

func (t *tx) Notifications(ctx context.Context, documentID string, limit int) ([]dossier.Notification, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE $1 = '' OR document_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, documentID, limit)
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	defer rows.Close()
	out := []dossier.Notification{}
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, fmt.Errorf("list notifications: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func (t *tx) DeliveredNotification(ctx context.Context, id, channel string, at time.Time, failure string) error {
	var q string
	switch {
	case failure != "":
		q = `UPDATE notifications SET attempts = attempts + 1, last_error = $1 WHERE id = $2`
		_, err := t.exec(ctx, q, failure, id)
		return err
	case channel == "webhook":
		q = `UPDATE notifications SET webhook_at = $1, attempts = attempts + 1 WHERE id = $2`
	case channel == "email":
		q = `UPDATE notifications SET email_at = $1, attempts = attempts + 1 WHERE id = $2`
	default:
		return fmt.Errorf("notification %s: unknown channel %q", id, channel)
	}
	if _, err := t.exec(ctx, q, at.UTC(), id); err != nil {
		return fmt.Errorf("note the delivery of %s: %w", id, err)
	}
	return nil
}

func scanNotification(s scanner) (dossier.Notification, error) {
	var n dossier.Notification
	var webhook, email sql.NullTime
	err := s.Scan(&n.ID, &n.Key, &n.DocumentID, &n.Kind, &n.Deadline, &n.DueOn, &n.DaysLeft, &n.Message, &n.CreatedAt,
		&webhook, &email, &n.Attempts, &n.LastError)
	n.CreatedAt, n.WebhookAt, n.EmailAt = n.CreatedAt.UTC(), timeOrNil(webhook), timeOrNil(email)
	return n, err
}
