package documents

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"dossier/internal/audit"
	"dossier/internal/blob"
	"dossier/internal/dossier"
	"dossier/internal/media"
	"dossier/internal/pdf"
	"dossier/internal/store"
)

// RenditionStamped is the name of the stamped PDF rendition.
const RenditionStamped = "stamped"

// StampJob makes the stamped rendition of the document named in payload: a
// copy of its newest PDF with a footer on every page (state, approvals,
// document id, sha256 of the original). The original bytes never change.
// Files that are not PDFs get no rendition.
func (s *Service) StampJob(ctx context.Context, payload []byte) error {
	var p struct {
		DocumentID string `json:"document_id"`
	}
	if err := json.Unmarshal(payload, &p); err != nil || p.DocumentID == "" {
		return fmt.Errorf("stamp: bad payload %q", payload)
	}
	d, footer, err := s.footer(ctx, p.DocumentID)
	if dossier.ErrorCode(err) == dossier.ENotFound {
		return nil // purged meanwhile: nothing left to stamp
	}
	if err != nil || d.File.MediaType != media.PDF {
		return err
	}
	src, err := blob.Spool(ctx, s.blobs, d.File.SHA256, s.tempDir)
	if err != nil {
		return blobError("read "+d.File.SHA256, err)
	}
	defer blob.RemoveTemp(src)
	out, err := os.CreateTemp(s.tempDir, "stamped-*.pdf")
	if err != nil {
		return fmt.Errorf("stamp %s: %w", d.ID, err)
	}
	defer blob.RemoveTemp(out)
	if err := pdf.Stamp(ctx, src, out, footer); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("stamp %s: %w", d.ID, err)
		}
		// The same bytes will fail the same way (encrypted, unreadable):
		// the job parks at once for an admin instead of retrying.
		return dossier.Errorf(dossier.EUnprocessable, "stamp %s: pdfcpu cannot stamp this PDF: %v", d.ID, err)
	}
	if _, err := out.Seek(0, io.SeekStart); err != nil {
		return err
	}
	staged, err := s.blobs.Stage(ctx, out)
	if err != nil {
		return fmt.Errorf("stamp %s: %w", d.ID, err)
	}
	if err := s.blobs.Promote(ctx, staged); err != nil {
		return fmt.Errorf("stamp %s: %w", d.ID, err)
	}
	r := dossier.Rendition{DocumentID: d.ID, Name: RenditionStamped, FileVersion: d.File.Version, SHA256: staged.SHA256,
		Size: staged.Size, State: d.State, CreatedAt: footer.At}
	err = s.store.Write(ctx, func(tx store.Tx) error {
		if err := tx.PutRendition(ctx, r); err != nil {
			return err
		}
		return audit.Append(ctx, tx, s.now(), audit.Event{Action: "document.stamp", DocumentID: d.ID,
			Details: map[string]any{"state": d.State, "sha256": r.SHA256, "file_version": r.FileVersion}})
	})
	if err != nil || d.ArchivedAt == nil {
		return err
	}
	// The archive's lock job may have run before this rendition existed.
	return s.lockBlob(ctx, r.SHA256)
}

// footer reads what the stamp shows.
func (s *Service) footer(ctx context.Context, id string) (dossier.Document, pdf.Footer, error) {
	var d dossier.Document
	var f pdf.Footer
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		if d, err = tx.Document(ctx, id); err != nil {
			return err
		}
		approvals, err := tx.Approvals(ctx, id, d.Round)
		if err != nil {
			return err
		}
		name := func(userID string) string {
			if u, err := tx.UserByID(ctx, userID); err == nil {
				return u.Username
			}
			return userID
		}
		f = pdf.Footer{State: d.State, DocumentID: d.ID, SHA256: d.File.SHA256, At: s.now().UTC().Truncate(time.Microsecond)}
		for _, a := range approvals {
			line := fmt.Sprintf("L%d %s", a.Level, name(a.ApproverID))
			if a.OnBehalfOf != "" {
				line += " on behalf of " + name(a.OnBehalfOf)
			}
			line += " " + a.At.Format(time.DateOnly)
			if a.SHA256 != "" {
				line += " file " + a.SHA256[:min(12, len(a.SHA256))] // the bytes approved, as the footer's sha256 begins
			}
			f.Approvals = append(f.Approvals, line)
		}
		return nil
	})
	return d, f, err
}

// OpenRendition returns a rendition of document id for reading and records
// the download in the audit trail.
func (s *Service) OpenRendition(ctx context.Context, actor dossier.User, id, name string) (dossier.Rendition, io.ReadSeekCloser, error) {
	var r dossier.Rendition
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		d, err := tx.Document(ctx, id)
		if err != nil {
			return err
		}
		if r, err = tx.Rendition(ctx, id, name); err != nil && d.File.MediaType != media.PDF {
			return dossier.Errorf(dossier.ENotFound, "document %s is a %s file: only PDFs get a %s rendition", id, d.File.MediaType, name)
		}
		if err != nil {
			if dossier.ErrorCode(err) == dossier.ENotFound {
				return dossier.Errorf(dossier.ENotFound, "document %s has no %s rendition yet: one is made after approval and after archiving", id, name)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return r, nil, err
	}
	rc, err := s.blobs.Open(ctx, r.SHA256)
	if err != nil {
		return r, nil, blobError("open rendition of "+id, err)
	}
	// Audited once the bytes can be read, as Open does.
	err = s.store.Write(ctx, func(tx store.Tx) error {
		return audit.Append(ctx, tx, s.now(), audit.Event{Actor: actor.ID, Action: "document.download", DocumentID: id,
			Details: map[string]any{"rendition": name, "file_version": r.FileVersion}})
	})
	if err != nil {
		rc.Close()
		return r, nil, err
	}
	return r, rc, nil
}
