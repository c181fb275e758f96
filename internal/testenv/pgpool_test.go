package testenv

import (
	"database/sql"
	"net/url"
	"testing"
)

// schemaOf returns the schema a test URL names.
func schemaOf(t *testing.T, u string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return p.Query().Get("search_path")
}

func mustExec(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func count(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestPostgresSchemaIsResetForTheNextTest: a schema a test wrote to is handed
// to the next test as the migrations left it (rows and identity counters);
// one whose structure a test changed is dropped, never handed out again.
// The subtests run one after the other, so the second gets the first's schema.
func TestPostgresSchemaIsResetForTheNextTest(t *testing.T) {
	var first, altered string
	t.Run("writes", func(t *testing.T) {
		db := PostgreSQL.Open(t)
		first = schemaOf(t, db.URL)
		raw := db.Raw(t)
		mustExec(t, raw, `INSERT INTO users (id, username, password_hash, created_at) VALUES ('u1', 'ann', 'x', now())`)
		mustExec(t, raw, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('h', 'u1', now(), now())`)
		for range 5 {
			mustExec(t, raw, `SELECT nextval(pg_get_serial_sequence('search_docs', 'num'))`)
		}
		mustExec(t, raw, `UPDATE search_seq SET n = 41`)
	})
	t.Run("gets it back as migrated", func(t *testing.T) {
		db := PostgreSQL.Open(t)
		if got := schemaOf(t, db.URL); got != first {
			t.Skipf("got schema %s, not %s: another test took it (run this test alone)", got, first)
		}
		raw := db.Raw(t)
		if n := count(t, raw, `SELECT count(*) FROM users`) + count(t, raw, `SELECT count(*) FROM sessions`) +
			count(t, raw, `SELECT count(*) FROM audit_events`); n != 0 {
			t.Errorf("%d rows left by the previous test", n)
		}
		if n := count(t, raw, `SELECT n FROM search_seq`); n != 0 {
			t.Errorf("search_seq = %d, want the migration's 0", n)
		}
		if n := count(t, raw, `SELECT count(*) FROM goose_db_version`); n < 2 {
			t.Errorf("goose_db_version has %d rows: the migrations' own rows must stay", n)
		}
		if n := count(t, raw, `SELECT nextval(pg_get_serial_sequence('search_docs', 'num'))`); n != 1 {
			t.Errorf("the first document number after a reset is %d, want 1", n)
		}
		mustExec(t, raw, `ALTER TABLE users ADD COLUMN nickname TEXT`)
		altered = first
	})
	if altered == "" {
		return
	}
	admin, err := sql.Open("pgx", Require(t, "TEST_DATABASE_URL", "PostgreSQL"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if n := count(t, admin, `SELECT count(*) FROM pg_namespace WHERE nspname = $1`, altered); n != 0 {
		t.Errorf("schema %s, whose users table a test altered, was kept", altered)
	}
}
