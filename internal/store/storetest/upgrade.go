package storetest

import (
	"context"
	"database/sql"
	"encoding/json"
	"testing"
	"time"

	"dossier/internal/store"
)

// ReindexAfterUpgrade checks that upgrading past the remade search index
// (migration 4) queues every document for indexing again, and that the
// job survives the move of the old queue's jobs into River's (migration 5).
// raw is the database migrated to version 3; open migrates it to the
// newest version.
func ReindexAfterUpgrade(t *testing.T, raw *sql.DB, open func() (store.Store, error)) {
	ctx := context.Background()
	_, err := raw.Exec(`INSERT INTO documents (id, kind, title, state, version, created_by, created_at, updated_at)
		VALUES ('01OLDDOC', 'other', 'Old', 'received', 1, 'u', $1, $1)`, time.Now().UTC())
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := open()
	if err != nil {
		t.Fatal(err)
	}
	var jobs []store.Job
	err = s.Read(ctx, func(tx store.Tx) (err error) {
		jobs, err = tx.Jobs(ctx, "index", 10)
		return err
	})
	if err != nil || len(jobs) != 1 {
		t.Fatalf("index jobs after the upgrade: %+v, %v; want one for the existing document", jobs, err)
	}
	var p struct {
		DocumentID string `json:"document_id"`
	}
	if err := json.Unmarshal(jobs[0].Payload, &p); err != nil || p.DocumentID != "01OLDDOC" {
		t.Fatalf("job payload %s, want the document 01OLDDOC", jobs[0].Payload)
	}
}
