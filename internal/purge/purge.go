// Package purge deletes archived documents once their retention has ended
// (SPEC §8): it lists what retention allows to go, and purges one document
// at a time, so that each goes whole or stays whole. A purged document
// leaves its audit events behind, with one more saying what went (the hash
// of the document's manifest among it), so the audit chain still verifies;
// it leaves the search index through the index job queued with the purge.
//
// A document may go when its workflow declares its state immutable (it is
// archived), its retention (archived_at plus the years configured for its
// kind) has ended, and it is not on legal hold. The blob store has the last
// word: bytes still under object lock are never deleted, and the document
// they belong to is then left as it is and reported.
package purge

import (
	"context"
	"time"

	"dossier/internal/blob"
	"dossier/internal/dossier"
	"dossier/internal/store"
	"dossier/internal/workflow"
)

// Service lists and purges documents whose retention has ended.
type Service struct {
	store store.Store
	blobs blob.Store
	defs  *workflow.Set
	years func(kind string) int
	now   func() time.Time
}

// New returns a Service; years gives the retention of a kind in years
// (config.Config.RetentionYears).
func New(s store.Store, b blob.Store, defs *workflow.Set, years func(kind string) int, now func() time.Time) *Service {
	return &Service{store: s, blobs: b, defs: defs, years: years, now: now}
}

// Filter narrows a plan; zero fields match all.
type Filter struct {
	Kind   dossier.Kind
	Before time.Time // archived strictly before
}

// Candidate is an archived document whose retention has ended.
type Candidate struct {
	ID         string       `json:"id"`
	Kind       dossier.Kind `json:"kind"`
	State      string       `json:"state"`
	Number     string       `json:"number"`
	Title      string       `json:"title"`
	ArchivedAt time.Time    `json:"archived_at"`
	RetainedTo time.Time    `json:"retained_until"` // when retention ended
}

// Plan is what a purge would delete now.
type Plan struct {
	Purgeable []Candidate
	// Held counts the documents the filter selects whose retention has
	// ended but which are on legal hold, and so stay.
	Held int
}

// Plan lists the documents that retention allows to go now, oldest archive
// first within each kind, kinds in name order.
func (s *Service) Plan(ctx context.Context, f Filter) (Plan, error) {
	kinds := s.defs.Kinds()
	if f.Kind != "" {
		if _, err := s.defs.Lookup(f.Kind); err != nil {
			return Plan{}, err
		}
		kinds = []dossier.Kind{f.Kind}
	}
	now := s.now()
	var p Plan
	err := s.store.Read(ctx, func(tx store.Tx) error {
		for _, k := range kinds {
			// A day of slack: the exact test below handles what adding
			// years to 29 February does; the index narrows the scan.
			before := now.AddDate(-s.years(string(k)), 0, 1)
			if !f.Before.IsZero() && f.Before.Before(before) {
				before = f.Before
			}
			err := tx.ScanArchived(ctx, store.ArchiveFilter{Kind: k, Before: before}, func(a store.Archived) error {
				if !s.ended(a, now) {
					return nil
				}
				if a.LegalHold {
					p.Held++
					return nil
				}
				p.Purgeable = append(p.Purgeable, s.candidate(a))
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return p, err
}

func (s *Service) candidate(a store.Archived) Candidate {
	return Candidate{ID: a.ID, Kind: a.Kind, State: a.State, Number: a.Number, Title: a.Title,
		ArchivedAt: a.ArchivedAt, RetainedTo: s.retainedTo(a.Kind, a.ArchivedAt)}
}

// retainedTo is when the retention of a document archived at ends; the
// same date the retain job locks its blobs until.
func (s *Service) retainedTo(k dossier.Kind, archivedAt time.Time) time.Time {
	return archivedAt.AddDate(s.years(string(k)), 0, 0)
}

// archived reports whether the workflow of a's kind declares its state
// immutable, which is what archived means; a kind no longer defined is
// never purged, since nothing says what its states mean.
func (s *Service) archived(k dossier.Kind, state string) bool {
	def, ok := s.defs.Kind(k)
	return ok && def.IsImmutable(state)
}

// ended reports whether a is archived and its retention is over at now,
// legal hold aside.
func (s *Service) ended(a store.Archived, now time.Time) bool {
	return s.archived(a.Kind, a.State) && !s.retainedTo(a.Kind, a.ArchivedAt).After(now)
}
