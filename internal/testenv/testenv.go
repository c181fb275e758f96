// Package testenv gives tests the real backends that the test command starts:
// the list of database backends every suite runs on (Stores), a migrated
// PostgreSQL schema of its own per test (from a pool reset to a template that
// each test binary migrates once), and a fresh S3 bucket per test. When a
// backend is not configured the test is skipped, except under CI (CI=true),
// where a missing backend is a failure: CI must prove every backend.
package testenv

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the schema set-up
	"github.com/oklog/ulid/v2"
)

// Require returns the value of the environment variable name, skipping the
// test when it is unset outside CI and failing it under CI.
func Require(t testing.TB, name, what string) string {
	t.Helper()
	v := os.Getenv(name)
	if v != "" {
		return v
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not set: CI must test against %s (run the README's test command)", name, what)
	}
	t.Skipf("%s is not set: skipping the %s tests (the README's test command sets it)", name, what)
	return ""
}

// Optional reports whether a backend variable is set, or must be (under CI),
// for tests that run on the embedded backends and add the others when present.
func Optional(name string) bool {
	return os.Getenv(name) != "" || os.Getenv("CI") == "true"
}

// PostgresURL returns a URL to a new, empty schema in the test database;
// the schema is dropped when the test ends. Tests of the migrations use it;
// others want a migrated one: PostgreSQL.URL or MigratedPostgresURL.
func PostgresURL(t testing.TB) string {
	t.Helper()
	schema := "t_" + strings.ToLower(ulid.Make().String())
	u := postgresSchema(t, "CREATE SCHEMA", schema)
	t.Cleanup(func() {
		db, err := sql.Open("pgx", u)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return u
}

// KeptPostgresURL returns a URL to the schema name in the test database,
// created if missing and kept after the test, for benchmarks that reuse
// what an earlier run built.
func KeptPostgresURL(t testing.TB, name string) string {
	t.Helper()
	return postgresSchema(t, "CREATE SCHEMA IF NOT EXISTS", pgx.Identifier{name}.Sanitize())
}

// postgresSchema runs "create schema" in the test database and returns
// the database's URL with the schema as its search path.
func postgresSchema(t testing.TB, create, schema string) string {
	t.Helper()
	base := Require(t, "TEST_DATABASE_URL", "PostgreSQL")
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse TEST_DATABASE_URL: %v", err)
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", base, err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, create+" "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// S3URL returns the test S3 URL with a bucket name of its own, so that each
// test starts with an empty bucket (the service creates it).
func S3URL(t testing.TB) string {
	t.Helper()
	base := Require(t, "DOSSIER_TEST_S3_URL", "S3 (MinIO)")
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse DOSSIER_TEST_S3_URL: %v", err)
	}
	u.Host = fmt.Sprintf("%.20s-%s", u.Host, strings.ToLower(ulid.Make().String())[16:])
	return u.String()
}
