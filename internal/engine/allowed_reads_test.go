package engine_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/engine"
	"dossier/internal/store"
)

// countingStore counts the reads that allowed_events' guards make, so that a
// test can hold the read of a document to a fixed number of queries.
type countingStore struct {
	store.Store
	mu     sync.Mutex
	counts map[string]int
}

func (s *countingStore) Read(ctx context.Context, fn func(store.Tx) error) error {
	return s.Store.Read(ctx, func(tx store.Tx) error { return fn(&countingTx{Tx: tx, s: s}) })
}

func (s *countingStore) add(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[name]++
}

type countingTx struct {
	store.Tx
	s *countingStore
}

func (t *countingTx) History(ctx context.Context, id string) ([]dossier.HistoryEntry, error) {
	t.s.add("History")
	return t.Tx.History(ctx, id)
}

func (t *countingTx) DocumentFacts(ctx context.Context, id, actorID string) (store.DocumentFacts, error) {
	t.s.add("DocumentFacts")
	return t.Tx.DocumentFacts(ctx, id, actorID)
}

func (t *countingTx) FileVersions(ctx context.Context, id string) ([]dossier.FileVersion, error) {
	t.s.add("FileVersions")
	return t.Tx.FileVersions(ctx, id)
}

func (t *countingTx) Grants(ctx context.Context, userID string, state dossier.GrantState) ([]dossier.Grant, error) {
	t.s.add("Grants")
	return t.Tx.Grants(ctx, userID, state)
}

func (t *countingTx) DelegationsTo(ctx context.Context, userID string) ([]dossier.Delegation, error) {
	t.s.add("DelegationsTo")
	return t.Tx.DelegationsTo(ctx, userID)
}

func (t *countingTx) FXRates(ctx context.Context) ([]dossier.FXRate, error) {
	t.s.add("FXRates")
	return t.Tx.FXRates(ctx)
}

func (t *countingTx) Approvals(ctx context.Context, id string, round int) ([]dossier.Approval, error) {
	t.s.add("Approvals")
	return t.Tx.Approvals(ctx, id, round)
}

// TestAllowedReadsEachFactOnce: every read of a document runs the guards of
// every event the reader may fire (approve: doa and not_actor_of; reject:
// not_actor_of), and must stay cheap: the history, the DOA round, the file
// versions and the reader's grants and delegations are read once for all of
// them, with the document (DocumentFacts), and the FX rates only when the
// amount needs converting.
func TestAllowedReadsEachFactOnce(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		if _, err := e.eng.SetFXRate(e.ctx, c.admin.ID, "USD", "0.9"); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			currency string
			fxReads  int
		}{{"EUR", 0}, {"USD", 1}} {
			d := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin, amount("50000", tc.currency)), c.admin, c.reviewer)
			counting := &countingStore{Store: e.st, counts: map[string]int{}}
			eng := engine.New(counting, e.defs, e.clock.Now)
			_, allowed, err := eng.Document(e.ctx, c.appr1, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"approve", "reject"}; !slices.Equal(allowed, want) {
				t.Fatalf("%s: allowed_events %v, want %v", tc.currency, allowed, want)
			}
			want := map[string]int{"DocumentFacts": 1, "History": 0, "Approvals": 0, "FileVersions": 0, "Grants": 0,
				"DelegationsTo": 0, "FXRates": tc.fxReads}
			for name, n := range want {
				if counting.counts[name] != n {
					t.Errorf("%s: %s read %d times for one document, want %d", tc.currency, name, counting.counts[name], n)
				}
			}
		}
	})
}
