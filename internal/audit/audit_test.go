package audit_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"dossier/internal/audit"
	"dossier/internal/auditchain"
	"dossier/internal/dossier"
	"dossier/internal/store"
	"dossier/internal/testenv"
)

// database opens a fresh store and a raw connection to the same database,
// through which the tests tamper with the trail as an intruder would.
type database struct {
	name string
	open func(t *testing.T) (store.Store, *sql.DB)
}

var databases = func() []database {
	var out []database
	for _, s := range testenv.Stores() {
		out = append(out, database{s.Name, func(t *testing.T) (store.Store, *sql.DB) {
			db := s.Open(t)
			return db, db.Raw(t)
		}})
	}
	return out
}()

// The trail of every test: 20 events over the system stream and two documents.
const (
	docA     = "01JDOCAAAAAAAAAAAAAAAAAAAA"
	docB     = "01JDOCBBBBBBBBBBBBBBBBBBBB"
	nEvents  = 20
	nStreams = 3
)

// seed appends the trail, one transaction per event as the services do.
func seed(t *testing.T, st store.Store) {
	t.Helper()
	start := time.Date(2026, 2, 1, 8, 0, 0, 123456789, time.UTC)
	for i := range nEvents {
		doc := []string{"", docA, docB}[i%nStreams]
		e := audit.Event{Actor: "01JUSER", Action: "document.edit", DocumentID: doc,
			Details: map[string]any{"i": i, "title": fmt.Sprintf("edit %d", i), "amount": "12500.00"}}
		if doc == "" {
			e.Action = "session.create"
		}
		err := st.Write(t.Context(), func(tx store.Tx) error {
			return audit.Append(t.Context(), tx, start.Add(time.Duration(i)*time.Second), e)
		})
		if err != nil {
			t.Fatalf("append event %d: %v", i, err)
		}
	}
}

// trail is the seeded events, by stream and position.
type trail map[string][]dossier.AuditEvent

// at returns the event at position pos (from 1) of stream; pos -1 is the last.
func (tr trail) at(t *testing.T, stream string, pos int) dossier.AuditEvent {
	t.Helper()
	events := tr[stream]
	if pos == -1 {
		pos = len(events)
	}
	if pos < 1 || pos > len(events) {
		t.Fatalf("stream %s has %d events, no position %d", stream, len(events), pos)
	}
	return events[pos-1]
}

func readTrail(t *testing.T, st store.Store) trail {
	t.Helper()
	events, _, err := audit.NewTrail(st).List(t.Context(), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != nEvents {
		t.Fatalf("%d events stored, want %d", len(events), nEvents)
	}
	tr := trail{}
	for _, e := range events {
		tr[e.Stream] = append(tr[e.Stream], e)
	}
	return tr
}

func exec(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	res, err := db.ExecContext(t.Context(), query, args...)
	if err != nil {
		t.Fatalf("tamper: %s: %v", query, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("tamper: %s changed %d rows (%v), want 1", query, n, err)
	}
}

// insert adds a forged event, hashed correctly as a forger who knows the
// algorithm would, and returns the seq the database gave it.
func insert(t *testing.T, db *sql.DB, e dossier.AuditEvent) int64 {
	t.Helper()
	e.Hash = auditchain.Hash(e)
	var seq int64
	err := db.QueryRowContext(t.Context(), `INSERT INTO audit_events
		(stream, stream_seq, time, actor, action, document_id, details, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq`,
		e.Stream, e.StreamSeq, e.Time, e.Actor, e.Action, e.DocumentID, string(e.Details), e.PrevHash, e.Hash).Scan(&seq)
	if err != nil {
		t.Fatalf("tamper: insert: %v", err)
	}
	return seq
}

// overwrite stores the content of src in the row of seq, keeping seq.
func overwrite(t *testing.T, db *sql.DB, seq int64, src dossier.AuditEvent) {
	t.Helper()
	exec(t, db, `UPDATE audit_events SET stream = $1, stream_seq = $2, time = $3, actor = $4, action = $5,
		document_id = $6, details = $7, prev_hash = $8, hash = $9 WHERE seq = $10`,
		src.Stream, src.StreamSeq, src.Time, src.Actor, src.Action, src.DocumentID, string(src.Details), src.PrevHash, src.Hash, seq)
}

// tampering changes the trail and returns the seq Verify must report first.
type tampering func(t *testing.T, db *sql.DB, tr trail) (firstBad int64)

var tamperings = []struct {
	name string
	do   tampering
	// atScan: caught while reading the events (so Checked counts the events
	// before firstBad), rather than by comparing the streams' ends with their heads.
	atScan bool
	// removed: how many of the events before firstBad the tampering deleted.
	removed int
}{
	{"edited details", func(t *testing.T, db *sql.DB, tr trail) int64 {
		e := tr.at(t, docA, 3)
		exec(t, db, `UPDATE audit_events SET details = $1 WHERE seq = $2`, `{"amount":"99999.00","i":7,"title":"edit 7"}`, e.Seq)
		return e.Seq
	}, true, 0},
	{"edited actor", func(t *testing.T, db *sql.DB, tr trail) int64 {
		e := tr.at(t, dossier.SystemStream, 2)
		exec(t, db, `UPDATE audit_events SET actor = $1 WHERE seq = $2`, "01JSOMEONEELSE", e.Seq)
		return e.Seq
	}, true, 0},
	{"edited time", func(t *testing.T, db *sql.DB, tr trail) int64 {
		e := tr.at(t, docB, 4)
		exec(t, db, `UPDATE audit_events SET time = $1 WHERE seq = $2`, e.Time.Add(-time.Hour), e.Seq)
		return e.Seq
	}, true, 0},
	{"deleted middle event", func(t *testing.T, db *sql.DB, tr trail) int64 {
		exec(t, db, `DELETE FROM audit_events WHERE seq = $1`, tr.at(t, docA, 3).Seq)
		return tr.at(t, docA, 4).Seq
	}, true, 1},
	{"deleted first event", func(t *testing.T, db *sql.DB, tr trail) int64 {
		exec(t, db, `DELETE FROM audit_events WHERE seq = $1`, tr.at(t, dossier.SystemStream, 1).Seq)
		return tr.at(t, dossier.SystemStream, 2).Seq
	}, true, 1},
	{"deleted last event of a stream", func(t *testing.T, db *sql.DB, tr trail) int64 {
		exec(t, db, `DELETE FROM audit_events WHERE seq = $1`, tr.at(t, docB, -1).Seq)
		return tr.at(t, docB, len(tr[docB])-1).Seq // the stream now ends early
	}, false, 0},
	{"deleted head of a stream", func(t *testing.T, db *sql.DB, tr trail) int64 {
		exec(t, db, `DELETE FROM audit_heads WHERE stream = $1`, docA)
		return tr.at(t, docA, -1).Seq
	}, false, 0},
	{"inserted copy of a neighbour", func(t *testing.T, db *sql.DB, tr trail) int64 {
		forged := tr.at(t, docA, 3) // same position and prev_hash, other content
		forged.Details = []byte(`{"amount":"1.00","i":7,"title":"edit 7"}`)
		return insert(t, db, forged)
	}, true, 0},
	{"inserted event that continues a stream", func(t *testing.T, db *sql.DB, tr trail) int64 {
		last := tr.at(t, docB, -1)
		forged := last
		forged.StreamSeq, forged.PrevHash, forged.Time = last.StreamSeq+1, last.Hash, last.Time.Add(time.Second)
		forged.Details = []byte(`{"note":"appended outside the service"}`)
		return insert(t, db, forged)
	}, false, 0},
	{"two adjacent events swapped", func(t *testing.T, db *sql.DB, tr trail) int64 {
		a, b := tr.at(t, docA, 2), tr.at(t, docA, 3)
		overwrite(t, db, a.Seq, b)
		overwrite(t, db, b.Seq, a)
		return a.Seq
	}, true, 0},
	{"two distant events swapped", func(t *testing.T, db *sql.DB, tr trail) int64 {
		a, b := tr.at(t, dossier.SystemStream, 2), tr.at(t, dossier.SystemStream, 5)
		overwrite(t, db, a.Seq, b)
		overwrite(t, db, b.Seq, a)
		return a.Seq
	}, true, 0},
}

func TestVerifyDetectsTampering(t *testing.T) {
	for _, d := range databases {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range tamperings {
				t.Run(tc.name, func(t *testing.T) {
					st, db := d.open(t)
					seed(t, st)
					tr := readTrail(t, st)
					if len(tr) != nStreams {
						t.Fatalf("%d streams, want %d", len(tr), nStreams)
					}
					if res := verify(t, st); !res.OK || res.Checked != nEvents {
						t.Fatalf("before tampering: %+v, want ok with %d checked", res, nEvents)
					}

					want := tc.do(t, db, tr)
					res := verify(t, st)
					if res.OK || res.FirstBadSeq != want || res.Reason == "" {
						t.Fatalf("after tampering: %+v, want ok false, first_bad_seq %d and a reason", res, want)
					}
					if tc.atScan {
						before := -tc.removed
						for _, events := range tr {
							for _, e := range events {
								if e.Seq < want {
									before++
								}
							}
						}
						if res.Checked != before {
							t.Errorf("checked %d, want the %d events before seq %d", res.Checked, before, want)
						}
					}
				})
			}
		})
	}
}

func verify(t *testing.T, st store.Store) audit.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	res, err := audit.Verify(ctx, st)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return res
}

// TestAppendChainsPerStream checks what Append writes on both databases:
// positions count from 1 in each stream and each event links to the one before.
func TestAppendChainsPerStream(t *testing.T) {
	for _, d := range databases {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			st, _ := d.open(t)
			seed(t, st)
			for stream, events := range readTrail(t, st) {
				prev := ""
				for i, e := range events {
					if e.StreamSeq != int64(i+1) || e.PrevHash != prev || e.Hash != auditchain.Hash(e) {
						t.Errorf("stream %s event %d: position %d prev %q hash %q: not chained", stream, i, e.StreamSeq, e.PrevHash, e.Hash)
					}
					if e.Time.Nanosecond()%1000 != 0 || e.Time.Location() != time.UTC {
						t.Errorf("stream %s event %d: time %v, want UTC to the microsecond", stream, i, e.Time)
					}
					prev = e.Hash
				}
			}
		})
	}
}
