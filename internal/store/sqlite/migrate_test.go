package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"dossier/internal/search"
	"dossier/internal/store"
	"dossier/internal/store/storetest"
)

// migratedTo returns a database file at version and a handle on it.
func migratedTo(t *testing.T, version int64) (string, *sql.DB) {
	path := filepath.Join(t.TempDir(), "dossier.db")
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, raw, sub, goose.WithGoMigrations(storetest.Migration5()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
	return path, raw
}

func TestReindexAfterUpgrade(t *testing.T) {
	path, raw := migratedTo(t, 3)
	storetest.ReindexAfterUpgrade(t, raw, func() (store.Store, error) {
		db, err := Open(context.Background(), path)
		if err == nil {
			t.Cleanup(func() { db.Close() })
		}
		return db, err
	})
}

func TestSearchAfterCJKUpgrade(t *testing.T) {
	path, raw := migratedTo(t, 7)
	storetest.SearchAfterCJKUpgrade(t, raw, func() (store.Store, search.Index, error) {
		db, err := Open(context.Background(), path)
		if err != nil {
			return nil, nil, err
		}
		t.Cleanup(func() { db.Close() })
		return db, db.Search(), nil
	})
}

func TestListKeysAfterUpgrade(t *testing.T) {
	path, raw := migratedTo(t, 13)
	storetest.ListKeysAfterUpgrade(t, raw, func() (store.Store, error) {
		db, err := Open(context.Background(), path)
		if err == nil {
			t.Cleanup(func() { db.Close() })
		}
		return db, err
	})
}
