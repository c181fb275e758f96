package dossier

import (
	"encoding/json"
	"time"
)

// AuditEvent is one entry of the tamper-evident audit trail. Events form one
// hash chain per stream (a document's id, or "system" for events about no
// document): each carries the hash of the stream's previous event and the
// SHA-256 of its own canonical form.
type AuditEvent struct {
	Seq        int64           `json:"seq"`         // global order, assigned by the store
	Stream     string          `json:"stream"`      // chain the event belongs to
	StreamSeq  int64           `json:"stream_seq"`  // 1, 2, 3 … within the stream
	Time       time.Time       `json:"time"`        // UTC, microsecond precision
	Actor      string          `json:"actor"`       // user id, or "" for the system
	Action     string          `json:"action"`      // e.g. "document.upload"
	DocumentID string          `json:"document_id"` // "" when about no document
	Details    json.RawMessage `json:"details"`     // a JSON object, canonical (compact, sorted keys)
	PrevHash   string          `json:"prev_hash"`   // hex; "" for a stream's first event
	Hash       string          `json:"hash"`        // hex SHA-256 of the canonical form
}

// SystemStream is the chain of events that concern no document.
const SystemStream = "system"
