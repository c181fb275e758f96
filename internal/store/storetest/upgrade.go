package storetest

import (
	"context"
	"database/sql"
	"encoding/json"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"dossier/internal/indexer"
	"dossier/internal/search"
	"dossier/internal/store"
)

// ReindexAfterUpgrade checks that upgrading past the remade search index
// (migration 4) queues every document for indexing again, and that the
// job survives the move of the old queue's jobs into River's (migration 5;
// migration 8 queues it once more). raw is the database migrated to
// version 3; open migrates it to the newest version.
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
	if err != nil || len(jobs) == 0 {
		t.Fatalf("index jobs after the upgrade: %+v, %v; want jobs for the existing document", jobs, err)
	}
	for _, j := range jobs {
		var p struct {
			DocumentID string `json:"document_id"`
		}
		if err := json.Unmarshal(j.Payload, &p); err != nil || p.DocumentID != "01OLDDOC" {
			t.Fatalf("job payload %s, want the document 01OLDDOC", j.Payload)
		}
	}
}

// SearchAfterCJKUpgrade checks that a document written before the index
// learnt CJK words (migration 8) is found by a word inside a run of
// Chinese once the jobs the upgrade queues have run, and that the upgrade
// queues them once. raw is the database migrated to version 7; open
// migrates it to the newest version and returns the store and its index.
func SearchAfterCJKUpgrade(t *testing.T, raw *sql.DB, open func() (store.Store, search.Index, error)) {
	ctx := context.Background()
	now := time.Now().UTC()
	for _, q := range []string{
		`INSERT INTO documents (id, kind, title, customer, state, version, created_by, created_at, updated_at)
			VALUES ('01CJKOLD', 'contract', '年度供货合同', '华鑫汽车', 'received', 1, 'u', $1, $1)`,
		`INSERT INTO file_versions (document_id, version, sha256, size, media_type, filename, created_by, created_at)
			VALUES ('01CJKOLD', 1, 'aa', 1, 'text/plain', 'a.txt', 'u', $1)`,
	} {
		if _, err := raw.Exec(q, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := raw.Exec(`INSERT INTO document_text (document_id, file_version, page, text) VALUES ('01CJKOLD', 1, 1, $1)`,
		"框架协议评审，合同归档。"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	s, ix, err := open()
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
	ixr := indexer.New(s, nil, ix, nil, t.TempDir(), time.Now)
	if err := ixr.IndexJob(ctx, jobs[0].Payload); err != nil {
		t.Fatalf("index job %s: %v", jobs[0].Payload, err)
	}
	for _, q := range []string{"合同", "华鑫", "供货"} {
		res, err := ix.Search(ctx, search.Query{Q: q})
		if err != nil || res.Total != 1 || res.Hits[0].ID != "01CJKOLD" {
			t.Errorf("Search(%q) after the upgrade: %+v, %v; want the old document", q, res.Hits, err)
		}
	}
}

// Migration5 stands in for migration 5, which the store runs in Go (it
// moves the old queue's jobs into River's): for a database built up to a
// version past it in a test, where the old queue holds no job, it drops the
// old queue's table as the real one does.
func Migration5() *goose.Migration {
	return goose.NewGoMigration(5, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DROP TABLE jobs`)
		return err
	}}, &goose.GoFunc{Mode: goose.TransactionEnabled})
}
