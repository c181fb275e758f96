package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"dossier/internal/search"
	"dossier/internal/search/searchtest"
	"dossier/internal/store/sqlite"
)

func TestSearchConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Index {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "dossier.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db.Search()
	})
}
