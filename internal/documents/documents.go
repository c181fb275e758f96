// Package documents is the document service: intake of uploaded files
// (stream, hash, sniff, validate, store), metadata, versions, links and
// downloads. Every change commits with its audit event and the jobs it causes
// in one transaction (SPEC §3a).
package documents

import (
	"context"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"dossier/internal/audit"
	"dossier/internal/blob"
	"dossier/internal/dossier"
	"dossier/internal/followup"
	"dossier/internal/store"
	"dossier/internal/workflow"
)

// changeTx is what a change of a document writes besides the document:
// its audit event and the jobs that follow it.
type changeTx interface {
	store.AuditTx
	store.JobTx
}

// Service is the document service.
type Service struct {
	store   store.Store
	blobs   blob.Store
	defs    *workflow.Set
	now     func() time.Time
	tempDir string // where PDFs are spooled for validation
	// RetentionYears gives the years an archived document of a kind stays
	// locked (SPEC §8); nil means 10 for every kind.
	RetentionYears func(kind string) int
}

// New returns a Service over the kinds defs defines. tempDir holds
// short-lived copies of uploaded PDFs while pdfcpu checks them ("" for the
// system default).
func New(s store.Store, b blob.Store, defs *workflow.Set, now func() time.Time, tempDir string) *Service {
	return &Service{store: s, blobs: b, defs: defs, now: now, tempDir: tempDir}
}

// CheckMetadata normalises m and checks it against its kind's definition,
// as Create does; callers use it to refuse bad metadata before a file is
// streamed.
func (s *Service) CheckMetadata(m dossier.Metadata) (dossier.Metadata, *workflow.Definition, error) {
	m = m.Normalize()
	def, err := s.defs.Lookup(m.Kind)
	if err != nil {
		return m, nil, err
	}
	return m, def, m.Validate(def.Spec())
}

// Also is more work done in the transaction of a change, on the document as
// the change leaves it: a refusal undoes the change.
type Also func(ctx context.Context, tx store.Tx, d dossier.Document) error

// Create makes a new document from validated metadata and a staged file.
// The staged blob is promoted before the transaction, so a crash in between
// leaves at most an orphan blob (found by fsck), never a document without bytes.
func (s *Service) Create(ctx context.Context, actor dossier.User, m dossier.Metadata, f Staged, also ...Also) (dossier.Document, error) {
	m, def, err := s.CheckMetadata(m)
	if err != nil {
		return dossier.Document{}, err
	}
	if err := s.blobs.Promote(ctx, f.Staged); err != nil {
		return dossier.Document{}, blobError("store the file", err)
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	d := dossier.Document{
		ID: ulid.Make().String(), Kind: m.Kind, State: def.Initial, Version: 1,
		CreatedBy: actor.ID, CreatedAt: now, UpdatedAt: now,
	}
	applyMetadata(&d, m)
	d.File = f.version(d.ID, 1, actor.ID, now)
	err = s.store.Write(ctx, func(tx store.Tx) error {
		if err := tx.CreateDocument(ctx, d); err != nil {
			return err
		}
		for _, a := range also {
			if err := a(ctx, tx, d); err != nil {
				return err
			}
		}
		return s.afterFileChange(ctx, tx, actor, d, followup.Upload, "document.upload", map[string]any{
			"kind": d.Kind, "title": d.Title, "sha256": d.File.SHA256, "size": d.File.Size, "filename": d.File.Filename,
		})
	})
	return d, err
}

// AddVersion adds a new file version to a document that its workflow
// declares still being prepared: once it has gone to review and approval,
// the approvers decide on fixed bytes (SPEC §6), and it must be returned or
// reopened before a new file replaces them.
func (s *Service) AddVersion(ctx context.Context, actor dossier.User, id string, f Staged) (dossier.Document, error) {
	if err := s.blobs.Promote(ctx, f.Staged); err != nil {
		return dossier.Document{}, blobError("store the file", err)
	}
	var d dossier.Document
	err := s.store.Write(ctx, func(tx store.Tx) (err error) {
		var def *workflow.Definition
		if d, def, err = s.editable(ctx, tx, id); err != nil {
			return err
		}
		if !def.IsPreparing(d.State) {
			return dossier.Errorf(dossier.EConflict,
				"document %s is %s: a new file version is accepted only while it is prepared (%s); return or reopen it first",
				id, d.State, strings.Join(def.Preparing, ", "))
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
		return s.afterFileChange(ctx, tx, actor, d, followup.NewVersion, "document.version", map[string]any{
			"file_version": d.File.Version, "sha256": d.File.SHA256, "size": d.File.Size, "filename": d.File.Filename,
		})
	})
	return d, err
}

// afterFileChange records the audit event and queues what follows.
func (s *Service) afterFileChange(ctx context.Context, tx changeTx, actor dossier.User, d dossier.Document, what followup.What, action string, details map[string]any) error {
	if err := audit.Append(ctx, tx, s.now(), audit.Event{Actor: actor.ID, Action: action, DocumentID: d.ID, Details: details}); err != nil {
		return err
	}
	return followup.Queue(ctx, tx, s.now(), followup.Change{What: what, Document: d})
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

// editable reads document id for a change with its definition, refusing
// documents in a state the definition declares immutable.
func (s *Service) editable(ctx context.Context, tx store.DocumentTx, id string) (dossier.Document, *workflow.Definition, error) {
	d, err := tx.Document(ctx, id)
	if err != nil {
		return d, nil, err
	}
	def, err := s.defs.Lookup(d.Kind)
	if err != nil {
		return d, nil, err
	}
	if d.ArchivedAt != nil || def.IsImmutable(d.State) {
		return d, def, dossier.Errorf(dossier.EConflict, "document %s is %s and can no longer be changed", d.ID, d.State)
	}
	return d, def, nil
}
