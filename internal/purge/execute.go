package purge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"dossier/internal/audit"
	"dossier/internal/auditchain"
	"dossier/internal/blob"
	"dossier/internal/dossier"
	"dossier/internal/followup"
	"dossier/internal/store"
)

// Status is what became of one document.
type Status string

// The statuses of an Outcome.
const (
	Purged  Status = "purged"  // the document is gone
	Locked  Status = "locked"  // its bytes are under object lock: nothing was touched
	Skipped Status = "skipped" // no longer purgeable (held, changed, gone): nothing was touched
)

// Outcome is what Purge did with one document.
type Outcome struct {
	ID     string
	Status Status
	Reason string // why it was locked or skipped
	// Manifest is the SHA-256 of the document's manifest, as recorded in
	// its purge audit event.
	Manifest string
	// Deleted and Shared count the blobs deleted and those kept because
	// other documents use the same bytes.
	Deleted, Shared int
	// Left are blobs the store refused to delete after the document was
	// gone (a lock set meanwhile): orphans that fsck reports.
	Left []string
}

// Manifest is what a purge records the hash of: the document as the API
// showed it, every file version and every rendition. Someone holding an
// earlier export of the document can show it is the one that was purged.
type Manifest struct {
	Document   dossier.Document      `json:"document"`
	Files      []dossier.FileVersion `json:"files"`
	Renditions []dossier.Rendition   `json:"renditions"`
}

// Hash returns the hex SHA-256 of the manifest's canonical JSON.
func (m Manifest) Hash() (string, error) {
	b, err := auditchain.CanonicalJSON(m)
	if err != nil {
		return "", fmt.Errorf("manifest of %s: %w", m.Document.ID, err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Purge deletes document id if retention allows it, with its own blobs,
// records it in the audit trail and queues its removal from the search
// index. actor is the admin's user id, or "" for the command line.
//
// A document goes whole or stays whole: the locks of its blobs are checked
// before anything is deleted (a document with locked bytes is Locked, and
// untouched), then its rows go in one transaction with the audit event,
// and only after that commit its blobs, so that a failure in between
// leaves at most an orphan blob, never a document without its bytes.
func (s *Service) Purge(ctx context.Context, actor, id string) (Outcome, error) {
	out := Outcome{ID: id}
	m, err := s.manifest(ctx, id)
	if dossier.ErrorCode(err) == dossier.ENotFound {
		out.Status, out.Reason = Skipped, dossier.ErrorMessage(err)
		return out, nil
	}
	if err != nil {
		return out, err
	}
	d, now := m.Document, s.now()
	if reason := s.refusal(d, now); reason != "" {
		out.Status, out.Reason = Skipped, reason
		return out, nil
	}
	own, err := s.ownBlobs(ctx, m)
	if err != nil {
		return out, err
	}
	if reason, err := s.lockedBlob(ctx, own); err != nil || reason != "" {
		out.Status, out.Reason = Locked, reason
		return out, err
	}
	if out.Manifest, err = m.Hash(); err != nil {
		return out, err
	}
	var gone []string
	err = s.store.Write(ctx, func(tx store.Tx) error {
		cur, err := tx.Document(ctx, id)
		if err != nil {
			return err
		}
		if cur.Version != d.Version {
			return dossier.Errorf(dossier.EConflict, "document %s changed while it was being purged", id)
		}
		links, err := tx.Links(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteDocument(ctx, id); err != nil {
			return err
		}
		// Bytes someone uploaded again meanwhile stay with their new owner.
		if gone, err = unused(ctx, tx, own); err != nil {
			return err
		}
		details := s.details(m, out.Manifest, links, len(m.blobs())-len(gone))
		if actor == "" {
			details["via"] = "command line"
		}
		if err := audit.Append(ctx, tx, now, audit.Event{Actor: actor, Action: "document.purge", DocumentID: id, Details: details}); err != nil {
			return err
		}
		return followup.Queue(ctx, tx, now, followup.Change{What: followup.Purge, Document: d})
	})
	if dossier.ErrorCode(err) == dossier.EConflict || dossier.ErrorCode(err) == dossier.ENotFound {
		out.Status, out.Reason = Skipped, dossier.ErrorMessage(err)
		return out, nil
	}
	if err != nil {
		return out, err
	}
	out.Status, out.Shared = Purged, len(m.blobs())-len(gone)
	for _, sha := range gone {
		if err := s.blobs.Delete(context.WithoutCancel(ctx), sha); err != nil {
			out.Left = append(out.Left, sha)
			continue
		}
		out.Deleted++
	}
	return out, nil
}

// refusal says why d may not be purged at now, "" when it may.
func (s *Service) refusal(d dossier.Document, now time.Time) string {
	switch {
	case d.ArchivedAt == nil || !s.archived(d.Kind, d.State):
		return fmt.Sprintf("it is %s, not archived", d.State)
	case d.LegalHold:
		return "it is on legal hold"
	}
	if until := s.retainedTo(d.Kind, *d.ArchivedAt); until.After(now) {
		return "its retention runs until " + until.Format(time.DateOnly)
	}
	return ""
}

// manifest reads the document with its file versions and renditions.
func (s *Service) manifest(ctx context.Context, id string) (Manifest, error) {
	var m Manifest
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		if m.Document, err = tx.Document(ctx, id); err != nil {
			return err
		}
		if m.Files, err = tx.FileVersions(ctx, id); err != nil {
			return err
		}
		m.Renditions, err = tx.Renditions(ctx, id)
		return err
	})
	return m, err
}

// blobs lists the hashes of the document's bytes, each once.
func (m Manifest) blobs() []string {
	var out []string
	for _, f := range m.Files {
		out = append(out, f.SHA256)
	}
	for _, r := range m.Renditions {
		out = append(out, r.SHA256)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ownBlobs returns the document's blobs that no other document uses.
func (s *Service) ownBlobs(ctx context.Context, m Manifest) ([]string, error) {
	var own []string
	err := s.store.Read(ctx, func(tx store.Tx) error {
		for _, sha := range m.blobs() {
			docs, err := tx.DocumentsUsingBlob(ctx, sha)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(docs, func(d dossier.Document) bool { return d.ID != m.Document.ID }) {
				own = append(own, sha)
			}
		}
		return nil
	})
	return own, err
}

// unused returns those of shas that no document uses any more.
func unused(ctx context.Context, tx store.Tx, shas []string) ([]string, error) {
	var out []string
	for _, sha := range shas {
		docs, err := tx.DocumentsUsingBlob(ctx, sha)
		if err != nil {
			return nil, err
		}
		if len(docs) == 0 {
			out = append(out, sha)
		}
	}
	return out, nil
}

// lockedBlob says which of shas is under retention or legal hold in the
// blob store, "" when none is. Missing bytes are nothing to delete.
func (s *Service) lockedBlob(ctx context.Context, shas []string) (string, error) {
	for _, sha := range shas {
		until, held, err := s.blobs.Lock(ctx, sha)
		switch {
		case errors.Is(err, blob.ErrNotFound):
		case err != nil:
			return "", fmt.Errorf("read the lock of %s: %w", sha, err)
		case held:
			return fmt.Sprintf("its bytes %s are under legal hold in the object store", sha), nil
		case !until.IsZero():
			return fmt.Sprintf("its bytes %s are retained until %s in the object store", sha, until.Format(time.RFC3339)), nil
		}
	}
	return "", nil
}

// details is the purge's audit event: enough to say what went without
// keeping the metadata that retention let go; the manifest hash covers it.
func (s *Service) details(m Manifest, hash string, links []dossier.Link, shared int) map[string]any {
	d := m.Document
	files := make([]map[string]any, len(m.Files))
	for i, f := range m.Files {
		files[i] = map[string]any{"version": f.Version, "sha256": f.SHA256, "size": f.Size}
	}
	renditions := make([]map[string]any, len(m.Renditions))
	for i, r := range m.Renditions {
		renditions[i] = map[string]any{"name": r.Name, "sha256": r.SHA256}
	}
	linked := make([]map[string]any, len(links))
	for i, l := range links {
		linked[i] = map[string]any{"document_id": l.DocumentID, "target_id": l.TargetID, "relation": l.Relation}
	}
	return map[string]any{
		"kind": d.Kind, "number": d.Number, "state": d.State,
		"archived_at": d.ArchivedAt, "retained_until": s.retainedTo(d.Kind, *d.ArchivedAt),
		"retention_years": s.years(string(d.Kind)), "manifest_sha256": hash,
		"files": files, "renditions": renditions, "links": linked, "shared_blobs": shared,
	}
}
