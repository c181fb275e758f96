package documents

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"dossier/internal/audit"
	"dossier/internal/dossier"
	"dossier/internal/followup"
	"dossier/internal/store"
)

// LockJob brings the blob-store locks of the document named in payload in
// line with the database: every file version and rendition of an archived
// document is retained until archived_at plus its kind's retention, and held
// while any document using those bytes is on legal hold. Identical bytes are
// stored once, so each blob's lock is decided over all documents using it.
func (s *Service) LockJob(ctx context.Context, payload []byte) error {
	var p struct {
		DocumentID string `json:"document_id"`
	}
	if err := json.Unmarshal(payload, &p); err != nil || p.DocumentID == "" {
		return fmt.Errorf("lock: bad payload %q", payload)
	}
	shas, err := s.blobsOf(ctx, p.DocumentID)
	if err != nil {
		return err
	}
	for _, sha := range shas {
		if err := s.lockBlob(ctx, sha); err != nil {
			return fmt.Errorf("lock %s of %s: %w", sha, p.DocumentID, err)
		}
	}
	return nil
}

func (s *Service) blobsOf(ctx context.Context, id string) ([]string, error) {
	var shas []string
	err := s.store.Read(ctx, func(tx store.Tx) error {
		files, err := tx.FileVersions(ctx, id)
		if err != nil {
			return err
		}
		renditions, err := tx.Renditions(ctx, id)
		if err != nil {
			return err
		}
		for _, f := range files {
			shas = append(shas, f.SHA256)
		}
		for _, r := range renditions {
			shas = append(shas, r.SHA256)
		}
		return nil
	})
	return shas, err
}

func (s *Service) lockBlob(ctx context.Context, sha string) error {
	var docs []dossier.Document
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		docs, err = tx.DocumentsUsingBlob(ctx, sha)
		return err
	})
	if err != nil {
		return err
	}
	var until time.Time
	held := false
	for _, d := range docs {
		held = held || d.LegalHold
		if d.ArchivedAt != nil {
			if t := d.ArchivedAt.AddDate(s.retentionYears(d.Kind), 0, 0); t.After(until) {
				until = t
			}
		}
	}
	if !until.IsZero() {
		if err := s.blobs.Retain(ctx, sha, until); err != nil {
			return err
		}
	}
	return s.blobs.Hold(ctx, sha, held)
}

func (s *Service) retentionYears(k dossier.Kind) int {
	if s.RetentionYears == nil {
		return dossier.DefaultRetentionYears // built without a retention table
	}
	return s.RetentionYears(string(k))
}

// LegalHold sets or clears the legal hold of a document; it works on
// archived documents too, since holding them is its purpose. The blobs are
// held or released by the retain job that follows.
func (s *Service) LegalHold(ctx context.Context, actor dossier.User, id string, on bool, reason string) (dossier.Document, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return dossier.Document{}, dossier.Errorf(dossier.EUnprocessable, "reason: say why the hold is set or cleared")
	}
	if err := dossier.CheckComment("reason", reason); err != nil {
		return dossier.Document{}, err
	}
	var d dossier.Document
	err := s.store.Write(ctx, func(tx store.Tx) (err error) {
		if d, err = tx.Document(ctx, id); err != nil {
			return err
		}
		prev := d.Version
		d.LegalHold, d.Version, d.UpdatedAt = on, d.Version+1, s.now().UTC().Truncate(time.Microsecond)
		if err := tx.UpdateDocument(ctx, d, prev); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, d.UpdatedAt, audit.Event{Actor: actor.ID, Action: "document.legal_hold", DocumentID: id,
			Details: map[string]any{"on": on, "reason": reason}}); err != nil {
			return err
		}
		return followup.Queue(ctx, tx, d.UpdatedAt, followup.Change{What: followup.LegalHold, Document: d})
	})
	return d, err
}
