package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"dossier/internal/store/postgres"
)

// Migrating a schema costs PostgreSQL most of a second of DDL, and hundreds of
// tests each want a migrated schema. So a test binary migrates one template
// schema, and hands each test a schema in the template's state: one that an
// earlier test has finished with, emptied and refilled from the template (a
// few DELETEs and INSERTs), or, when every one is in use, a new one migrated.
// A schema whose structure a test changed is dropped, never handed out again.
//
// The schemas of one test binary are named tp<key>_…, and the binary holds the
// advisory lock <key> for as long as it runs. A binary that finds a schema
// whose lock nobody holds drops it: its binary died before cleaning up.

// pgTimeout bounds each set-up step on the test database.
const pgTimeout = 2 * time.Minute

// MigratedPostgresURL returns a URL to a migrated schema of the test's own in
// the test database, with only what the migrations insert; it is handed to a
// later test, emptied, when this one ends.
func MigratedPostgresURL(t testing.TB) string {
	t.Helper()
	base := Require(t, "TEST_DATABASE_URL", "PostgreSQL")
	p, err := pgPoolFor(base)
	if err != nil {
		t.Fatalf("PostgreSQL test schemas: %v", err)
	}
	schema, err := p.take()
	if err != nil {
		t.Fatalf("PostgreSQL test schema: %v", err)
	}
	t.Cleanup(func() {
		if err := p.give(schema); err != nil {
			t.Errorf("release test schema %s: %v", schema, err)
		}
	})
	return withSearchPath(base, schema)
}

var (
	pgPoolMu sync.Mutex
	pgPool   *schemaPool
)

// schemaPool is the template and the schemas of one test binary.
type schemaPool struct {
	base   string
	admin  *sql.DB
	prefix string // tp<key>_

	fingerprint string // of the template's structure
	reset       resetPlan

	mu   sync.Mutex
	free []string
	made int
}

func pgPoolFor(base string) (*schemaPool, error) {
	pgPoolMu.Lock()
	defer pgPoolMu.Unlock()
	if pgPool != nil && pgPool.base == base {
		return pgPool, nil
	}
	p, err := newSchemaPool(base)
	if err != nil {
		return nil, err
	}
	pgPool = p
	return p, nil
}

func newSchemaPool(base string) (*schemaPool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), pgTimeout)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, err
	}
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	key := int64(binary.BigEndian.Uint64(b[:]) >> 1)
	// The connection holding the lock stays open for the life of the binary.
	owner, err := admin.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect to the test database: %w", err)
	}
	if _, err := owner.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return nil, fmt.Errorf("lock the test schemas: %w", err)
	}
	p := &schemaPool{base: base, admin: admin, prefix: "tp" + strconv.FormatInt(key, 10) + "_"}
	if err := reapSchemas(ctx, admin); err != nil {
		return nil, err
	}
	template := p.prefix + "template"
	if err := p.migrate(ctx, template); err != nil {
		return nil, err
	}
	if p.fingerprint, err = fingerprint(ctx, admin, template); err != nil {
		return nil, err
	}
	if p.reset, err = newResetPlan(ctx, admin, template); err != nil {
		return nil, err
	}
	return p, nil
}

// take returns a schema in the template's state, making one if none is free.
func (p *schemaPool) take() (string, error) {
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		s := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return s, nil
	}
	p.made++
	s := p.prefix + strconv.Itoa(p.made)
	p.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), pgTimeout)
	defer cancel()
	return s, p.migrate(ctx, s)
}

// give takes a schema back from a test: reset for the next one when its
// structure is still the template's, dropped otherwise.
func (p *schemaPool) give(schema string) error {
	ctx, cancel := context.WithTimeout(context.Background(), pgTimeout)
	defer cancel()
	fp, err := fingerprint(ctx, p.admin, schema)
	if err == nil && fp == p.fingerprint {
		if err = p.resetSchema(ctx, schema); err == nil {
			p.mu.Lock()
			p.free = append(p.free, schema)
			p.mu.Unlock()
			return nil
		}
	}
	// Changed, or not resettable (a lock held by a connection the test
	// leaked): drop it, as every schema was dropped before the pool.
	if _, dropErr := p.admin.ExecContext(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); dropErr != nil {
		return fmt.Errorf("drop after %v: %w", err, dropErr)
	}
	return nil
}

// resetSchema runs the reset plan on schema in one transaction, giving up
// on a lock that a connection the test leaked still holds.
func (p *schemaPool) resetSchema(ctx context.Context, schema string) error {
	tx, err := p.admin.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // a no-op after Commit
	if _, err := tx.ExecContext(ctx, `SET LOCAL lock_timeout = '10s'`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, p.reset.sql(schema)); err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	return tx.Commit()
}

// migrate creates schema and runs the service's migrations in it.
func (p *schemaPool) migrate(ctx context.Context, schema string) error {
	if _, err := p.admin.ExecContext(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		return fmt.Errorf("create schema %s: %w", schema, err)
	}
	db, err := postgres.Open(ctx, withSearchPath(p.base, schema))
	if err != nil {
		return fmt.Errorf("migrate schema %s: %w", schema, err)
	}
	return db.Close()
}

// reapSchemas drops the pool schemas of test binaries that are gone: those
// whose advisory lock this session can take.
func reapSchemas(ctx context.Context, admin *sql.DB) error {
	rows, err := admin.QueryContext(ctx, `SELECT nspname FROM pg_namespace WHERE nspname ~ '^tp[0-9]+_'`)
	if err != nil {
		return fmt.Errorf("list old test schemas: %w", err)
	}
	byKey := map[int64][]string{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		digits, _, _ := strings.Cut(strings.TrimPrefix(name, "tp"), "_")
		if key, err := strconv.ParseInt(digits, 10, 64); err == nil {
			byKey[key] = append(byKey[key], name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(byKey) == 0 {
		return err
	}
	conn, err := admin.Conn(ctx) // a lock and its unlock must be in one session
	if err != nil {
		return err
	}
	defer conn.Close()
	for key, schemas := range byKey {
		var free bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&free); err != nil {
			return fmt.Errorf("check old test schemas: %w", err)
		}
		if !free {
			continue // its binary is still running
		}
		for _, s := range schemas {
			if _, err := conn.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{s}.Sanitize()+" CASCADE"); err != nil {
				return fmt.Errorf("drop old test schema %s: %w", s, err)
			}
		}
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, key); err != nil {
			return err
		}
	}
	return nil
}

// withSearchPath returns the database URL base with schema as its search path.
func withSearchPath(base, schema string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base // Require's caller sees the parse error when connecting
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
