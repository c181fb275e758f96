package storetest

import (
	"fmt"
	"sync"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// The race tests release every goroutine at once from a barrier, each in its
// own Write, the way replicas or concurrent requests hit the database.

func testConcurrency(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Run("UpdateDocumentOneWinner", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var doc dossier.Document
		write(t, s, func(tx store.Tx) error { doc = newDocument(t, tx, newUser(t, tx).ID); return nil })

		var loaded, wg sync.WaitGroup
		loaded.Add(concurrentWriters)
		errs := make([]error, concurrentWriters)
		for i := range concurrentWriters {
			wg.Go(func() {
				// Everyone loads version v before anyone writes: a lost update
				// in the making, which the conditional update must stop.
				var cur dossier.Document
				err := s.Read(t.Context(), func(tx store.Tx) (err error) {
					cur, err = tx.Document(t.Context(), doc.ID)
					return err
				})
				loaded.Done()
				if err != nil {
					errs[i] = fmt.Errorf("read: %w", err)
					return
				}
				loaded.Wait()
				expect := cur.Version
				cur.Title = fmt.Sprintf("edit %d", i)
				cur.Version = expect + 1
				errs[i] = s.Write(t.Context(), func(tx store.Tx) error {
					return tx.UpdateDocument(t.Context(), cur, expect)
				})
			})
		}
		wg.Wait()

		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Errorf("writers %d and %d both updated version %d", winner, i, doc.Version)
			case err == nil:
				winner = i
			case dossier.ErrorCode(err) != dossier.EConflict:
				t.Errorf("writer %d: got %v (code %q), want conflict", i, err, dossier.ErrorCode(err))
			}
		}
		if winner < 0 {
			t.Fatalf("no writer succeeded; errors: %v", errs)
		}
		got := getDocument(t, s, doc.ID)
		if want := fmt.Sprintf("edit %d", winner); got.Title != want || got.Version != doc.Version+1 {
			t.Errorf("after the race: title %q version %d, want the winner's %q version %d", got.Title, got.Version, want, doc.Version+1)
		}
	})

	t.Run("AppendAuditSameStream", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var u dossier.User
		var doc dossier.Document
		write(t, s, func(tx store.Tx) error { u = newUser(t, tx); doc = newDocument(t, tx, u.ID); return nil })

		sealed, errs := raceAppends(t, s, func(i int) []dossier.AuditEvent {
			return []dossier.AuditEvent{eventFixture(doc.ID, u.ID, func(e *dossier.AuditEvent) {
				e.Details = []byte(fmt.Sprintf(`{"writer":%d}`, i))
			})}
		})
		for i, err := range errs {
			if err != nil {
				t.Errorf("writer %d: AppendAudit: %v", i, err)
			}
		}
		got := listAudit(t, s, store.AuditFilter{DocumentID: doc.ID})
		if len(got) != concurrentWriters {
			t.Fatalf("ListAudit: got %d events, want %d", len(got), concurrentWriters)
		}
		checkChain(t, doc.ID, got)
		checkSealed(t, got, sealed)
		last := got[len(got)-1]
		if h := auditHeads(t, s)[doc.ID]; h.StreamSeq != concurrentWriters || h.Hash != last.Hash {
			t.Errorf("AuditHeads[%s]: got %+v, want StreamSeq %d Hash %s", doc.ID, h, concurrentWriters, last.Hash)
		}
	})

	t.Run("AppendAuditManyStreams", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var u dossier.User
		docs := make([]dossier.Document, concurrentWriters)
		write(t, s, func(tx store.Tx) error {
			u = newUser(t, tx)
			for i := range docs {
				docs[i] = newDocument(t, tx, u.ID)
			}
			return nil
		})
		// Each writer appends to its own document's stream and to the shared
		// system stream in one transaction.
		sealed, errs := raceAppends(t, s, func(i int) []dossier.AuditEvent {
			return []dossier.AuditEvent{eventFixture(docs[i].ID, u.ID), eventFixture("", u.ID)}
		})
		for i, err := range errs {
			if err != nil {
				t.Errorf("writer %d: AppendAudit: %v", i, err)
			}
		}
		all := scanAudit(t, s)
		if len(all) != 2*concurrentWriters {
			t.Fatalf("ScanAudit: got %d events, want %d", len(all), 2*concurrentWriters)
		}
		byStream := map[string][]dossier.AuditEvent{}
		for i, e := range all {
			if i > 0 && e.Seq <= all[i-1].Seq {
				t.Errorf("ScanAudit[%d]: Seq %d not after %d", i, e.Seq, all[i-1].Seq)
			}
			byStream[e.Stream] = append(byStream[e.Stream], e)
		}
		for _, d := range docs {
			checkChain(t, d.ID, byStream[d.ID])
			if n := len(byStream[d.ID]); n != 1 {
				t.Errorf("stream %s: %d events, want 1", d.ID, n)
			}
		}
		checkChain(t, dossier.SystemStream, byStream[dossier.SystemStream])
		checkSealed(t, all, sealed)
	})
}

// raceAppends starts concurrentWriters goroutines that each append the events
// of events(i) in one Write, and returns what each got back.
func raceAppends(t *testing.T, s store.Store, events func(i int) []dossier.AuditEvent) ([][]dossier.AuditEvent, []error) {
	sealed := make([][]dossier.AuditEvent, concurrentWriters)
	errs := make([]error, concurrentWriters)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range concurrentWriters {
		wg.Go(func() {
			evs := events(i)
			<-start
			errs[i] = s.Write(t.Context(), func(tx store.Tx) error {
				sealed[i] = sealed[i][:0] // a retried callback starts over
				for _, e := range evs {
					se, err := tx.AppendAudit(t.Context(), e)
					if err != nil {
						return err
					}
					sealed[i] = append(sealed[i], se)
				}
				return nil
			})
		})
	}
	close(start)
	wg.Wait()
	return sealed, errs
}

// checkSealed verifies that what each committed AppendAudit returned is what
// the log now holds.
func checkSealed(t *testing.T, stored []dossier.AuditEvent, sealed [][]dossier.AuditEvent) {
	t.Helper()
	bySeq := map[int64]dossier.AuditEvent{}
	for _, e := range stored {
		bySeq[e.Seq] = e
	}
	for i, evs := range sealed {
		for _, want := range evs {
			got, ok := bySeq[want.Seq]
			if !ok {
				t.Errorf("writer %d: AppendAudit returned Seq %d, which the log does not hold", i, want.Seq)
				continue
			}
			if d := diffEvent(want, got); len(d) > 0 {
				t.Errorf("writer %d: AppendAudit returned an event the log holds differently:\n%s", i, d)
			}
		}
	}
}
