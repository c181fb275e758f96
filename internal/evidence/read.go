package evidence

import (
	"context"
	"fmt"
	"io"

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
	audit      AuditHead
	users      map[string]dossier.UserName
}

// defaultEventPage is how many audit events are read at once: a document's
// trail (downloads included) may be long, and it goes to the spool page by
// page.
const defaultEventPage = 1000

// read reads document id and writes its audit events, one JSON line each,
// to events.
func (e *Exporter) read(ctx context.Context, id string, events io.Writer) (snapshot, error) {
	s := snapshot{audit: AuditHead{Stream: id}}
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
		ids := []string{s.doc.CreatedBy}
		// A document's events are its own chain (stream = its id), so they
		// are exactly the events that name it.
		actors := map[string]bool{}
		page := e.EventPage
		if page <= 0 {
			page = defaultEventPage
		}
		for f := (store.AuditFilter{DocumentID: id, Limit: page}); ; {
			evs, err := tx.ListAudit(ctx, f)
			if err != nil {
				return err
			}
			for _, ev := range evs {
				line, err := jsonLine(ev)
				if err != nil {
					return err
				}
				if _, err := events.Write(line); err != nil {
					return fmt.Errorf("evidence spool: %w", err)
				}
				s.audit.Events++
				s.audit.StreamSeq, s.audit.Hash = ev.StreamSeq, ev.Hash
				if !actors[ev.Actor] {
					actors[ev.Actor] = true
					ids = append(ids, ev.Actor)
				}
			}
			if len(evs) < f.Limit {
				break
			}
			f.AfterSeq = evs[len(evs)-1].Seq
		}
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
