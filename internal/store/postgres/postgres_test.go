package postgres_test

import (
	"context"
	"testing"

	"dossier/internal/store"
	"dossier/internal/store/postgres"
	"dossier/internal/store/storetest"
	"dossier/internal/testenv"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db, err := postgres.Open(context.Background(), testenv.PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
