package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"dossier/internal/store"
	"dossier/internal/store/sqlite"
	"dossier/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "dossier.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
