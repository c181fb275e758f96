// Package auditchain seals and verifies the tamper-evident audit trail: every event
// carries the SHA-256 of its canonical form and the hash of the previous event
// of its stream, so an edited, deleted, inserted or reordered event breaks the
// chain. The package is pure: it computes and checks, the store persists.
package auditchain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"time"

	"dossier/internal/dossier"
)

// timeLayout fixes six fractional digits so that a time always has exactly one
// textual form; Go's RFC3339Nano drops trailing zeros, which would let the same
// instant hash two ways depending on how it was stored.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// Canonical returns the bytes that an event's hash covers: a compact JSON
// object with the keys in sorted order. Seq and Hash are left out: Seq is only
// the storage order (moving an event is caught by stream_seq and prev_hash),
// and Hash is what is being computed.
func Canonical(e dossier.AuditEvent) []byte {
	var b bytes.Buffer
	b.WriteString(`{"action":`)
	writeString(&b, e.Action)
	b.WriteString(`,"actor":`)
	writeString(&b, e.Actor)
	b.WriteString(`,"details":`)
	b.Write(canonicalDetails(e.Details))
	b.WriteString(`,"document_id":`)
	writeString(&b, e.DocumentID)
	b.WriteString(`,"prev_hash":`)
	writeString(&b, e.PrevHash)
	b.WriteString(`,"stream":`)
	writeString(&b, e.Stream)
	b.WriteString(`,"stream_seq":`)
	b.WriteString(strconv.FormatInt(e.StreamSeq, 10))
	b.WriteString(`,"time":`)
	writeString(&b, e.Time.UTC().Format(timeLayout))
	b.WriteByte('}')
	return b.Bytes()
}

// Hash returns the hex SHA-256 of the event's canonical form.
func Hash(e dossier.AuditEvent) string {
	sum := sha256.Sum256(Canonical(e))
	return hex.EncodeToString(sum[:])
}

// Seal makes e the next event of its stream: it fixes the time to the
// microsecond precision that both databases store, links the event to the
// stream's previous hash and computes its own hash.
func Seal(e *dossier.AuditEvent, prevHash string, streamSeq int64) {
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	e.PrevHash = prevHash
	e.StreamSeq = streamSeq
	e.Hash = Hash(*e)
}

// CanonicalJSON marshals v and re-encodes it compactly with the keys of every
// object sorted, so that equal values always give equal bytes. Callers build
// an event's Details with it. Numbers keep their literal text (no float64
// round trip); nil and JSON null give "{}" because details are an object.
func CanonicalJSON(v any) (json.RawMessage, error) {
	if v == nil {
		return json.RawMessage(`{}`), nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out, err := canonicalize(raw)
	if err != nil {
		return nil, err
	}
	if string(out) == "null" {
		return json.RawMessage(`{}`), nil
	}
	return out, nil
}

// canonicalize re-encodes one JSON text in canonical form. Decoding into
// map[string]any and encoding again sorts the keys, because encoding/json
// writes map keys in sorted order.
func canonicalize(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	// Trailing data after the value would otherwise be silently ignored.
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON value")
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// canonicalDetails gives the form of Details inside the canonical event.
// Stored details may come back from the database re-spaced or with keys in
// another order (PostgreSQL jsonb does both), so an object is re-canonicalised
// rather than hashed byte for byte. Anything that is not an object is hashed as
// a hex string of its raw bytes: a string can never equal an object, so a
// malformed value cannot be made to collide with a well-formed one.
func canonicalDetails(raw json.RawMessage) []byte {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return []byte(`{}`)
	}
	if trimmed[0] == '{' {
		if out, err := canonicalize(trimmed); err == nil {
			return out
		}
	}
	return []byte(`"raw:` + hex.EncodeToString(raw) + `"`)
}

// writeString writes s as a JSON string. Invalid UTF-8 is replaced by
// encoding/json, which is why the verifier rejects it before hashing.
func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Truncate(b.Len() - 1)
}
