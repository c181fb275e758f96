// Package sqldb implements store.Store over database/sql for both supported
// databases. The SQL is written once, with $N placeholders that SQLite and
// PostgreSQL both accept; the few differences live in Dialect. The adapters
// store/sqlite and store/postgres open the connections, run their migrations
// and hand them to New.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/riverqueue/river"

	"dossier/internal/dossier"
	"dossier/internal/search"
	"dossier/internal/store"
)

// Dialect holds what differs between the databases.
type Dialect struct {
	Name string
	// IsUniqueViolation reports whether err is a unique-key violation.
	IsUniqueViolation func(error) bool
	// IsConnectionLost reports whether err says the connection to the
	// server broke (a restart, a failover, a cut); nil when it cannot.
	IsConnectionLost func(error) bool
	// PrepareHot keeps the queries every request runs prepared on each
	// connection (see stmtCache): SQLite's driver parses every query anew,
	// while pgx caches its statements itself and, under database/sql,
	// would deallocate them whenever the pool closes an idle connection.
	PrepareHot bool
	// ReadsOutsideTx runs Read's statements on one connection without
	// BEGIN and COMMIT. PostgreSQL at its default isolation, READ
	// COMMITTED, takes a snapshot per statement inside a transaction or
	// out of one, so a read-only transaction only adds two round trips
	// to every read. SQLite's read transaction is its snapshot: it keeps it.
	ReadsOutsideTx bool
	// ModifyingCTE says that a WITH clause may insert (PostgreSQL), so
	// that one statement can write two tables.
	ModifyingCTE bool
	// Batch, when set, sends statements on c together and reads each one's
	// rows in turn (PostgreSQL's pipeline); see tx.batch.
	Batch batchFunc
}

// DB is a store.Store. Writes go through writer, reads through reader; on
// SQLite these are separate pools so that one writer at a time holds the lock
// while readers go on, on PostgreSQL the reader's sessions refuse writes.
type DB struct {
	reader, writer *sql.DB
	dialect        Dialect
	queue          JobQueue
	inserter       *river.Client[*sql.Tx]
	onClose        func()
	index          search.Index
	// the hot statements prepared on each pool's connections
	readStmts, writeStmts *stmtCache
}

// New returns a store over the two pools that queues its jobs in q (which
// Migrate has brought up to date); onClose, if set, runs after both close.
func New(reader, writer *sql.DB, d Dialect, q JobQueue, onClose func()) (*DB, error) {
	inserter, err := newInserter(q)
	if err != nil {
		return nil, err
	}
	db := &DB{reader: reader, writer: writer, dialect: d, queue: q, inserter: inserter, onClose: onClose}
	if d.PrepareHot {
		db.readStmts, db.writeStmts = newStmtCache(reader), newStmtCache(writer)
	}
	db.queue.owner = db
	return db, nil
}

// Read runs fn in a read-only transaction, or, where the dialect reads
// outside transactions (PostgreSQL), on one read-only session: at READ
// COMMITTED each statement takes its own snapshot either way.
func (db *DB) Read(ctx context.Context, fn func(store.Tx) error) error {
	return db.run(ctx, db.reader, &sql.TxOptions{ReadOnly: true}, fn)
}

// Write runs fn in a transaction and commits it when fn returns nil.
func (db *DB) Write(ctx context.Context, fn func(store.Tx) error) error {
	return db.run(ctx, db.writer, nil, fn)
}

func (db *DB) run(ctx context.Context, pool *sql.DB, opts *sql.TxOptions, fn func(store.Tx) error) error {
	stmts := db.writeStmts
	if pool == db.reader {
		stmts = db.readStmts
	}
	var t *tx
	if opts != nil && opts.ReadOnly && db.dialect.ReadsOutsideTx {
		return db.readOutsideTx(ctx, pool, func(c *sql.Conn) error {
			return fn(&tx{q: c, conn: c, d: db.dialect, jobs: db.inserter})
		})
	}
	err := db.runSQL(ctx, pool, opts, func(sqlTx *sql.Tx) error {
		t = &tx{q: sqlTx, tx: sqlTx, d: db.dialect, jobs: db.inserter, stmts: stmts}
		return fn(t)
	})
	if t != nil && len(t.missed) > 0 {
		stmts.prepare(context.WithoutCancel(ctx), t.missed)
	}
	return err
}

// SetIndex attaches the database's own search index, which the adapter
// builds over this DB; Search returns it.
func (db *DB) SetIndex(ix search.Index) { db.index = ix }

// Search returns the database's own search index.
func (db *DB) Search() search.Index { return db.index }

// ReadSQL runs fn in a read-only transaction with opts, for the search
// index that keeps its tables in this database.
func (db *DB) ReadSQL(ctx context.Context, opts *sql.TxOptions, fn func(*sql.Tx) error) error {
	return db.runSQL(ctx, db.reader, opts, fn)
}

// WriteSQL runs fn in a transaction on the writer and commits it.
func (db *DB) WriteSQL(ctx context.Context, fn func(*sql.Tx) error) error {
	return db.runSQL(ctx, db.writer, nil, fn)
}

// readAttempts is how often a read-only transaction is tried when its
// connection breaks: after a database restart the pool may hold several
// dead connections, and each is found dead only when used.
const readAttempts = 3

func (db *DB) runSQL(ctx context.Context, pool *sql.DB, opts *sql.TxOptions, fn func(*sql.Tx) error) error {
	once := func() error { return db.runOnce(ctx, pool, opts, fn) }
	if opts == nil || !opts.ReadOnly {
		// A write is not tried again: its fn may change more than the
		// database and must run once.
		return once()
	}
	return db.retryRead(ctx, once)
}

// readOutsideTx runs fn on one connection of pool, as runSQL runs a
// read-only transaction.
func (db *DB) readOutsideTx(ctx context.Context, pool *sql.DB, fn func(*sql.Conn) error) error {
	return db.retryRead(ctx, func() error {
		c, err := pool.Conn(ctx)
		if err != nil {
			return unavailable("connect", err)
		}
		defer c.Close()
		err = fn(c)
		if err != nil && dossier.ErrorCode(err) == dossier.EInternal && db.lost(err) {
			return unavailable("read", err)
		}
		return err
	})
}

// retryRead runs a read, and again on another connection, up to
// readAttempts in all, while it fails because its connection broke.
func (db *DB) retryRead(ctx context.Context, once func() error) error {
	err := once()
	for i := 1; i < readAttempts && err != nil && db.lost(err) && ctx.Err() == nil; i++ {
		err = once()
	}
	return err
}

func (db *DB) runOnce(ctx context.Context, pool *sql.DB, opts *sql.TxOptions, fn func(*sql.Tx) error) error {
	sqlTx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return unavailable("begin transaction", err)
	}
	if err := fn(sqlTx); err != nil {
		_ = sqlTx.Rollback()
		if dossier.ErrorCode(err) == dossier.EInternal && db.lost(err) {
			return unavailable("transaction", err)
		}
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		if db.lost(err) {
			// Whether the commit took is unknown: 503, the client checks and tries again.
			return unavailable("commit", err)
		}
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// lost reports whether err is a broken connection to the database.
func (db *DB) lost(err error) bool {
	return db.dialect.IsConnectionLost != nil && db.dialect.IsConnectionLost(err)
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.writer.PingContext(ctx); err != nil {
		return unavailable("ping", err)
	}
	return nil
}

// Close closes the statements and the pools.
func (db *DB) Close() error {
	err := errors.Join(db.writeStmts.close(), db.readStmts.close(), db.writer.Close())
	if db.reader != db.writer {
		err = errors.Join(err, db.reader.Close())
	}
	if db.onClose != nil {
		db.onClose()
	}
	return err
}

// unavailable marks a failure to reach the database, which callers answer with 503.
func unavailable(op string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %w: %w", op, dossier.Errorf(dossier.EUnavailable, "the database is unavailable"), err)
}

// queryer is what a tx's statements run on: its transaction, or the
// connection of a read outside one (Dialect.ReadsOutsideTx).
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// tx is one transaction, or a read outside one; it implements store.Tx.
type tx struct {
	q      queryer
	tx     *sql.Tx   // nil in a read outside a transaction
	conn   *sql.Conn // set in a read outside a transaction
	d      Dialect
	jobs   *river.Client[*sql.Tx]
	stmts  *stmtCache
	missed []string // hot queries run unprepared, to prepare after the transaction
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.q.ExecContext(ctx, query, args...)
}

// notFound turns sql.ErrNoRows into the domain's not-found error.
func notFound(err error, what, key string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return dossier.Errorf(dossier.ENotFound, "%s %s not found", what, dossier.Clip(key))
	}
	return fmt.Errorf("read %s %s: %w", what, key, err)
}

// conflictOr turns a unique violation into EConflict with msg.
func (t *tx) conflictOr(err error, msg string) error {
	if err != nil && t.d.IsUniqueViolation(err) {
		return dossier.Errorf(dossier.EConflict, "%s", msg)
	}
	return err
}
