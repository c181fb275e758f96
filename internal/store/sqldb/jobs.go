package sqldb

import (
	"context"
	"fmt"
	"strings"
	"time"

	"dossier/internal/store"
)

func (t *tx) Enqueue(ctx context.Context, jobs ...store.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	var rows []string
	var args []any
	for _, j := range jobs {
		if j.RunAt.IsZero() {
			j.RunAt = time.Now()
		}
		payload := string(j.Payload)
		if payload == "" {
			payload = "{}"
		}
		args = append(args, j.Kind, payload, j.RunAt.UTC())
		n := len(args)
		rows = append(rows, fmt.Sprintf("($%d, $%d, $%d, $%d)", n-2, n-1, n, n))
	}
	if _, err := t.exec(ctx, `INSERT INTO jobs (kind, payload, run_at, created_at) VALUES `+strings.Join(rows, ", "), args...); err != nil {
		return fmt.Errorf("enqueue %s: %w", jobs[0].Kind, err)
	}
	return nil
}

// ClaimJob is one conditional UPDATE: a job is taken only while it is due
// and unleased, so two workers can never hold it at once; on PostgreSQL
// SKIP LOCKED lets them pass each other instead of queueing.
func (t *tx) ClaimJob(ctx context.Context, kinds []string, now, leaseUntil time.Time) (store.Job, bool, error) {
	if len(kinds) == 0 {
		return store.Job{}, false, nil
	}
	args := []any{leaseUntil.UTC(), now.UTC()}
	marks := make([]string, len(kinds))
	for i, k := range kinds {
		args = append(args, k)
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	q := `UPDATE jobs SET locked_until = $1, attempts = attempts + 1
		WHERE id = (SELECT id FROM jobs WHERE kind IN (` + strings.Join(marks, ", ") + `)
			AND run_at <= $2 AND (locked_until IS NULL OR locked_until < $2)
			ORDER BY id LIMIT 1` + t.d.SkipLocked + `)
		RETURNING id, kind, payload, run_at, attempts`
	rows, err := t.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return store.Job{}, false, fmt.Errorf("claim job: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return store.Job{}, false, rows.Err()
	}
	var j store.Job
	var payload string
	if err := rows.Scan(&j.ID, &j.Kind, &payload, &j.RunAt, &j.Attempts); err != nil {
		return j, false, fmt.Errorf("claim job: %w", err)
	}
	j.Payload, j.RunAt = []byte(payload), j.RunAt.UTC()
	return j, true, rows.Err()
}

func (t *tx) FinishJob(ctx context.Context, id int64) error {
	if _, err := t.exec(ctx, `DELETE FROM jobs WHERE id = $1`, id); err != nil {
		return fmt.Errorf("finish job %d: %w", id, err)
	}
	return nil
}

func (t *tx) RetryJob(ctx context.Context, id int64, runAt time.Time, lastError string) error {
	_, err := t.exec(ctx, `UPDATE jobs SET run_at = $1, last_error = $2, locked_until = NULL WHERE id = $3`,
		runAt.UTC(), lastError, id)
	if err != nil {
		return fmt.Errorf("retry job %d: %w", id, err)
	}
	return nil
}

func (t *tx) ListJobs(ctx context.Context, minAttempts, limit int) ([]store.Job, error) {
	rows, err := t.tx.QueryContext(ctx, fmt.Sprintf(`SELECT id, kind, payload, run_at, attempts, last_error FROM jobs
		WHERE attempts >= $1 ORDER BY id LIMIT %d`, limit), minAttempts)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	defer rows.Close()
	jobs := []store.Job{}
	for rows.Next() {
		var j store.Job
		var payload string
		if err := rows.Scan(&j.ID, &j.Kind, &payload, &j.RunAt, &j.Attempts, &j.LastError); err != nil {
			return nil, fmt.Errorf("list jobs: %w", err)
		}
		j.Payload, j.RunAt = []byte(payload), j.RunAt.UTC()
		jobs = append(jobs, j)
	}
	return jobs, rows.Err()
}
