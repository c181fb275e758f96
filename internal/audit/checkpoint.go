package audit

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"dossier/internal/auditchain"
	"dossier/internal/signing"
)

// A checkpoint is the signed list of every chain's head at one moment, kept
// in the object store where the database cannot reach: once written it is
// never replaced (S3 object lock, a read-only file), like the signed tree
// head of a transparency log. Whoever rewrites the database, recomputing
// every hash, still cannot make an event that a checkpoint pinned hash the
// way the checkpoint says, nor take back the events it counted.

// CheckpointVersion is the format of a checkpoint.
const CheckpointVersion = 1

// CheckpointPrefix is where checkpoints are kept among the store's records;
// their names sort in the order they were written.
const CheckpointPrefix = "checkpoints/"

// CheckpointAction is the audit event of a checkpoint being written.
const CheckpointAction = "audit.checkpoint"

// CheckpointStream is the chain the audit.checkpoint events go to, apart
// from the system stream so that a checkpoint's own event alone does not
// count as a change that calls for the next one.
const CheckpointStream = "audit-checkpoints"

// nameLayout fixes the name of a checkpoint from its time: sortable, to the
// microsecond.
const nameLayout = "20060102-150405.000000"

// Head is the last event of one stream: its position and hash.
type Head struct {
	Stream string `json:"stream"`
	Seq    int64  `json:"seq"` // the position in the stream (the event's stream_seq)
	Hash   string `json:"hash"`
}

// Link names the checkpoint written before, with the SHA-256 of its bytes,
// so that the checkpoints form a chain of their own.
type Link struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// Checkpoint is one signed list of heads.
type Checkpoint struct {
	Version int       `json:"version"`
	Time    time.Time `json:"time"`
	// Full says Heads lists every stream; otherwise it lists those that
	// moved since the checkpoint before.
	Full      bool   `json:"full"`
	Heads     []Head `json:"heads"` // by stream
	Previous  *Link  `json:"previous,omitempty"`
	PublicKey string `json:"public_key"` // the signer, as signing.FormatPublic writes it
	Signature string `json:"signature,omitempty"`
}

// CheckpointName returns the record name of a checkpoint written at t.
func CheckpointName(t time.Time) string {
	return CheckpointPrefix + t.UTC().Format(nameLayout) + ".json"
}

// signedBytes is what the signature covers: the checkpoint without its
// signature, as canonical JSON.
func (c Checkpoint) signedBytes() ([]byte, error) {
	c.Signature = ""
	return auditchain.CanonicalJSON(c)
}

// Seal signs c with key and returns the bytes to store.
func (c *Checkpoint) Seal(key *signing.Key) ([]byte, error) {
	c.PublicKey, c.Signature = key.PublicText(), ""
	msg, err := c.signedBytes()
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	c.Signature = base64.StdEncoding.EncodeToString(key.Sign(msg))
	return auditchain.CanonicalJSON(c)
}

// ParseCheckpoint reads stored checkpoint bytes, strictly: an unknown field
// or a malformed head means the bytes were not written by the service.
func ParseCheckpoint(data []byte) (Checkpoint, error) {
	var c Checkpoint
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("not a checkpoint: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return c, errors.New("not a checkpoint: data after the JSON object")
	}
	if c.Version != CheckpointVersion {
		return c, fmt.Errorf("checkpoint version %d, this program reads version %d", c.Version, CheckpointVersion)
	}
	for i, h := range c.Heads {
		if h.Stream == "" || h.Seq < 1 || len(h.Hash) != 64 {
			return c, fmt.Errorf("checkpoint head %d (%q at %d): want a stream, a position from 1 and a 64-character hash", i, h.Stream, h.Seq)
		}
		if i > 0 && c.Heads[i-1].Stream >= h.Stream {
			return c, fmt.Errorf("checkpoint heads not sorted by stream, or stream %q twice", h.Stream)
		}
	}
	return c, nil
}

// Check reports whether c was signed by pub.
func (c Checkpoint) Check(pub ed25519.PublicKey) error {
	if c.PublicKey != signing.FormatPublic(pub) {
		return fmt.Errorf("signed by key %s, not by %s", keyID(c.PublicKey), signing.KeyID(pub))
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil {
		return errors.New("the signature is not base64")
	}
	msg, err := c.signedBytes()
	if err != nil {
		return err
	}
	if !signing.Verify(pub, msg, sig) {
		return errors.New("the signature does not match its content: the checkpoint was altered")
	}
	return nil
}

// keyID names the key in a checkpoint's public_key field for a message.
func keyID(text string) string {
	pub, err := signing.ParsePublic(text)
	if err != nil {
		return fmt.Sprintf("%.20q (not a key)", text)
	}
	return signing.KeyID(pub)
}

// headsOf returns the heads of a store's map, sorted by stream.
func headsOf(m map[string]Head) []Head {
	out := make([]Head, 0, len(m))
	for _, h := range m {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b Head) int { return strings.Compare(a.Stream, b.Stream) })
	return out
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
