package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"dossier/internal/store"
	"dossier/internal/store/storetest"
)

func TestReindexAfterUpgrade(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dossier.db")
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, raw, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), 3); err != nil {
		t.Fatal(err)
	}
	storetest.ReindexAfterUpgrade(t, raw, func() (store.Store, error) {
		db, err := Open(context.Background(), path)
		if err == nil {
			t.Cleanup(func() { db.Close() })
		}
		return db, err
	})
}
