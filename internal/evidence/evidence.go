// Package evidence makes and checks evidence exports (SPEC §8): a ZIP with
// every file version and stamped rendition of the selected documents, their
// audit events (events.jsonl) and a manifest that lists each file's path,
// size and SHA-256 with each document's metadata, state, history and
// approvals. The manifest is signed with the service's Ed25519 key, so an
// auditor can check the whole archive offline (Verify), with no server and
// no database.
//
// The export streams: files are hashed while they are copied into the ZIP,
// and the bulky parts of the manifest and the events are spooled to
// temporary files, so the server's memory does not grow with the export.
package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"dossier/internal/dossier"
)

// Format names the layout of the archive; it starts the signed text.
const Format = "dossier-evidence/1"

// The fixed names inside the archive.
const (
	ManifestName  = "manifest.json"
	SignatureName = "manifest.sig"
	EventsName    = "events.jsonl"
	documentsDir  = "documents/"
)

// fixedTime is the modification time of the entries the export generates
// (manifest, signature, events): the same selection of unchanged documents
// then gives the same bytes, so a restarted download is the same archive.
var fixedTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// SignedText is what manifest.sig signs: the format and the SHA-256 of the
// manifest's bytes. Signing a short text rather than the manifest itself lets
// anyone check the signature with standard tools (the text is easy to remake).
func SignedText(manifestSHA256 string) string {
	return Format + " manifest sha256:" + manifestSHA256
}

// Manifest is manifest.json. The documents are listed in id order.
type Manifest struct {
	Format    string     `json:"format"`
	Selection Selection  `json:"selection"`
	PublicKey string     `json:"public_key"` // ed25519:…, the key manifest.sig checks against
	KeyID     string     `json:"key_id"`
	Events    FileEntry  `json:"events"` // events.jsonl
	EventsN   int        `json:"event_count"`
	Documents []Document `json:"documents"`
}

// Document is what the manifest says of one document.
type Document struct {
	ID         string                      `json:"id"`
	Document   dossier.Document            `json:"document"` // metadata, state, newest file version
	History    []dossier.HistoryEntry      `json:"history"`
	Approvals  []dossier.Approval          `json:"approvals"`
	Reviews    []dossier.Review            `json:"reviews"`
	Renditions []dossier.Rendition         `json:"renditions"`
	Users      map[string]dossier.UserName `json:"users"` // names of the users the entries above refer to
	Files      []FileEntry                 `json:"files"`
	Audit      AuditHead                   `json:"audit"`
}

// FileEntry is one file of the archive as the manifest records it.
type FileEntry struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // of the bytes in the archive
	// RecordedSHA256 is the hash the database recorded when the file was
	// stored; it differs from SHA256 only when the stored bytes were damaged.
	RecordedSHA256 string `json:"recorded_sha256,omitempty"`
	Version        int    `json:"version,omitempty"`   // the file version (of the original, or the one stamped)
	Rendition      string `json:"rendition,omitempty"` // "stamped"; "" for an original
	MediaType      string `json:"media_type,omitempty"`
	Filename       string `json:"filename,omitempty"` // as uploaded
}

// AuditHead is the end of a document's audit chain at export time: the
// events in events.jsonl must reach it, which shows that none was dropped at
// the end.
type AuditHead struct {
	Stream    string `json:"stream"`
	Events    int    `json:"events"`
	StreamSeq int64  `json:"head_stream_seq"`
	Hash      string `json:"head_hash"`
}

// Selection is what was asked for: a filter or a list of ids.
type Selection struct {
	Filter *Filter  `json:"filter,omitempty"`
	IDs    []string `json:"ids,omitempty"`
}

// Summary is what an export produced; it is recorded in the audit trail.
type Summary struct {
	Documents      int    `json:"documents"`
	Files          int    `json:"files"`
	Events         int    `json:"events"`
	Bytes          int64  `json:"bytes"` // of the files copied
	ManifestSHA256 string `json:"manifest_sha256"`
}

// hexSum returns the hex SHA-256 of b.
func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// jsonLine encodes v compactly without HTML escaping, so that text such as
// "<" keeps its form in the archive.
func jsonLine(v any) ([]byte, error) {
	var b jsonBuf
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b, nil
}

type jsonBuf []byte

func (b *jsonBuf) Write(p []byte) (int, error) { *b = append(*b, p...); return len(p), nil }

// FileName names the archive of ids after its selection, so that a
// restarted download of the same selection gets the same name.
func FileName(ids []string) string {
	sum := sha256.Sum256([]byte(strings.Join(ids, "\n")))
	return "dossier-evidence-" + hex.EncodeToString(sum[:6]) + ".zip"
}
