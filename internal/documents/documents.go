// Package documents is the document service: intake of uploaded files
// (stream, hash, sniff, validate, store), metadata, versions, links and
// downloads. Every change commits with its audit event and the jobs it causes
// in one transaction (SPEC §3a).
package documents

import (
	"context"
	"encoding/json"
	"time"

	"github.com/oklog/ulid/v2"

	"dossier/internal/auditlog"
	"dossier/internal/blob"
	"dossier/internal/dossier"
	"dossier/internal/store"
)

// Service is the document service.
type Service struct {
	store   store.Store
	blobs   blob.Store
	now     func() time.Time
	tempDir string // where PDFs are spooled for validation
	// RetentionYears gives the years an archived document of a kind stays
	// locked (SPEC §8); nil means 10 for every kind.
	RetentionYears func(kind string) int
}

// New returns a Service. tempDir holds short-lived copies of uploaded PDFs
// while pdfcpu checks them ("" for the system default).
func New(s store.Store, b blob.Store, now func() time.Time, tempDir string) *Service {
	return &Service{store: s, blobs: b, now: now, tempDir: tempDir}
}

// Create makes a new document from validated metadata and a staged file.
// The staged blob is promoted before the transaction, so a crash in between
// leaves at most an orphan blob (found by fsck), never a document without bytes.
func (s *Service) Create(ctx context.Context, actor dossier.User, m dossier.Metadata, f Staged) (dossier.Document, error) {
	m = m.Normalize()
	if err := m.Validate(); err != nil {
		return dossier.Document{}, err
	}
	if err := s.blobs.Promote(ctx, f.Staged); err != nil {
		return dossier.Document{}, blobError("store the file", err)
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	d := dossier.Document{
		ID: ulid.Make().String(), Kind: m.Kind, State: dossier.Kinds[m.Kind].InitialState, Version: 1,
		CreatedBy: actor.ID, CreatedAt: now, UpdatedAt: now,
	}
	applyMetadata(&d, m)
	d.File = f.version(d.ID, 1, actor.ID, now)
	err := s.store.Write(ctx, func(tx store.Tx) error {
		if err := tx.CreateDocument(ctx, d); err != nil {
			return err
		}
		return s.afterFileChange(ctx, tx, actor, d, "document.upload", map[string]any{
			"kind": d.Kind, "title": d.Title, "sha256": d.File.SHA256, "size": d.File.Size, "filename": d.File.Filename,
		})
	})
	return d, err
}

// AddVersion adds a new file version to a document that is not archived.
func (s *Service) AddVersion(ctx context.Context, actor dossier.User, id string, f Staged) (dossier.Document, error) {
	if err := s.blobs.Promote(ctx, f.Staged); err != nil {
		return dossier.Document{}, blobError("store the file", err)
	}
	var d dossier.Document
	err := s.store.Write(ctx, func(tx store.Tx) (err error) {
		if d, err = editable(ctx, tx, id); err != nil {
			return err
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		prev := d.Version
		d.File = f.version(d.ID, d.File.Version+1, actor.ID, now)
		d.Version, d.UpdatedAt = d.Version+1, now
		if err := tx.UpdateDocument(ctx, d, prev); err != nil {
			return err
		}
		if err := tx.AddFileVersion(ctx, d.File); err != nil {
			return err
		}
		return s.afterFileChange(ctx, tx, actor, d, "document.version", map[string]any{
			"file_version": d.File.Version, "sha256": d.File.SHA256, "size": d.File.Size, "filename": d.File.Filename,
		})
	})
	return d, err
}

// afterFileChange records the audit event and queues text extraction and indexing.
func (s *Service) afterFileChange(ctx context.Context, tx store.Tx, actor dossier.User, d dossier.Document, action string, details map[string]any) error {
	if err := auditlog.Append(ctx, tx, s.now(), auditlog.Event{Actor: actor.ID, Action: action, DocumentID: d.ID, Details: details}); err != nil {
		return err
	}
	payload, _ := json.Marshal(map[string]any{"document_id": d.ID, "file_version": d.File.Version})
	return tx.Enqueue(ctx,
		store.Job{Kind: "extract_text", Payload: payload, RunAt: s.now()},
		store.Job{Kind: "index", Payload: payload, RunAt: s.now()})
}

// Get returns one document.
func (s *Service) Get(ctx context.Context, id string) (dossier.Document, error) {
	var d dossier.Document
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		d, err = tx.Document(ctx, id)
		return err
	})
	return d, err
}

// List returns one page of documents and the cursor of the next page ("" at the end).
func (s *Service) List(ctx context.Context, f store.DocumentFilter) ([]dossier.Document, string, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	want := f.Limit
	f.Limit++ // one more tells whether another page exists
	var docs []dossier.Document
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		docs, err = tx.ListDocuments(ctx, f)
		return err
	})
	if err != nil || len(docs) <= want {
		return docs, "", err
	}
	docs = docs[:want]
	return docs, docs[want-1].ID, nil
}

// Versions returns every file version of a document.
func (s *Service) Versions(ctx context.Context, id string) ([]dossier.FileVersion, error) {
	var files []dossier.FileVersion
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		if _, err := tx.Document(ctx, id); err != nil {
			return err
		}
		files, err = tx.FileVersions(ctx, id)
		return err
	})
	return files, err
}

// editable reads document id for a change, refusing archived documents.
func editable(ctx context.Context, tx store.Tx, id string) (dossier.Document, error) {
	d, err := tx.Document(ctx, id)
	if err != nil {
		return d, err
	}
	if d.ArchivedAt != nil || d.State == "archived" {
		return d, dossier.Errorf(dossier.EConflict, "document %s is archived and can no longer be changed", d.ID)
	}
	return d, nil
}
