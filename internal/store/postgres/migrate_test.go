package postgres_test

import (
	"context"
	"database/sql"
	"io/fs"
	"testing"

	"github.com/pressly/goose/v3"

	"dossier/internal/search"
	"dossier/internal/store"
	"dossier/internal/store/postgres"
	"dossier/internal/store/storetest"
	"dossier/internal/testenv"
)

// migratedTo returns the URL of a fresh schema at version and a handle on it.
func migratedTo(t *testing.T, version int64) (string, *sql.DB) {
	url := testenv.PostgresURL(t)
	raw, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := fs.Sub(postgres.Migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectPostgres, raw, sub, goose.WithGoMigrations(storetest.Migration5()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
	return url, raw
}

func TestReindexAfterUpgrade(t *testing.T) {
	url, raw := migratedTo(t, 3)
	storetest.ReindexAfterUpgrade(t, raw, func() (store.Store, error) {
		db, err := postgres.Open(context.Background(), url)
		if err == nil {
			t.Cleanup(func() { db.Close() })
		}
		return db, err
	})
}

func TestSearchAfterCJKUpgrade(t *testing.T) {
	url, raw := migratedTo(t, 7)
	storetest.SearchAfterCJKUpgrade(t, raw, func() (store.Store, search.Index, error) {
		db, err := postgres.Open(context.Background(), url)
		if err != nil {
			return nil, nil, err
		}
		t.Cleanup(func() { db.Close() })
		return db, db.Search(), nil
	})
}

func TestListKeysAfterUpgrade(t *testing.T) {
	url, raw := migratedTo(t, 13)
	storetest.ListKeysAfterUpgrade(t, raw, func() (store.Store, error) {
		db, err := postgres.Open(context.Background(), url)
		if err == nil {
			t.Cleanup(func() { db.Close() })
		}
		return db, err
	})
}
