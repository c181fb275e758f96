package auditchain

import (
	"fmt"
	"sort"
	"unicode/utf8"

	"dossier/internal/dossier"
)

// HeadRef is the store's record of a stream's newest event. The verifier needs
// it because deleting the last event of a stream leaves a chain that is
// internally consistent: only the recorded head shows that something is gone.
type HeadRef struct {
	StreamSeq int64
	Hash      string
}

// Failure says where the trail stops being trustworthy. Seq is the storage
// sequence of the first event that does not check out (0 when the problem is a
// recorded head whose stream has no events at all).
type Failure struct {
	Seq    int64
	Reason string
}

func (f *Failure) Error() string {
	return fmt.Sprintf("audit trail broken at seq %d: %s", f.Seq, f.Reason)
}

// streamState is what the verifier remembers of a stream: its last good event.
type streamState struct {
	streamSeq int64
	hash      string
	seq       int64
}

// Verifier checks a trail event by event, so that a caller can stream millions
// of events from the database without holding them. Feed it every event in Seq
// order; the streams may interleave in any way.
type Verifier struct {
	streams map[string]streamState
	lastSeq int64
	checked int
	failure *Failure
}

// NewVerifier returns a verifier that has seen nothing.
func NewVerifier() *Verifier {
	return &Verifier{streams: make(map[string]streamState)}
}

// Checked returns how many events have passed.
func (v *Verifier) Checked() int { return v.checked }

// Add checks the next event. It returns a *Failure at the first bad event and
// the same failure for every later call, because nothing after a break can be
// trusted to be in its right place.
func (v *Verifier) Add(e dossier.AuditEvent) error {
	if v.failure != nil {
		return v.failure
	}
	if f := v.check(e); f != nil {
		v.failure = f
		return f
	}
	v.streams[e.Stream] = streamState{streamSeq: e.StreamSeq, hash: e.Hash, seq: e.Seq}
	v.lastSeq = e.Seq
	v.checked++
	return nil
}

func (v *Verifier) check(e dossier.AuditEvent) *Failure {
	fail := func(format string, args ...any) *Failure {
		return &Failure{Seq: e.Seq, Reason: fmt.Sprintf(format, args...)}
	}
	if v.checked > 0 && e.Seq <= v.lastSeq {
		return fail("event seq %d comes after seq %d: the events are not in storage order, or a sequence number was changed.", e.Seq, v.lastSeq)
	}
	// The canonical form maps invalid UTF-8 to U+FFFD, so two different byte
	// strings could hash alike; refusing them keeps the hash a true fingerprint.
	for _, f := range []struct{ name, value string }{
		{"stream", e.Stream}, {"actor", e.Actor}, {"action", e.Action},
		{"document_id", e.DocumentID}, {"prev_hash", e.PrevHash},
	} {
		if !utf8.ValidString(f.value) {
			return fail("event seq %d (stream %q, position %d) has invalid UTF-8 in its %s: it was not written by the service.", e.Seq, e.Stream, e.StreamSeq, f.name)
		}
	}
	if !utf8.Valid(e.Details) {
		return fail("event seq %d (stream %q, position %d) has invalid UTF-8 in its details: it was not written by the service.", e.Seq, e.Stream, e.StreamSeq)
	}
	if got := Hash(e); got != e.Hash {
		return fail("event seq %d (stream %q, position %d) does not match its hash: its content was edited after it was written.", e.Seq, e.Stream, e.StreamSeq)
	}
	last := v.streams[e.Stream]
	switch want := last.streamSeq + 1; {
	case e.StreamSeq < want:
		return fail("event seq %d repeats position %d of stream %q, which already reached position %d: an event was inserted or replayed.", e.Seq, e.StreamSeq, e.Stream, last.streamSeq)
	case e.StreamSeq > want:
		return fail("event seq %d is at position %d of stream %q, but the stream's previous event is at position %d: an event before it was deleted or moved after it, or one was inserted.", e.Seq, e.StreamSeq, e.Stream, last.streamSeq)
	}
	if e.PrevHash != last.hash {
		return fail("event seq %d (stream %q, position %d) does not link to the stream's event at position %d: events were reordered or one was inserted.", e.Seq, e.Stream, e.StreamSeq, last.streamSeq)
	}
	return nil
}

// Finish compares the end of every stream with the heads the store recorded.
// It is the only way to notice that the last event of a stream was deleted.
// When several streams disagree it reports the one with the lowest Seq, so the
// answer does not depend on map order.
func (v *Verifier) Finish(heads map[string]HeadRef) error {
	if v.failure != nil {
		return v.failure
	}
	var failures []*Failure
	for stream, st := range v.streams {
		head, ok := heads[stream]
		switch {
		case !ok:
			failures = append(failures, &Failure{Seq: st.seq, Reason: fmt.Sprintf(
				"stream %q has events up to position %d (seq %d) but no recorded head: the head was deleted or the events were added outside the service.",
				stream, st.streamSeq, st.seq)})
		case head.StreamSeq > st.streamSeq:
			failures = append(failures, &Failure{Seq: st.seq, Reason: fmt.Sprintf(
				"stream %q ends at position %d (seq %d) but its recorded head is position %d: the last event(s) of the stream were deleted.",
				stream, st.streamSeq, st.seq, head.StreamSeq)})
		case head.StreamSeq < st.streamSeq:
			failures = append(failures, &Failure{Seq: st.seq, Reason: fmt.Sprintf(
				"stream %q reaches position %d (seq %d) but its recorded head is position %d: events were appended outside the service.",
				stream, st.streamSeq, st.seq, head.StreamSeq)})
		case head.Hash != st.hash:
			failures = append(failures, &Failure{Seq: st.seq, Reason: fmt.Sprintf(
				"the last event of stream %q (position %d, seq %d) does not match the recorded head hash: the event was replaced.",
				stream, st.streamSeq, st.seq)})
		}
	}
	for stream, head := range heads {
		if _, ok := v.streams[stream]; !ok {
			failures = append(failures, &Failure{Seq: 0, Reason: fmt.Sprintf(
				"stream %q has a recorded head at position %d but no events: its events were deleted.",
				stream, head.StreamSeq)})
		}
	}
	if len(failures) == 0 {
		return nil
	}
	sort.Slice(failures, func(i, j int) bool {
		if failures[i].Seq != failures[j].Seq {
			return failures[i].Seq < failures[j].Seq
		}
		return failures[i].Reason < failures[j].Reason
	})
	v.failure = failures[0]
	return v.failure
}
