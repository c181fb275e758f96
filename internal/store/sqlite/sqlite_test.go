package sqlite_test

import (
	"testing"

	"dossier/internal/store"
	"dossier/internal/store/storetest"
	"dossier/internal/testenv"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return testenv.SQLite.Open(t)
	})
}
