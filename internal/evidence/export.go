package evidence

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	"dossier/internal/audit"
	"dossier/internal/dossier"
	"dossier/internal/signing"
	"dossier/internal/store"
)

// Blobs is the part of the blob store an export reads.
type Blobs interface {
	Open(ctx context.Context, sha256 string) (io.ReadSeekCloser, error)
}

// Exporter writes evidence archives.
type Exporter struct {
	Store   store.Store
	Blobs   Blobs
	Key     *signing.Key
	TempDir string // where the manifest and the events are spooled
	Now     func() time.Time
	// Progress, when set, is told of every chunk of file bytes copied.
	Progress func(n int64)
	// EventPage is how many audit events are read at a time (0: 1000).
	EventPage int
}

// Export writes the archive of the documents ids (from a Selector) to w,
// then records the export in the audit trail as actor's (evidence.export,
// with the selection, the counts and the manifest's hash). A failed export is
// recorded too, as incomplete, so that an attempt leaves a trace.
func (e *Exporter) Export(ctx context.Context, actor dossier.User, w io.Writer, sel Selection, ids []string) (Summary, error) {
	if sel.IDs != nil {
		sel.IDs = ids // sorted, without repeats: the same set gives the same archive
	}
	sum, err := e.write(ctx, w, sel, ids)
	details := map[string]any{"selection": sel, "documents": sum.Documents, "files": sum.Files, "events": sum.Events,
		"bytes": sum.Bytes, "manifest_sha256": sum.ManifestSHA256, "complete": err == nil}
	if err != nil {
		details["error"] = err.Error()
	}
	// The download may have been cut off: the record is still due.
	rctx := context.WithoutCancel(ctx)
	if aerr := e.Store.Write(rctx, func(tx store.Tx) error {
		return audit.Append(rctx, tx, e.Now(), audit.Event{Actor: actor.ID, Action: "evidence.export", Details: details})
	}); aerr != nil {
		return sum, errors.Join(err, fmt.Errorf("record the export: %w", aerr))
	}
	return sum, err
}

// Bytes returns how many file bytes the archive of ids holds, for a
// progress bar.
func (e *Exporter) Bytes(ctx context.Context, ids []string) (int64, error) {
	var total int64
	err := e.Store.Read(ctx, func(tx store.Tx) error {
		for _, id := range ids {
			files, err := tx.FileVersions(ctx, id)
			if err != nil {
				return err
			}
			for _, f := range files {
				total += f.Size
			}
			rs, err := tx.Renditions(ctx, id)
			if err != nil {
				return err
			}
			for _, r := range rs {
				total += r.Size
			}
		}
		return nil
	})
	return total, err
}

// spool is a temporary file that counts and hashes what is written to it.
type spool struct {
	f    *os.File
	h    hash.Hash
	size int64
}

func newSpool(dir, pattern string) (*spool, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, fmt.Errorf("evidence spool: %w", err)
	}
	return &spool{f: f, h: sha256.New()}, nil
}

func (s *spool) Write(p []byte) (int, error) {
	n, err := s.f.Write(p)
	s.h.Write(p[:n])
	s.size += int64(n)
	return n, err
}

// copyTo writes the spooled bytes to w from the start.
func (s *spool) copyTo(w io.Writer) error {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.Copy(w, s.f)
	return err
}

func (s *spool) remove() {
	_ = s.f.Close()
	_ = os.Remove(s.f.Name())
}

func (e *Exporter) write(ctx context.Context, w io.Writer, sel Selection, ids []string) (Summary, error) {
	var sum Summary
	docs, err := newSpool(e.TempDir, "evidence-manifest-*")
	if err != nil {
		return sum, err
	}
	defer docs.remove()
	events, err := newSpool(e.TempDir, "evidence-events-*")
	if err != nil {
		return sum, err
	}
	defer events.remove()

	zw := zip.NewWriter(w)
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		snap, err := e.read(ctx, id, events)
		if dossier.ErrorCode(err) == dossier.ENotFound {
			// Purged since it was selected: nothing of it is left to show
			// (read finds that out before it writes any event).
			continue
		}
		if err != nil {
			return sum, err
		}
		entry, err := e.document(ctx, zw, snap, &sum)
		if err != nil {
			return sum, err
		}
		line, err := jsonLine(entry)
		if err != nil {
			return sum, err
		}
		// One document a line, so that the manifest reads well in a pager.
		line = append([]byte(",\n"), bytes.TrimSuffix(line, []byte("\n"))...)
		if sum.Documents == 0 {
			line = line[2:]
		}
		if _, err := docs.Write(line); err != nil {
			return sum, fmt.Errorf("evidence spool: %w", err)
		}
		sum.Documents++
		sum.Events += snap.audit.Events
	}

	ew, err := zw.CreateHeader(&zip.FileHeader{Name: EventsName, Method: zip.Deflate, Modified: fixedTime})
	if err != nil {
		return sum, err
	}
	if err := events.copyTo(ew); err != nil {
		return sum, fmt.Errorf("write %s: %w", EventsName, err)
	}
	head, err := jsonLine(Manifest{
		Format: Format, Selection: sel, PublicKey: e.Key.PublicText(), KeyID: e.Key.ID(),
		Events:  FileEntry{Path: EventsName, Size: events.size, SHA256: hex.EncodeToString(events.h.Sum(nil))},
		EventsN: sum.Events,
	})
	if err != nil {
		return sum, err
	}
	// The documents are spliced in from the spool in place of the empty list
	// the head was encoded with (it ends `"documents":null}` and a newline).
	head = []byte(strings.TrimSuffix(strings.TrimSpace(string(head)), `null}`))
	mw, err := zw.CreateHeader(&zip.FileHeader{Name: ManifestName, Method: zip.Deflate, Modified: fixedTime})
	if err != nil {
		return sum, err
	}
	mh := sha256.New()
	out := io.MultiWriter(mw, mh)
	if _, err := out.Write(append(head, "[\n"...)); err != nil {
		return sum, err
	}
	if err := docs.copyTo(out); err != nil {
		return sum, fmt.Errorf("write %s: %w", ManifestName, err)
	}
	if _, err := out.Write([]byte("\n]}\n")); err != nil {
		return sum, err
	}
	sum.ManifestSHA256 = hex.EncodeToString(mh.Sum(nil))
	sw, err := zw.CreateHeader(&zip.FileHeader{Name: SignatureName, Method: zip.Store, Modified: fixedTime})
	if err != nil {
		return sum, err
	}
	sig := base64.StdEncoding.EncodeToString(e.Key.Sign([]byte(SignedText(sum.ManifestSHA256))))
	if _, err := io.WriteString(sw, sig+"\n"); err != nil {
		return sum, err
	}
	return sum, zw.Close()
}

// document copies the files of one document into the archive and returns
// its manifest entry.
func (e *Exporter) document(ctx context.Context, zw *zip.Writer, s snapshot, sum *Summary) (Document, error) {
	d := Document{ID: s.doc.ID, Document: s.doc, History: s.history, Approvals: s.approvals, Reviews: s.reviews,
		Renditions: s.renditions, Users: s.users, Files: []FileEntry{}, Audit: s.audit}
	dir := documentsDir + safeName(s.doc.ID) + "/"
	for _, f := range s.files {
		fe := FileEntry{Path: dir + "v" + strconv.Itoa(f.Version) + "-" + safeName(f.Filename),
			RecordedSHA256: f.SHA256, Version: f.Version, MediaType: f.MediaType, Filename: f.Filename}
		if err := e.copyBlob(ctx, zw, &fe, f.CreatedAt); err != nil {
			return d, err
		}
		d.Files = append(d.Files, fe)
		sum.Files++
		sum.Bytes += fe.Size
	}
	for _, r := range s.renditions {
		fe := FileEntry{Path: dir + safeName(r.Name) + "-v" + strconv.Itoa(r.FileVersion) + ".pdf",
			RecordedSHA256: r.SHA256, Version: r.FileVersion, Rendition: r.Name, MediaType: "application/pdf"}
		if err := e.copyBlob(ctx, zw, &fe, r.CreatedAt); err != nil {
			return d, err
		}
		d.Files = append(d.Files, fe)
		sum.Files++
		sum.Bytes += fe.Size
	}
	return d, nil
}

// copyBlob copies the blob fe.RecordedSHA256 into the archive at fe.Path,
// hashing the bytes on the way: the manifest records what the archive holds,
// so a blob damaged in the store shows as a difference from the recorded hash.
func (e *Exporter) copyBlob(ctx context.Context, zw *zip.Writer, fe *FileEntry, modified time.Time) error {
	rc, err := e.Blobs.Open(ctx, fe.RecordedSHA256)
	if err != nil {
		return fmt.Errorf("export %s: open blob %s: %w", fe.Path, fe.RecordedSHA256, err)
	}
	defer rc.Close()
	method := zip.Deflate
	if compressed(fe.MediaType) {
		method = zip.Store // deflating a PDF or a JPEG costs time and saves nothing
	}
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: fe.Path, Method: method, Modified: modified.UTC()})
	if err != nil {
		return err
	}
	h := sha256.New()
	var dst io.Writer = io.MultiWriter(fw, h)
	if e.Progress != nil {
		dst = progressWriter{dst, e.Progress}
	}
	n, err := io.Copy(dst, rc)
	if err != nil {
		return fmt.Errorf("export %s: %w", fe.Path, err)
	}
	fe.Size, fe.SHA256 = n, hex.EncodeToString(h.Sum(nil))
	return nil
}

type progressWriter struct {
	w  io.Writer
	fn func(int64)
}

func (p progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.fn(int64(n))
	return n, err
}

func compressed(mediaType string) bool {
	switch {
	case mediaType == "application/pdf", mediaType == "application/zip",
		strings.HasPrefix(mediaType, "image/") && mediaType != "image/tiff" && mediaType != "image/bmp":
		return true
	}
	return false
}

// safeName makes a file name safe as one path element of the archive: no
// separators, no control characters, never "." or "..".
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || unicode.IsControl(r) {
			return '_'
		}
		return r
	}, s)
	s = strings.TrimLeft(s, ".")
	if r := []rune(s); len(r) > 120 {
		s = string(r[len(r)-120:])
	}
	if s == "" {
		return "file"
	}
	return s
}
