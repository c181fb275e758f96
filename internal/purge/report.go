package purge

import (
	"context"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// Report is what becomes purgeable when, per kind (GET /api/v1/retention).
type Report struct {
	AsOf  time.Time    `json:"as_of"`
	Kinds []KindReport `json:"kinds"`
}

// KindReport is the retention of one kind's archive.
type KindReport struct {
	Kind           dossier.Kind `json:"kind"`
	RetentionYears int          `json:"retention_years"`
	Archived       int          `json:"archived"`   // documents in an archived state
	LegalHold      int          `json:"legal_hold"` // of which on legal hold: never purgeable while held
	PurgeableNow   int          `json:"purgeable_now"`
	// NextPurgeable is when the next retention ends, among documents
	// not on hold; null when none is still running.
	NextPurgeable *time.Time `json:"next_purgeable_at"`
	// Schedule counts the documents not on hold by the year their
	// retention ends, from this year on, earliest first.
	Schedule []YearCount `json:"schedule"`
}

// YearCount is how many documents become purgeable in a year.
type YearCount struct {
	Year      int `json:"year"`
	Documents int `json:"documents"`
}

// Report tells for every kind how many archived documents become
// purgeable when.
func (s *Service) Report(ctx context.Context) (Report, error) {
	now := s.now().UTC()
	r := Report{AsOf: now, Kinds: []KindReport{}}
	byKind := map[dossier.Kind]*KindReport{}
	for _, k := range s.defs.Kinds() {
		r.Kinds = append(r.Kinds, KindReport{Kind: k, RetentionYears: s.years(string(k)), Schedule: []YearCount{}})
	}
	for i := range r.Kinds {
		byKind[r.Kinds[i].Kind] = &r.Kinds[i]
	}
	err := s.store.Read(ctx, func(tx store.Tx) error {
		return tx.ScanArchived(ctx, store.ArchiveFilter{}, func(a store.Archived) error {
			kr := byKind[a.Kind]
			if kr == nil || !s.archived(a.Kind, a.State) {
				return nil
			}
			kr.Archived++
			if a.LegalHold {
				kr.LegalHold++
				return nil
			}
			until := s.retainedTo(a.Kind, a.ArchivedAt).UTC()
			if !until.After(now) {
				kr.PurgeableNow++
				return nil
			}
			if kr.NextPurgeable == nil || until.Before(*kr.NextPurgeable) {
				kr.NextPurgeable = &until
			}
			kr.count(until.Year())
			return nil
		})
	})
	return r, err
}

// count adds a document to its year, keeping the schedule in year order.
func (kr *KindReport) count(year int) {
	for i := range kr.Schedule {
		switch {
		case kr.Schedule[i].Year == year:
			kr.Schedule[i].Documents++
			return
		case kr.Schedule[i].Year > year:
			kr.Schedule = append(kr.Schedule[:i], append([]YearCount{{year, 1}}, kr.Schedule[i:]...)...)
			return
		}
	}
	kr.Schedule = append(kr.Schedule, YearCount{year, 1})
}
