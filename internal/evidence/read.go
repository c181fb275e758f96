package evidence

import (
	"context"
	"fmt"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// snapshot is everything the archive says of one document, read in one
// transaction so that its files, history and audit chain agree.
type snapshot struct {
	doc        dossier.Document
	files      []dossier.FileVersion
	renditions []dossier.Rendition
	history    []dossier.HistoryEntry
	approvals  []dossier.Approval
	reviews    []dossier.Review
	events     []dossier.AuditEvent
	users      map[string]dossier.UserName
}

func (e *Exporter) read(ctx context.Context, id string) (snapshot, error) {
	var s snapshot
	err := e.Store.Read(ctx, func(tx store.Tx) (err error) {
		if s.doc, err = tx.Document(ctx, id); err != nil {
			return err
		}
		if s.files, err = tx.FileVersions(ctx, id); err != nil {
			return err
		}
		if s.renditions, err = tx.Renditions(ctx, id); err != nil {
			return err
		}
		if s.history, err = tx.History(ctx, id); err != nil {
			return err
		}
		s.approvals, s.reviews = []dossier.Approval{}, []dossier.Review{}
		for round := 1; round <= s.doc.Round; round++ {
			a, err := tx.Approvals(ctx, id, round)
			if err != nil {
				return err
			}
			r, err := tx.Reviews(ctx, id, round)
			if err != nil {
				return err
			}
			s.approvals, s.reviews = append(s.approvals, a...), append(s.reviews, r...)
		}
		// A document's events are its own chain (stream = its id), so they
		// are exactly the events that name it.
		if s.events, err = tx.ListAudit(ctx, store.AuditFilter{DocumentID: id}); err != nil {
			return err
		}
		ids := []string{s.doc.CreatedBy}
		for _, f := range s.files {
			ids = append(ids, f.CreatedBy)
		}
		for _, h := range s.history {
			ids = append(ids, h.Actor, h.OnBehalfOf)
		}
		for _, a := range s.approvals {
			ids = append(ids, a.ApproverID, a.OnBehalfOf)
		}
		for _, r := range s.reviews {
			ids = append(ids, r.ReviewerID)
		}
		for _, ev := range s.events {
			ids = append(ids, ev.Actor)
		}
		s.users, err = store.UserNames(ctx, tx, ids...)
		return err
	})
	if err != nil {
		return s, fmt.Errorf("export %s: %w", id, err)
	}
	if s.history == nil {
		s.history = []dossier.HistoryEntry{}
	}
	return s, nil
}
