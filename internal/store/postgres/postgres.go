// Package postgres is the production metadata store: PostgreSQL through a pgx
// v5 connection pool, shared by every replica of the service.
package postgres

import (
	"context"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"net"
	"runtime"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"

	"dossier/internal/search/dbindex"
	"dossier/internal/store/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Open connects to the database at url and migrates it; replicas starting
// together queue on an advisory lock instead of racing the migrations.
func Open(ctx context.Context, url string) (*sqldb.DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DOSSIER_DATABASE_URL is not a valid PostgreSQL URL: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns()
	}
	return open(ctx, cfg)
}

// defaultMaxConns is the pool's size unless the URL's pool_max_conns sets
// it. pgx's own default, four connections on two cores, is too few: River
// keeps one for LISTEN and its producer and completer borrow others, and
// every request holds one for each of its round trips, so at 1,000 reads a
// second requests queued for a connection (PostgreSQL read p99 65 ms, a
// bare read 3 ms). Connections idle for long are closed again.
func defaultMaxConns() int32 {
	return int32(max(16, 4*runtime.GOMAXPROCS(0)))
}

func open(ctx context.Context, cfg *pgxpool.Config) (*sqldb.DB, error) {
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(lockID(cfg)), lock.WithLockTimeout(1, 600))
	if err != nil {
		return nil, err
	}
	where := fmt.Sprintf("PostgreSQL %s@%s/%s", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Database)
	fail := func(err error) (*sqldb.DB, error) {
		db.Close()
		pool.Close()
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	// River's tables live in the schema the search path selects; naming it
	// keeps River's notifications apart from another schema's on the same
	// server. Workers are woken by LISTEN on a connection of the pgx pool.
	var schema string
	if err := db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return fail(fmt.Errorf("read the current schema: %w", err))
	}
	q := sqldb.JobQueue{Driver: riverdatabasesql.NewWithPgxListener(db, pool), Schema: schema}
	if err := sqldb.Migrate(ctx, db, goose.DialectPostgres, sub, locker, q); err != nil {
		return fail(err)
	}
	// Reads run outside transactions (Dialect.ReadsOutsideTx) on a pool of
	// their own whose sessions refuse writes, as a read-only transaction
	// would: each statement is then a read-only transaction of its own.
	rcfg := cfg.Copy()
	rcfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	rpool, err := pgxpool.NewWithConfig(ctx, rcfg)
	if err != nil {
		return fail(fmt.Errorf("connect to PostgreSQL: %w", err))
	}
	reader := stdlib.OpenDBFromPool(rpool)
	d := sqldb.Dialect{Name: "postgres", IsUniqueViolation: isUniqueViolation, IsConnectionLost: isConnectionLost,
		ReadsOutsideTx: true, Batch: batch, ModifyingCTE: true}
	s, err := sqldb.New(reader, db, d, q, func() { rpool.Close(); pool.Close() })
	if err != nil {
		reader.Close()
		rpool.Close()
		return fail(err)
	}
	s.SetIndex(dbindex.New(s, dbindex.Postgres))
	return s, nil
}

// lockID is the advisory lock of one schema: replicas of one deployment
// share it, deployments in other schemas of the same server do not wait on it.
func lockID(cfg *pgxpool.Config) int64 {
	h := fnv.New64a()
	h.Write([]byte("dossier-migrations:" + cfg.ConnConfig.Database + ":" + cfg.ConnConfig.RuntimeParams["search_path"]))
	return int64(h.Sum64() >> 1)
}

// isConnectionLost reports whether err is a broken connection: class 08
// (connection exception), 57P01–57P03 (the server shuts down, crashed or
// is starting), or the socket closing under the driver.
func isConnectionLost(err error) bool {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return strings.HasPrefix(e.Code, "08") || strings.HasPrefix(e.Code, "57P")
	}
	var ne net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.As(err, &ne) || pgconn.SafeToRetry(err)
}

func isUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}
