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
// (migration 4) queues every document for indexing again, as a job the
// runner can claim. raw is the database migrated to version 3; open
// migrates it to the newest version.
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
	var job store.Job
	var ok bool
	err = s.Write(ctx, func(tx store.Tx) (err error) {
		job, ok, err = tx.ClaimJob(ctx, []string{"index"}, time.Now(), time.Now().Add(time.Minute))
		return err
	})
	if err != nil || !ok {
		t.Fatalf("no index job was queued for the existing document (err %v)", err)
	}
	var p struct {
		DocumentID string `json:"document_id"`
	}
	if err := json.Unmarshal(job.Payload, &p); err != nil || p.DocumentID != "01OLDDOC" {
		t.Fatalf("job payload %s, want the document 01OLDDOC", job.Payload)
	}
}
