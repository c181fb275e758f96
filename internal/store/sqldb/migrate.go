package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivermigrate"

	"dossier/internal/followup"
)

// Migrate brings db up to date: River's tables first, at the version of the
// River this build links, then the embedded migrations in fsys, whose
// version 5 moves the jobs of the old queue into River's. A non-nil locker
// makes concurrent starters (replicas) wait for each other through both.
func Migrate(ctx context.Context, db *sql.DB, dialect goose.Dialect, fsys fs.FS, locker lock.SessionLocker, q JobQueue) (err error) {
	if locker != nil {
		conn, err := db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		defer conn.Close()
		if err := locker.SessionLock(ctx, conn); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		defer func() {
			err = errors.Join(err, locker.SessionUnlock(context.WithoutCancel(ctx), conn))
		}()
	}
	rm, err := rivermigrate.New(q.Driver, &rivermigrate.Config{Schema: q.Schema, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("prepare job queue migrations: %w", err)
	}
	if _, err := rm.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate the job queue: %w", err)
	}
	inserter, err := newInserter(q)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(dialect, db, fsys, goose.WithGoMigrations(goose.NewGoMigration(5,
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return requeueOldJobs(ctx, tx, inserter) }},
		&goose.GoFunc{Mode: goose.TransactionEnabled})))
	if err != nil {
		return fmt.Errorf("prepare migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := queueReindex(ctx, db, inserter); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// reindexMarker is the setting a migration writes when the search index
// must be written again (a new way of indexing text).
const reindexMarker = "search.reindex"

// queueReindex queues an index job for every document, and removes the
// marker, in one transaction, when a migration left the marker: the
// workers then rebuild the index, as after any change, while the service
// runs.
func queueReindex(ctx context.Context, db *sql.DB, inserter *river.Client[*sql.Tx]) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("queue the reindex: %w", err)
	}
	defer tx.Rollback() // after a commit it does nothing
	res, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = $1`, reindexMarker)
	if err != nil {
		return fmt.Errorf("queue the reindex: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM documents ORDER BY id`)
	if err != nil {
		return fmt.Errorf("queue the reindex: %w", err)
	}
	var params []river.InsertManyParams
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("queue the reindex: %w", err)
		}
		args, _ := json.Marshal(followup.Payload{DocumentID: id})
		params = append(params, river.InsertManyParams{Args: payload{kind: followup.Index, raw: args}})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("queue the reindex: %w", err)
	}
	for len(params) > 0 {
		n := min(len(params), 1000)
		if _, err := inserter.InsertManyTx(ctx, tx, params[:n]); err != nil {
			return fmt.Errorf("queue the reindex: %w", err)
		}
		params = params[n:]
	}
	return tx.Commit()
}

// requeueOldJobs is migration 5: every job of the old queue's table goes to
// River's, in the same transaction that drops the table, so an upgrade
// loses none. Each runs as soon as the workers start; one the old queue
// had parked gets a fresh set of attempts, as an operator's retry would.
func requeueOldJobs(ctx context.Context, tx *sql.Tx, inserter *river.Client[*sql.Tx]) error {
	rows, err := tx.QueryContext(ctx, `SELECT kind, payload FROM jobs ORDER BY id`)
	if err != nil {
		return fmt.Errorf("read the old jobs: %w", err)
	}
	var params []river.InsertManyParams
	for rows.Next() {
		var kind, args string
		if err := rows.Scan(&kind, &args); err != nil {
			rows.Close()
			return fmt.Errorf("read the old jobs: %w", err)
		}
		params = append(params, river.InsertManyParams{Args: payload{kind: kind, raw: []byte(args)}})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the old jobs: %w", err)
	}
	for len(params) > 0 {
		n := min(len(params), 1000)
		if _, err := inserter.InsertManyTx(ctx, tx, params[:n]); err != nil {
			return fmt.Errorf("requeue the old jobs: %w", err)
		}
		params = params[n:]
	}
	if _, err := tx.ExecContext(ctx, `DROP TABLE jobs`); err != nil {
		return fmt.Errorf("drop the old jobs table: %w", err)
	}
	return nil
}
