package postgres_test

import (
	"context"
	"database/sql"
	"io/fs"
	"testing"

	"github.com/pressly/goose/v3"

	"dossier/internal/store"
	"dossier/internal/store/postgres"
	"dossier/internal/store/storetest"
	"dossier/internal/testenv"
)

func TestReindexAfterUpgrade(t *testing.T) {
	url := testenv.PostgresURL(t)
	raw, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := fs.Sub(postgres.Migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectPostgres, raw, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), 3); err != nil {
		t.Fatal(err)
	}
	storetest.ReindexAfterUpgrade(t, raw, func() (store.Store, error) {
		db, err := postgres.Open(context.Background(), url)
		if err == nil {
			t.Cleanup(func() { db.Close() })
		}
		return db, err
	})
}
