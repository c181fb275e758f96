package storetest

import (
	"encoding/json"
	"errors"
	"maps"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

func listAudit(t *testing.T, s store.Store, f store.AuditFilter) []dossier.AuditEvent {
	t.Helper()
	var evs []dossier.AuditEvent
	read(t, s, func(tx store.Tx) (err error) {
		evs, err = tx.ListAudit(ctx(t), f)
		return err
	})
	return evs
}

func scanAudit(t *testing.T, s store.Store) []dossier.AuditEvent {
	t.Helper()
	var evs []dossier.AuditEvent
	read(t, s, func(tx store.Tx) error {
		return tx.ScanAudit(ctx(t), func(e dossier.AuditEvent) error {
			evs = append(evs, e)
			return nil
		})
	})
	return evs
}

func auditHeads(t *testing.T, s store.Store) map[string]store.AuditHead {
	t.Helper()
	var heads map[string]store.AuditHead
	read(t, s, func(tx store.Tx) (err error) {
		heads, err = tx.AuditHeads(ctx(t))
		return err
	})
	return heads
}

// checkEvents compares a listing with the sealed events it should return.
func checkEvents(t *testing.T, what string, want, got []dossier.AuditEvent) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d events %v, want %d %v", what, len(got), seqs(got), len(want), seqs(want))
		return
	}
	for i := range want {
		if d := diffEvent(want[i], got[i]); len(d) > 0 {
			t.Errorf("%s[%d]:\n%s", what, i, d)
		}
	}
}

func seqs(evs []dossier.AuditEvent) []int64 {
	out := make([]int64, len(evs))
	for i, e := range evs {
		out[i] = e.Seq
	}
	return out
}

// checkChain verifies that evs, one stream's events in Seq order, number
// 1..n and each carry the hash of the one before.
func checkChain(t *testing.T, stream string, evs []dossier.AuditEvent) {
	t.Helper()
	for i, e := range evs {
		if e.StreamSeq != int64(i+1) {
			t.Errorf("stream %s event %d: StreamSeq %d, want %d", stream, i, e.StreamSeq, i+1)
		}
		prev := ""
		if i > 0 {
			prev = evs[i-1].Hash
			if e.Seq <= evs[i-1].Seq {
				t.Errorf("stream %s event %d: Seq %d not after %d", stream, i, e.Seq, evs[i-1].Seq)
			}
		}
		if e.PrevHash != prev {
			t.Errorf("stream %s StreamSeq %d: PrevHash %q, want %q", stream, e.StreamSeq, e.PrevHash, prev)
		}
		if !hexSHA256.MatchString(e.Hash) {
			t.Errorf("stream %s StreamSeq %d: Hash %q is not 64 lower-case hex digits", stream, e.StreamSeq, e.Hash)
		}
	}
}

func testAudit(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Run("ChainsFiltersAndHeads", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var alice, bob dossier.User
		var d1, d2 dossier.Document
		write(t, s, func(tx store.Tx) error {
			alice, bob = newUser(t, tx), newUser(t, tx)
			d1, d2 = newDocument(t, tx, alice.ID), newDocument(t, tx, alice.ID)
			return nil
		})
		t0 := now().Add(-24 * time.Hour)
		at := func(h int) func(*dossier.AuditEvent) {
			return func(e *dossier.AuditEvent) { e.Time = t0.Add(time.Duration(h) * time.Hour) }
		}
		// Canonical details (compact, sorted keys) that a JSON column would
		// re-order ("aa" after "b" in jsonb), re-space or re-escape.
		details := json.RawMessage(`{"aa":"Grüße \"quoted\" \u003ctag\u003e","b":[1.50,2e3,null],"c":{}}`)
		inputs := []dossier.AuditEvent{
			eventFixture(d1.ID, alice.ID, at(0), func(e *dossier.AuditEvent) { e.Action = "document.upload"; e.Details = details }),
			eventFixture("", bob.ID, at(1)),
			eventFixture(d1.ID, bob.ID, at(2)),
			eventFixture("", "", at(3), func(e *dossier.AuditEvent) { e.Action = "system.checkpoint" }),
			eventFixture(d2.ID, alice.ID, at(4)),
			eventFixture(d1.ID, alice.ID, at(5)),
			eventFixture("", alice.ID, at(6), func(e *dossier.AuditEvent) { e.Action = "user.change" }),
		}
		ev := make([]dossier.AuditEvent, len(inputs))
		// The first three share one transaction: a stream's head must be
		// visible to the next append before commit, too.
		write(t, s, func(tx store.Tx) error {
			for i := range 3 {
				ev[i] = appendEvent(t, tx, inputs[i])
			}
			return nil
		})
		for i := 3; i < len(inputs); i++ {
			write(t, s, func(tx store.Tx) error { ev[i] = appendEvent(t, tx, inputs[i]); return nil })
		}

		for i, e := range ev {
			in := inputs[i]
			in.Seq, in.StreamSeq, in.PrevHash, in.Hash = e.Seq, e.StreamSeq, e.PrevHash, e.Hash
			if d := diffEvent(in, e); len(d) > 0 {
				t.Errorf("AppendAudit %d changed what it was given:\n%s", i, d)
			}
			if i > 0 && e.Seq <= ev[i-1].Seq {
				t.Errorf("AppendAudit %d: Seq %d not after %d", i, e.Seq, ev[i-1].Seq)
			}
		}
		streams := map[string][]dossier.AuditEvent{
			d1.ID:                {ev[0], ev[2], ev[5]},
			dossier.SystemStream: {ev[1], ev[3], ev[6]},
			d2.ID:                {ev[4]},
		}
		for name, evs := range streams {
			checkChain(t, name, evs)
		}
		hashes := map[string]bool{}
		for _, e := range ev {
			if hashes[e.Hash] {
				t.Errorf("Hash %s appears twice", e.Hash)
			}
			hashes[e.Hash] = true
		}

		wantHeads := map[string]store.AuditHead{}
		for name, evs := range streams {
			last := evs[len(evs)-1]
			wantHeads[name] = store.AuditHead{StreamSeq: last.StreamSeq, Hash: last.Hash}
		}
		if got := auditHeads(t, s); !maps.Equal(got, wantHeads) {
			t.Errorf("AuditHeads:\n  got  %v\n  want %v", got, wantHeads)
		}

		checkEvents(t, "ScanAudit", ev, scanAudit(t, s))
		cases := []struct {
			name   string
			filter store.AuditFilter
			want   []dossier.AuditEvent
		}{
			{"all", store.AuditFilter{}, ev},
			{"document", store.AuditFilter{DocumentID: d1.ID}, []dossier.AuditEvent{ev[0], ev[2], ev[5]}},
			{"actor", store.AuditFilter{Actor: alice.ID}, []dossier.AuditEvent{ev[0], ev[4], ev[5], ev[6]}},
			{"document and actor", store.AuditFilter{DocumentID: d1.ID, Actor: alice.ID}, []dossier.AuditEvent{ev[0], ev[5]}},
			{"since", store.AuditFilter{Since: t0.Add(270 * time.Minute)}, ev[5:]},
			{"until", store.AuditFilter{Until: t0.Add(90 * time.Minute)}, ev[:2]},
			{"since and until", store.AuditFilter{Since: t0.Add(90 * time.Minute), Until: t0.Add(270 * time.Minute)}, ev[2:5]},
			{"after seq", store.AuditFilter{AfterSeq: ev[2].Seq}, ev[3:]},
			{"limit", store.AuditFilter{Limit: 2}, ev[:2]},
			{"after seq and limit", store.AuditFilter{AfterSeq: ev[1].Seq, Limit: 2}, ev[2:4]},
			{"actor and limit", store.AuditFilter{Actor: alice.ID, Limit: 3}, []dossier.AuditEvent{ev[0], ev[4], ev[5]}},
			{"action", store.AuditFilter{Action: "user.change"}, []dossier.AuditEvent{ev[6]}},
			{"action and actor", store.AuditFilter{Action: "document.upload", Actor: alice.ID}, []dossier.AuditEvent{ev[0]}},
			{"unknown action", store.AuditFilter{Action: "no.such"}, nil},
			{"unknown document", store.AuditFilter{DocumentID: newID()}, nil},
		}
		for _, c := range cases {
			checkEvents(t, "ListAudit "+c.name, c.want, listAudit(t, s, c.filter))
		}
	})

	t.Run("DetailsByteExact", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		all := []json.RawMessage{
			json.RawMessage(`{}`),
			json.RawMessage(`{"a":{"z":1,"y":2},"amount":"1234567.89","n":1.10}`),
			json.RawMessage(`{"emoji":"😀","escaped":"line\nbreak\t\\","html":"<b>&amp;</b>"}`),
		}
		var sealed []dossier.AuditEvent
		write(t, s, func(tx store.Tx) error {
			for _, d := range all {
				sealed = append(sealed, appendEvent(t, tx, eventFixture("", "", func(e *dossier.AuditEvent) { e.Details = d })))
			}
			return nil
		})
		got := scanAudit(t, s)
		if len(got) != len(all) {
			t.Fatalf("ScanAudit: got %d events, want %d", len(got), len(all))
		}
		for i, e := range got {
			if string(e.Details) != string(all[i]) {
				t.Errorf("Details %d: got %s, want %s byte for byte", i, e.Details, all[i])
			}
			if string(sealed[i].Details) != string(all[i]) {
				t.Errorf("AppendAudit returned Details %s, want %s", sealed[i].Details, all[i])
			}
		}
	})

	t.Run("EmptyLog", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		if got := scanAudit(t, s); len(got) != 0 {
			t.Errorf("ScanAudit of an empty store: %d events", len(got))
		}
		if got := auditHeads(t, s); len(got) != 0 {
			t.Errorf("AuditHeads of an empty store: %v", got)
		}
		if got := listAudit(t, s, store.AuditFilter{}); len(got) != 0 {
			t.Errorf("ListAudit of an empty store: %d events", len(got))
		}
	})

	t.Run("ScanStopsOnError", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		write(t, s, func(tx store.Tx) error {
			for range 3 {
				appendEvent(t, tx, eventFixture("", ""))
			}
			return nil
		})
		calls := 0
		err := s.Read(t.Context(), func(tx store.Tx) error {
			return tx.ScanAudit(ctx(t), func(dossier.AuditEvent) error {
				calls++
				return errRollback
			})
		})
		if !errors.Is(err, errRollback) {
			t.Errorf("ScanAudit: got %v, want the callback's error", err)
		}
		if calls != 1 {
			t.Errorf("ScanAudit called fn %d times after it failed, want 1", calls)
		}
	})
}
