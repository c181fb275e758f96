package testenv

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // database/sql driver "sqlite" for raw access

	"dossier/internal/store/postgres"
	"dossier/internal/store/sqldb"
	"dossier/internal/store/sqlite"
)

// Store is one database backend the tests run on. Every suite that runs on
// "each database" takes the list from Stores, so a new backend is added in
// one place.
type Store struct {
	Name string
	url  func(t testing.TB) string
}

// The database backends of the service.
var (
	// SQLite is a new database file in the test's temporary directory.
	SQLite = Store{Name: "sqlite", url: func(t testing.TB) string {
		return "sqlite://" + filepath.Join(t.TempDir(), "dossier.db")
	}}
	// PostgreSQL is a schema of the test's own in the test database, already
	// migrated (see MigratedPostgresURL). The test is skipped outside CI when
	// TEST_DATABASE_URL is unset.
	PostgreSQL = Store{Name: "postgres", url: MigratedPostgresURL}
)

// Stores lists the database backends every suite runs on.
func Stores() []Store { return []Store{SQLite, PostgreSQL} }

// URL returns the DOSSIER_DATABASE_URL of a fresh database of the test's own.
func (s Store) URL(t testing.TB) string {
	t.Helper()
	return s.url(t)
}

// DB is a store opened for one test, with what reaching the same database
// through database/sql takes (for checks and tampering the store does not offer).
type DB struct {
	*sqldb.DB
	URL    string // as DOSSIER_DATABASE_URL names it
	Driver string // database/sql driver name
	DSN    string // database/sql data source name
}

// Open opens a fresh, migrated store of the test's own, closed when it ends.
func (s Store) Open(t testing.TB) *DB {
	t.Helper()
	u := s.URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), pgTimeout)
	defer cancel()
	d := &DB{URL: u}
	var err error
	if path, ok := strings.CutPrefix(u, "sqlite://"); ok {
		d.Driver, d.DSN = "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)"
		d.DB, err = sqlite.Open(ctx, path)
	} else {
		d.Driver, d.DSN = "pgx", u // the URL carries the test's search_path
		d.DB, err = postgres.Open(ctx, u)
	}
	if err != nil {
		t.Fatalf("open %s store: %v", s.Name, err)
	}
	t.Cleanup(func() { d.DB.Close() })
	return d
}

// Raw opens the database of d through database/sql, closed when the test ends.
func (d *DB) Raw(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open(d.Driver, d.DSN)
	if err != nil {
		t.Fatalf("open %s: %v", d.Driver, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
