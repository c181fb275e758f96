package postgres_test

import (
	"context"
	"testing"

	"dossier/internal/search"
	"dossier/internal/search/searchtest"
	"dossier/internal/store/postgres"
	"dossier/internal/testenv"
)

func TestSearchConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Index {
		db, err := postgres.Open(context.Background(), testenv.PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db.Search()
	})
}
