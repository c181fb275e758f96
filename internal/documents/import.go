package documents

import (
	"context"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"dossier/internal/audit"
	"dossier/internal/dossier"
	"dossier/internal/followup"
	"dossier/internal/store"
)

// ImportOptions say where a document loaded from an existing archive starts.
type ImportOptions struct {
	// State is the kind's initial state ("" says the same) or a state its
	// workflow declares immutable: an archive loaded as archived. No state
	// in between: that would skip the reviews and approvals it stands for.
	State string
	// ArchivedAt is when an archived document was archived, from which its
	// retention counts; required for an immutable State, refused otherwise.
	ArchivedAt time.Time
	// Source says where the file came from (its path in the archive), for
	// the audit trail.
	Source string
}

// Import makes a document from an existing archive: like Create, but it
// may start archived, with its original archive date, and is audited as
// imported. An archived import locks its bytes as archiving does.
func (s *Service) Import(ctx context.Context, actor dossier.User, m dossier.Metadata, f Staged, o ImportOptions) (dossier.Document, error) {
	m, def, err := s.CheckMetadata(m)
	if err != nil {
		return dossier.Document{}, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	state := o.State
	if state == "" {
		state = def.Initial
	}
	var archivedAt *time.Time
	switch {
	case def.IsImmutable(state):
		if o.ArchivedAt.IsZero() {
			return dossier.Document{}, dossier.Errorf(dossier.EUnprocessable, "archived_at: a document imported as %s needs the date it was archived", state)
		}
		if o.ArchivedAt.After(now) {
			return dossier.Document{}, dossier.Errorf(dossier.EUnprocessable, "archived_at %s is in the future", o.ArchivedAt.Format(time.RFC3339))
		}
		at := o.ArchivedAt.UTC().Truncate(time.Microsecond)
		archivedAt = &at
	case state != def.Initial:
		return dossier.Document{}, dossier.Errorf(dossier.EUnprocessable,
			"state %s: a %s is imported as %s or in a final state (%s)", dossier.Clip(state), m.Kind, def.Initial, strings.Join(def.Immutable, ", "))
	case !o.ArchivedAt.IsZero():
		return dossier.Document{}, dossier.Errorf(dossier.EUnprocessable, "archived_at is only for a document imported as archived (%s)", strings.Join(def.Immutable, ", "))
	}
	if err := s.blobs.Promote(ctx, f.Staged); err != nil {
		return dossier.Document{}, blobError("store the file", err)
	}
	d := dossier.Document{
		ID: ulid.Make().String(), Kind: m.Kind, State: state, Version: 1,
		CreatedBy: actor.ID, CreatedAt: now, UpdatedAt: now, ArchivedAt: archivedAt,
	}
	applyMetadata(&d, m)
	d.File = f.version(d.ID, 1, actor.ID, now)
	details := map[string]any{
		"kind": d.Kind, "title": d.Title, "number": d.Number, "state": d.State, "archived_at": d.ArchivedAt,
		"sha256": d.File.SHA256, "size": d.File.Size, "filename": d.File.Filename, "source": o.Source,
	}
	if actor.ID == "" {
		details["via"] = "command line"
	}
	err = s.store.Write(ctx, func(tx store.Tx) error {
		if err := tx.CreateDocument(ctx, d); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, now, audit.Event{Actor: actor.ID, Action: "document.import", DocumentID: d.ID, Details: details}); err != nil {
			return err
		}
		return followup.Queue(ctx, tx, now, followup.Change{What: followup.Import, Document: d})
	})
	return d, err
}
