package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"

	"github.com/jackc/pgx/v5"
)

// A job runner that dies in the middle of a job (SIGKILL, a lost machine)
// leaves the job "running". River rescues such a job only after its stuck-job
// delay (an hour beyond the job timeout): the document it indexes or stamps
// would wait that long. So each runner holds a sign of life while it runs,
// and a runner that starts, and every runner from time to time, hands the
// jobs of runners without one back to the queue.
//
// On PostgreSQL the sign is a session advisory lock keyed by the runner's id,
// held on a connection of its own: the server drops it when the process dies.
// The embedded database is served by one process, so there every running job
// found when the runner starts (before it takes any) was left by a dead one.

// RunnerHold is a runner's sign of life.
type RunnerHold struct {
	db   *DB // nil: the embedded database needs none
	id   string
	conn *sql.Conn
}

// HoldRunner marks runner id alive until Release (or the process ends).
// Call it before the runner takes jobs.
func (q JobQueue) HoldRunner(ctx context.Context, id string) (*RunnerHold, error) {
	h := &RunnerHold{id: id}
	if q.owner == nil || q.owner.dialect.Name != "postgres" {
		return h, nil
	}
	h.db = q.owner
	return h, h.take(ctx)
}

func (h *RunnerHold) take(ctx context.Context) error {
	conn, err := h.db.writer.Conn(ctx)
	if err != nil {
		return fmt.Errorf("hold job runner %s: %w", h.id, err)
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, runnerKey(h.id)); err != nil {
		conn.Close()
		return fmt.Errorf("hold job runner %s: %w", h.id, err)
	}
	h.conn = conn
	return nil
}

// Renew takes the sign of life again if its connection broke: a database
// restart or failover drops the lock with the session, and then the other
// runners would take this one for dead.
func (h *RunnerHold) Renew(ctx context.Context) error {
	if h.db == nil {
		return nil
	}
	if h.conn != nil {
		if err := h.conn.PingContext(ctx); err == nil {
			return nil
		}
		_ = h.conn.Close()
		h.conn = nil
	}
	return h.take(ctx)
}

// Release gives the sign of life up.
func (h *RunnerHold) Release() {
	if h.conn == nil {
		return
	}
	// The connection goes back to the pool, so give the lock back first.
	_, _ = h.conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, runnerKey(h.id))
	_ = h.conn.Close()
	h.conn = nil
}

// RescueOrphans hands the jobs left running by dead runners back to the
// queue and returns how many. self is the caller's runner id: its own jobs
// are never orphans.
func (q JobQueue) RescueOrphans(ctx context.Context, self string) (int64, error) {
	db := q.owner
	if db == nil {
		return 0, nil
	}
	if db.dialect.Name != "postgres" {
		res, err := db.writer.ExecContext(ctx, `UPDATE river_job SET state = 'available' WHERE state = 'running'`)
		if err != nil {
			return 0, fmt.Errorf("rescue orphan jobs: %w", err)
		}
		return res.RowsAffected()
	}
	table := "river_job"
	if q.Schema != "" {
		table = pgx.Identifier{q.Schema, "river_job"}.Sanitize()
	}
	rows, err := db.writer.QueryContext(ctx, `SELECT DISTINCT attempted_by[array_upper(attempted_by, 1)] FROM `+table+
		` WHERE state = 'running' AND attempted_by IS NOT NULL`)
	if err != nil {
		return 0, fmt.Errorf("rescue orphan jobs: %w", err)
	}
	var runners []string
	for rows.Next() {
		var r sql.NullString
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return 0, fmt.Errorf("rescue orphan jobs: %w", err)
		}
		if r.Valid && r.String != self {
			runners = append(runners, r.String)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("rescue orphan jobs: %w", err)
	}
	var rescued int64
	for _, r := range runners {
		alive, err := db.runnerAlive(ctx, r)
		if err != nil || alive {
			continue // a runner we cannot judge keeps its jobs
		}
		res, err := db.writer.ExecContext(ctx, `UPDATE `+table+` SET state = 'available'
			WHERE state = 'running' AND attempted_by[array_upper(attempted_by, 1)] = $1`, r)
		if err != nil {
			return rescued, fmt.Errorf("rescue the jobs of runner %s: %w", r, err)
		}
		n, _ := res.RowsAffected()
		rescued += n
	}
	return rescued, nil
}

// runnerAlive reports whether runner id holds its lock: if this session can
// take it, nobody holds it, and it gives it back at once.
func (db *DB) runnerAlive(ctx context.Context, id string) (bool, error) {
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, runnerKey(id)).Scan(&got); err != nil {
		return false, err
	}
	if got {
		_, err = conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, runnerKey(id))
	}
	return !got, err
}

// runnerKey is the advisory lock key of a runner id, apart from the
// migrations' lock by its prefix.
func runnerKey(id string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("dossier job runner " + id))
	return int64(h.Sum64() >> 1)
}
