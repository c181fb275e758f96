package lc

import (
	"context"
	"slices"

	"dossier/internal/dossier"
	"dossier/internal/store"
	"dossier/internal/swift"
)

// Overview is what an LC's own page shows of it: its register row, its
// amendments, and the MT700 it was made from.
type Overview struct {
	// Row is the LC as the register shows it today, counted by the code
	// that counts the register's.
	Row        Row
	Amendments []dossier.Amendment
	// Message is the MT700 as the bank wrote it, when HasMessage: an LC
	// uploaded as a PDF has none.
	Message    swift.Message
	HasMessage bool
}

// Overview reads LC document id for its page: the row and the amendments
// in one transaction, then the message parsed from its file: a read for
// the page, not a download, so nothing is audited.
func (s *Service) Overview(ctx context.Context, id string) (Overview, error) {
	def, err := s.defs.Lookup(dossier.KindLetterOfCredit)
	if err != nil {
		return Overview{}, err
	}
	events := presentationEvents(def)
	var o Overview
	err = s.store.Read(ctx, func(tx store.Tx) error {
		d, err := s.letterOfCredit(ctx, tx, id)
		if err != nil {
			return err
		}
		all, err := tx.History(ctx, id)
		if err != nil {
			return err
		}
		// Only the events the register reads: the same history gives the same row.
		history := slices.DeleteFunc(all, func(h dossier.HistoryEntry) bool { return !slices.Contains(events, h.Event) })
		o.Row = row(d, civil(s.Now()), history)
		if o.Amendments, err = tx.Amendments(ctx, id); err != nil {
			return err
		}
		if i := slices.IndexFunc(o.Amendments, func(a dossier.Amendment) bool { return a.State == dossier.AmendmentPending }); i >= 0 {
			a := o.Amendments[i]
			o.Row.PendingAmendment = &PendingAmendment{ID: a.ID, Number: a.Number, ReceivedAt: a.CreatedAt}
		}
		return nil
	})
	if err != nil {
		return o, err
	}
	o.Message, o.HasMessage, err = s.message(ctx, id)
	return o, err
}
