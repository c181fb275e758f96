package evidence

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"dossier/internal/auditchain"
	"dossier/internal/dossier"
	"dossier/internal/signing"
)

// maxManifest bounds what Verify reads of manifest.json and of one event
// line; an export of MaxDocuments documents stays far below.
const (
	maxManifest  = 1 << 30
	maxEventLine = 16 << 20
)

// Problem is one thing wrong with an archive: where (a path in the archive,
// or a path and a line) and what.
type Problem struct {
	Where string `json:"where"`
	What  string `json:"what"`
}

func (p Problem) String() string { return p.Where + ": " + p.What }

// Report is the outcome of Verify.
type Report struct {
	Problems  []Problem `json:"problems"`
	Documents int       `json:"documents"`
	Files     int       `json:"files"`  // checked against their hash
	Events    int       `json:"events"` // read from events.jsonl
	KeyID     string    `json:"key_id"` // of the key the signature was checked with
	// KeyPinned is false when the key came from the manifest itself: the
	// signature then proves only that the manifest is whole, not who made it.
	KeyPinned bool `json:"key_pinned"`
}

// OK reports whether nothing is wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

func (r *Report) add(where, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Where: where, What: fmt.Sprintf(format, args...)})
}

// Verify checks an archive made by Export, with no server and no database:
// the signature of the manifest (with pinned, the service's published key,
// or when pinned is nil the key the manifest names), the size and SHA-256 of
// every file, every audit event's hash and chain link, and that each chain
// reaches the head the manifest recorded. It names every problem it finds.
func Verify(r io.ReaderAt, size int64, pinned ed25519.PublicKey) *Report {
	rep := &Report{Problems: []Problem{}, KeyPinned: pinned != nil}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		rep.add("zip", "not a readable ZIP archive (%v): the download was cut short or the file is not an evidence export", err)
		return rep
	}
	entries := map[string]*zip.File{}
	for _, f := range zr.File {
		if entries[f.Name] != nil {
			rep.add(f.Name, "appears twice in the archive: an entry was added after the export")
		}
		entries[f.Name] = f
	}
	raw, err := readEntry(entries[ManifestName], maxManifest)
	if err != nil {
		rep.add(ManifestName, "%v", err)
		return rep
	}
	checkSignature(rep, entries[SignatureName], raw, pinned)
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		rep.add(ManifestName, "is not valid JSON (%v)", err)
		return rep
	}
	if m.Format != Format {
		rep.add(ManifestName, "format %q, want %q: made by another program or another version", m.Format, Format)
	}
	listed := map[string]bool{ManifestName: true, SignatureName: true, EventsName: true}
	for _, d := range m.Documents {
		rep.Documents++
		for _, fe := range d.Files {
			listed[fe.Path] = true
			if checkFile(rep, entries[fe.Path], fe) {
				rep.Files++
			}
			if fe.RecordedSHA256 != "" && fe.RecordedSHA256 != fe.SHA256 {
				rep.add(fe.Path, "the service's stored copy hashed to %s, not to the %s recorded when it was stored: the blob store was damaged before the export", fe.SHA256, fe.RecordedSHA256)
			}
		}
	}
	checkFile(rep, entries[EventsName], m.Events)
	checkEvents(rep, entries[EventsName], &m)
	for _, f := range zr.File {
		if !listed[f.Name] {
			rep.add(f.Name, "is not listed in the manifest: it was added after the export")
		}
	}
	return rep
}

// readEntry reads a whole entry of at most limit bytes.
func readEntry(f *zip.File, limit int64) ([]byte, error) {
	if f == nil {
		return nil, errors.New("is missing from the archive")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("cannot be read: %w", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot be read (%w): its bytes in the archive are damaged", err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("is larger than %d bytes: not an evidence export", limit)
	}
	return b, nil
}

func checkSignature(rep *Report, sigEntry *zip.File, manifest []byte, pinned ed25519.PublicKey) {
	var named struct {
		PublicKey string `json:"public_key"`
	}
	_ = json.Unmarshal(manifest, &named) // a manifest that is not JSON is reported by the caller
	key := pinned
	if named.PublicKey != "" {
		inManifest, err := signing.ParsePublic(named.PublicKey)
		switch {
		case err != nil && pinned == nil:
			rep.add(ManifestName, "names no usable public key (%v): give the service's key with --key", err)
			return
		case pinned == nil:
			key = inManifest
		case !bytes.Equal(inManifest, pinned):
			rep.add(ManifestName, "names key %s, not the key you gave (%s): it was signed by another service, or its key was replaced",
				signing.KeyID(inManifest), signing.KeyID(pinned))
		}
	}
	if key == nil {
		rep.add(ManifestName, "names no public key: give the service's key with --key")
		return
	}
	rep.KeyID = signing.KeyID(key)
	raw, err := readEntry(sigEntry, 1<<10)
	if err != nil {
		rep.add(SignatureName, "%v", err)
		return
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil {
		rep.add(SignatureName, "is not base64: it was changed after the export")
		return
	}
	if !signing.Verify(key, []byte(SignedText(hexSum(manifest))), sig) {
		rep.add(SignatureName, "does not match manifest.json under key %s: the manifest was changed after it was signed, or another key signed it", rep.KeyID)
	}
}

// checkFile hashes one entry and compares it with the manifest; it
// reports whether the entry could be read.
func checkFile(rep *Report, f *zip.File, fe FileEntry) bool {
	if f == nil {
		rep.add(fe.Path, "is listed in the manifest but missing from the archive")
		return false
	}
	rc, err := f.Open()
	if err != nil {
		rep.add(fe.Path, "cannot be read: %v", err)
		return false
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		rep.add(fe.Path, "cannot be read (%v): its bytes in the archive are damaged", err)
		return false
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != fe.SHA256 || n != fe.Size {
		rep.add(fe.Path, "is %d bytes with SHA-256 %s; the manifest says %d bytes with %s: the file was changed after the export", n, got, fe.Size, fe.SHA256)
	}
	return true
}

// checkEvents checks every event of events.jsonl: its hash, its link to the
// previous event of its document's chain, and that each chain ends at the
// head the manifest recorded (which shows an event dropped at the end).
func checkEvents(rep *Report, f *zip.File, m *Manifest) {
	if f == nil {
		return // reported by checkFile
	}
	rc, err := f.Open()
	if err != nil {
		return // reported by checkFile
	}
	defer rc.Close()
	heads := map[string]AuditHead{}
	for _, d := range m.Documents {
		heads[d.ID] = d.Audit
	}
	chains := map[string]*auditchain.Verifier{}
	broken := map[string]bool{}
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 64<<10), maxEventLine)
	for line := 1; sc.Scan(); line++ {
		where := fmt.Sprintf("%s line %d", EventsName, line)
		var ev dossier.AuditEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			rep.add(where, "is not an audit event (%v)", err)
			continue
		}
		rep.Events++
		if _, ok := heads[ev.Stream]; !ok {
			rep.add(where, "event seq %d belongs to chain %q, which is no document of the manifest: it was added after the export", ev.Seq, ev.Stream)
			continue
		}
		v := chains[ev.Stream]
		if v == nil {
			v = auditchain.NewVerifier()
			chains[ev.Stream] = v
		}
		if err := v.Add(ev); err != nil && !broken[ev.Stream] {
			broken[ev.Stream] = true
			rep.add(where, "%s", reason(err))
		}
	}
	if err := sc.Err(); err != nil {
		rep.add(EventsName, "cannot be read to the end (%v)", err)
		return
	}
	if rep.Events != m.EventsN {
		rep.add(EventsName, "holds %d events; the manifest says %d: events were added or removed after the export", rep.Events, m.EventsN)
	}
	for _, d := range m.Documents {
		v := chains[d.ID]
		switch {
		case broken[d.ID]:
		case v == nil && d.Audit.Events > 0:
			rep.add(EventsName, "holds no event of document %s; the manifest says %d: they were removed after the export", d.ID, d.Audit.Events)
		case v == nil:
		default:
			err := v.Finish(map[string]auditchain.HeadRef{d.ID: {StreamSeq: d.Audit.StreamSeq, Hash: d.Audit.Hash}})
			if err != nil {
				rep.add(EventsName, "document %s: %s", d.ID, reason(err))
			}
		}
	}
}

func reason(err error) string {
	var f *auditchain.Failure
	if errors.As(err, &f) {
		return f.Reason
	}
	return err.Error()
}
