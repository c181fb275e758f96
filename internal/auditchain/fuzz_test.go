package auditchain_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"dossier/internal/auditchain"
	"dossier/internal/dossier"
)

// The fields a tamperer can change. Seq is left out on purpose: it is only the
// storage order and is not hashed, so raising the last event's Seq is not
// tampering; moving an event is covered by TestVerifyDetectsTampering.
const (
	fStream = iota
	fStreamSeq
	fTime
	fActor
	fAction
	fDocumentID
	fDetails
	fPrevHash
	fHash
	fieldCount
)

func mutateString(s string, pos uint16, val byte) string {
	if s == "" {
		return string([]byte{val})
	}
	b := []byte(s)
	b[int(pos)%len(b)] = val
	return string(b)
}

// mutate changes one byte of one field of e.
func mutate(e dossier.AuditEvent, field uint8, pos uint16, val byte) dossier.AuditEvent {
	shift := 8 * (uint(pos) % 5) // at most 2^40 µs (~12 days): realistic times
	switch field % fieldCount {
	case fStream:
		e.Stream = mutateString(e.Stream, pos, val)
	case fStreamSeq:
		e.StreamSeq ^= int64(val) << shift
	case fTime:
		e.Time = time.UnixMicro(e.Time.UnixMicro() ^ int64(val)<<shift).UTC()
	case fActor:
		e.Actor = mutateString(e.Actor, pos, val)
	case fAction:
		e.Action = mutateString(e.Action, pos, val)
	case fDocumentID:
		e.DocumentID = mutateString(e.DocumentID, pos, val)
	case fDetails:
		e.Details = json.RawMessage(mutateString(string(e.Details), pos, val))
	case fPrevHash:
		e.PrevHash = mutateString(e.PrevHash, pos, val)
	case fHash:
		e.Hash = mutateString(e.Hash, pos, val)
	}
	return e
}

func FuzzVerify(f *testing.F) {
	tr := newTrail(f, 12)
	for field := range uint8(fieldCount) {
		f.Add(uint8(5), field, uint16(3), byte('x'))
	}
	f.Add(uint8(11), uint8(fDetails), uint16(0), byte(' '))
	f.Add(uint8(0), uint8(fTime), uint16(0), byte(1))
	f.Add(uint8(7), uint8(fActor), uint16(1), byte(0xff))

	f.Fuzz(func(t *testing.T, idx, field uint8, pos uint16, val byte) {
		events := append([]dossier.AuditEvent(nil), tr.events...)
		i := int(idx) % len(events)
		orig := events[i]
		events[i] = mutate(orig, field, pos, val)
		changed := events[i]
		// A mutation is a no-op when it rewrote a byte with itself, or turned
		// the details into an equal JSON value (e.g. \u001f into \u001F).
		noop := sameEvent(changed, orig) || sameEvent(withDetails(changed, orig.Details), orig) && sameJSON(changed.Details, orig.Details)
		_, err := verify(events, tr.heads)
		switch {
		case noop && err != nil:
			t.Fatalf("unchanged trail rejected: %v", err)
		case !noop && err == nil:
			t.Fatalf("mutation of field %d of event %d went unnoticed: %+v -> %+v", field%fieldCount, i, orig, changed)
		}
	})
}

func withDetails(e dossier.AuditEvent, d json.RawMessage) dossier.AuditEvent {
	e.Details = d
	return e
}

func sameJSON(a, b json.RawMessage) bool {
	ca, errA := auditchain.CanonicalJSON(a)
	cb, errB := auditchain.CanonicalJSON(b)
	return errA == nil && errB == nil && bytes.Equal(ca, cb)
}

func sameEvent(a, b dossier.AuditEvent) bool {
	return a.Seq == b.Seq && a.Stream == b.Stream && a.StreamSeq == b.StreamSeq && a.Time.Equal(b.Time) &&
		a.Actor == b.Actor && a.Action == b.Action && a.DocumentID == b.DocumentID &&
		bytes.Equal(a.Details, b.Details) && a.PrevHash == b.PrevHash && a.Hash == b.Hash
}
