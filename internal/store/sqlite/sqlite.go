// Package sqlite is the embedded metadata store: a SQLite file opened with the
// pure-Go modernc.org/sqlite driver, so the service needs no server and no cgo.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"dossier/internal/search/dbindex"
	"dossier/internal/store/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Open opens (creating it and its directory when missing) and migrates the
// database file at path.
func Open(ctx context.Context, path string) (*sqldb.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create database directory: %w", err)
	}
	// WAL lets readers go on while the one writer writes; busy_timeout
	// covers the moment another process (a CLI command) holds the lock.
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	dsn := "file:" + path + "?" + q.Encode()

	// Writers take the lock at BEGIN (immediate) so that two read-then-write
	// transactions cannot deadlock; one connection keeps them in a queue.
	writer, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	// query_only makes a write inside Read fail, as it does on PostgreSQL.
	reader, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Every reader stays open: database/sql keeps two idle by default, and
	// a connection opened anew sets its pragmas and parses the whole schema
	// before its first statement, which under load was most of a read.
	reader.SetMaxOpenConns(max(4, runtime.NumCPU()))
	reader.SetMaxIdleConns(max(4, runtime.NumCPU()))

	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	// River shares the one writer connection: its fetches, completions and
	// leader election queue behind the store's writes instead of racing
	// them for the file lock (SQLITE_BUSY), and a job queued in a write
	// is in that write's transaction.
	queue := sqldb.JobQueue{Driver: riversqlite.New(writer)}
	if err := sqldb.Migrate(ctx, writer, goose.DialectSQLite3, sub, nil, queue); err != nil {
		writer.Close()
		reader.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	d := sqldb.Dialect{Name: "sqlite", IsUniqueViolation: isUniqueViolation, PrepareHot: true}
	db, err := sqldb.New(reader, writer, d, queue, nil)
	if err != nil {
		writer.Close()
		reader.Close()
		return nil, err
	}
	db.SetIndex(dbindex.New(db, dbindex.SQLite))
	return db, nil
}

func isUniqueViolation(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}
