package auditchain_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"dossier/internal/auditchain"
	"dossier/internal/dossier"
)

var t0 = time.Date(2026, 11, 25, 8, 0, 0, 123456789, time.UTC)

// trail is a sealed audit trail as a store would hold it: events in Seq order
// and the recorded head of each stream.
type trail struct {
	events []dossier.AuditEvent
	heads  map[string]auditchain.HeadRef
}

// append seals an event as the next of its stream and records the new head,
// the way the store's append does. Seq leaves gaps, as database sequences do,
// so a forged event can be spliced in between two real ones.
func (tr *trail) append(t testing.TB, stream, actor, action string, details any) {
	t.Helper()
	d, err := auditchain.CanonicalJSON(details)
	if err != nil {
		t.Fatal(err)
	}
	head := tr.heads[stream]
	e := dossier.AuditEvent{
		Seq:    int64(len(tr.events)+1) * 10,
		Stream: stream,
		Time:   t0.Add(time.Duration(len(tr.events)) * 1500 * time.Millisecond),
		Actor:  actor, Action: action, Details: d,
	}
	if stream != dossier.SystemStream {
		e.DocumentID = stream
	}
	auditchain.Seal(&e, head.Hash, head.StreamSeq+1)
	tr.events = append(tr.events, e)
	tr.heads[stream] = auditchain.HeadRef{StreamSeq: e.StreamSeq, Hash: e.Hash}
}

// newTrail builds n events spread irregularly over three streams.
func newTrail(t testing.TB, n int) *trail {
	tr := &trail{heads: map[string]auditchain.HeadRef{}}
	streams := []string{dossier.SystemStream, "01JDOCAAAA", "01JDOCBBBB"}
	for i := range n {
		s := streams[(i*i+i/4)%3]
		tr.append(t, s, fmt.Sprintf("user-%d", i%4), "document.update",
			map[string]any{"i": i, "field": "title", "to": fmt.Sprintf("Title <%d> & more", i)})
	}
	return tr
}

// verify runs the verifier the way `dossier audit verify` does.
func verify(events []dossier.AuditEvent, heads map[string]auditchain.HeadRef) (int, error) {
	v := auditchain.NewVerifier()
	for _, e := range events {
		if err := v.Add(e); err != nil {
			return v.Checked(), err
		}
	}
	return v.Checked(), v.Finish(heads)
}

// indexOf returns the index of the n-th (0-based) event of stream, or of its
// last one when n < 0.
func indexOf(t *testing.T, events []dossier.AuditEvent, stream string, n int) int {
	t.Helper()
	var idx []int
	for i, e := range events {
		if e.Stream == stream {
			idx = append(idx, i)
		}
	}
	if len(idx) < 3 {
		t.Fatalf("stream %s has only %d events", stream, len(idx))
	}
	if n < 0 {
		return idx[len(idx)-1]
	}
	return idx[n]
}

func TestVerifyIntactTrail(t *testing.T) {
	t.Parallel()
	tr := newTrail(t, 50)
	checked, err := verify(tr.events, tr.heads)
	if err != nil {
		t.Fatalf("intact trail: %v", err)
	}
	if checked != 50 {
		t.Errorf("checked = %d, want 50", checked)
	}
	if got := tr.events[0].Time.Nanosecond(); got != 123456000 {
		t.Errorf("Seal kept nanoseconds: %d", got)
	}
	if want := []string{dossier.SystemStream, "01JDOCAAAA", "01JDOCBBBB"}; len(tr.heads) != len(want) {
		t.Errorf("streams used: %v, want all of %v", tr.heads, want)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	t.Parallel()
	const doc = "01JDOCAAAA"
	cases := []struct {
		name string
		// tamper changes the trail and returns the Seq that must be reported.
		tamper     func(t *testing.T, tr *trail) int64
		wantReason string
	}{
		{"details edited", func(t *testing.T, tr *trail) int64 {
			i := indexOf(t, tr.events, doc, 3)
			tr.events[i].Details = json.RawMessage(`{"field":"title","i":1,"to":"forged"}`)
			return tr.events[i].Seq
		}, "edited"},
		{"actor edited", func(t *testing.T, tr *trail) int64 {
			i := indexOf(t, tr.events, dossier.SystemStream, 2)
			tr.events[i].Actor = "someone-else"
			return tr.events[i].Seq
		}, "edited"},
		{"time edited by one microsecond", func(t *testing.T, tr *trail) int64 {
			i := indexOf(t, tr.events, doc, 5)
			tr.events[i].Time = tr.events[i].Time.Add(time.Microsecond)
			return tr.events[i].Seq
		}, "edited"},
		{"edited and resealed in place", func(t *testing.T, tr *trail) int64 {
			i := indexOf(t, tr.events, doc, 2)
			e := &tr.events[i]
			e.Actor = "forger"
			auditchain.Seal(e, e.PrevHash, e.StreamSeq)
			return tr.events[indexOf(t, tr.events, doc, 3)].Seq
		}, "reordered or one was inserted"},
		{"middle event deleted", func(t *testing.T, tr *trail) int64 {
			i := indexOf(t, tr.events, doc, 4)
			next := tr.events[indexOf(t, tr.events, doc, 5)].Seq
			tr.events = slices.Delete(tr.events, i, i+1)
			return next
		}, "deleted"},
		{"last event of a stream deleted", func(t *testing.T, tr *trail) int64 {
			last := indexOf(t, tr.events, doc, -1)
			tr.events = slices.Delete(tr.events, last, last+1)
			return tr.events[indexOf(t, tr.events, doc, -1)].Seq
		}, "last event(s) of the stream were deleted"},
		{"forged event sealed and spliced in", func(t *testing.T, tr *trail) int64 {
			i := indexOf(t, tr.events, doc, 3)
			forged := dossier.AuditEvent{
				Seq: tr.events[i].Seq + 5, Stream: doc, DocumentID: doc,
				Time: tr.events[i].Time, Actor: "forger", Action: "document.approve",
				Details: json.RawMessage(`{}`),
			}
			auditchain.Seal(&forged, tr.events[i].Hash, tr.events[i].StreamSeq+1)
			tr.events = slices.Insert(tr.events, i+1, forged)
			// The forgery itself links correctly; the real event after it
			// now repeats its position.
			return tr.events[indexOf(t, tr.events, doc, 5)].Seq
		}, "inserted"},
		{"forged event with a made-up hash", func(t *testing.T, tr *trail) int64 {
			i := indexOf(t, tr.events, doc, 3)
			forged := tr.events[i]
			forged.Seq += 5
			forged.Hash = strings.Repeat("ab", 32)
			tr.events = slices.Insert(tr.events, i+1, forged)
			return forged.Seq
		}, "edited"},
		{"forged event appended after the head", func(t *testing.T, tr *trail) int64 {
			last := tr.events[indexOf(t, tr.events, doc, -1)]
			forged := dossier.AuditEvent{
				Seq: tr.events[len(tr.events)-1].Seq + 10, Stream: doc, DocumentID: doc,
				Time: last.Time.Add(time.Minute), Action: "document.archive",
			}
			auditchain.Seal(&forged, last.Hash, last.StreamSeq+1)
			tr.events = append(tr.events, forged)
			return forged.Seq
		}, "appended outside"},
		{"two events of a stream swapped with their Seq", func(t *testing.T, tr *trail) int64 {
			i, j := indexOf(t, tr.events, doc, 2), indexOf(t, tr.events, doc, 6)
			tr.events[i], tr.events[j] = tr.events[j], tr.events[i]
			tr.events[i].Seq, tr.events[j].Seq = tr.events[j].Seq, tr.events[i].Seq
			return tr.events[i].Seq
		}, "moved"},
		{"adjacent events of a stream swapped with their Seq", func(t *testing.T, tr *trail) int64 {
			i, j := indexOf(t, tr.events, doc, 4), indexOf(t, tr.events, doc, 5)
			tr.events[i], tr.events[j] = tr.events[j], tr.events[i]
			tr.events[i].Seq, tr.events[j].Seq = tr.events[j].Seq, tr.events[i].Seq
			return tr.events[i].Seq
		}, "moved"},
		{"Seq numbers out of order", func(t *testing.T, tr *trail) int64 {
			tr.events[10].Seq, tr.events[20].Seq = tr.events[20].Seq, tr.events[10].Seq
			return tr.events[11].Seq
		}, "storage order"},
		{"recorded head hash replaced", func(t *testing.T, tr *trail) int64 {
			h := tr.heads[doc]
			h.Hash = strings.Repeat("0", 64)
			tr.heads[doc] = h
			return tr.events[indexOf(t, tr.events, doc, -1)].Seq
		}, "recorded head hash"},
		{"whole stream deleted", func(t *testing.T, tr *trail) int64 {
			tr.events = slices.DeleteFunc(tr.events, func(e dossier.AuditEvent) bool { return e.Stream == doc })
			return 0
		}, "no events"},
		{"stream without a recorded head", func(t *testing.T, tr *trail) int64 {
			delete(tr.heads, doc)
			return tr.events[indexOf(t, tr.events, doc, -1)].Seq
		}, "no recorded head"},
		{"invalid UTF-8 in the actor", func(t *testing.T, tr *trail) int64 {
			i := indexOf(t, tr.events, doc, 1)
			tr.events[i].Actor = "user-\xff"
			return tr.events[i].Seq
		}, "UTF-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tr := newTrail(t, 50)
			want := tc.tamper(t, tr)
			_, err := verify(tr.events, tr.heads)
			var f *auditchain.Failure
			if !errors.As(err, &f) {
				t.Fatalf("verify = %v, want a *auditchain.Failure", err)
			}
			if f.Seq != want {
				t.Errorf("first bad seq = %d, want %d (%s)", f.Seq, want, f.Reason)
			}
			if !strings.Contains(f.Reason, tc.wantReason) {
				t.Errorf("reason %q does not say %q", f.Reason, tc.wantReason)
			}
		})
	}
}

func TestVerifierStaysFailed(t *testing.T) {
	t.Parallel()
	tr := newTrail(t, 6)
	tr.events[1].Action = "edited"
	v := auditchain.NewVerifier()
	first := v.Add(tr.events[0])
	second := v.Add(tr.events[1])
	third := v.Add(tr.events[2])
	if first != nil || second == nil {
		t.Fatalf("Add = %v, %v; want nil then a failure", first, second)
	}
	if third != second || v.Finish(tr.heads) != second {
		t.Errorf("later calls returned %v; want the first failure %v", third, second)
	}
	if v.Checked() != 1 {
		t.Errorf("Checked = %d, want 1", v.Checked())
	}
}
