package lc

import (
	"context"
	"slices"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// Status is LC document id as its register row shows it today: the same
// deadlines, urgency, discrepancies and pending amendment, for the LC's own
// page, counted by the code that counts the register's.
func (s *Service) Status(ctx context.Context, id string) (Row, error) {
	def, err := s.defs.Lookup(dossier.KindLetterOfCredit)
	if err != nil {
		return Row{}, err
	}
	events := presentationEvents(def)
	var r Row
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
		r = row(d, civil(s.Now()), history)
		amendments, err := tx.Amendments(ctx, id)
		if err != nil {
			return err
		}
		if i := slices.IndexFunc(amendments, func(a dossier.Amendment) bool { return a.State == dossier.AmendmentPending }); i >= 0 {
			a := amendments[i]
			r.PendingAmendment = &PendingAmendment{ID: a.ID, Number: a.Number, ReceivedAt: a.CreatedAt}
		}
		return nil
	})
	return r, err
}
