package documents

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"dossier/internal/blob"
	"dossier/internal/dossier"
	"dossier/internal/media"
	"dossier/internal/pdf"
)

// Staged is an uploaded file that has been stored under a temporary key and
// checked, waiting for Create or AddVersion (or Discard).
type Staged struct {
	blob.Staged
	MediaType string
	Filename  string
	Pages     int
}

func (f Staged) version(id string, n int, actor string, now time.Time) dossier.FileVersion {
	return dossier.FileVersion{
		DocumentID: id, Version: n, SHA256: f.SHA256, Size: f.Size, MediaType: f.MediaType,
		Filename: f.Filename, PageCount: f.Pages, CreatedBy: actor, CreatedAt: now,
	}
}

// Stage streams r to the blob store while hashing it, refuses media types
// that are not allowed before storing anything, and checks PDFs with pdfcpu.
// Only PDFs are spooled to a local temporary file (pdfcpu needs to seek);
// other files pass through in constant memory.
func (s *Service) Stage(ctx context.Context, r io.Reader, filename string) (Staged, error) {
	br := bufio.NewReaderSize(r, media.SniffLen)
	head, err := br.Peek(media.SniffLen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return Staged{}, err
	}
	if len(head) == 0 {
		return Staged{}, dossier.Errorf(dossier.EUnprocessable, "the file is empty")
	}
	mt, err := media.Sniff(head)
	if err != nil {
		return Staged{}, err
	}
	f := Staged{MediaType: mt, Filename: media.SanitizeFilename(filename)}
	var spool *os.File
	var src io.Reader = br
	if mt == "application/pdf" {
		if spool, err = os.CreateTemp(s.tempDir, "upload-*.pdf"); err != nil {
			return f, fmt.Errorf("spool PDF: %w", err)
		}
		defer func() { spool.Close(); os.Remove(spool.Name()) }()
		src = io.TeeReader(br, spool)
	}
	if f.Staged, err = s.blobs.Stage(ctx, src); err != nil {
		return f, blobError("store the file", err)
	}
	if spool != nil {
		if _, err := spool.Seek(0, io.SeekStart); err != nil {
			s.Discard(ctx, f)
			return f, fmt.Errorf("rewind spooled PDF: %w", err)
		}
		info, err := pdf.Inspect(ctx, spool)
		if err != nil {
			s.Discard(ctx, f)
			return f, err
		}
		f.Pages = info.Pages
	}
	return f, nil
}

// Discard removes a staged file that will not be used. A failure only leaves
// an orphan for fsck, so it is not reported.
func (s *Service) Discard(ctx context.Context, f Staged) {
	if f.TempKey != "" {
		_ = s.blobs.Discard(context.WithoutCancel(ctx), f.Staged)
	}
}

// blobError maps an unreachable blob store to 503 and keeps other causes (a
// body that broke off, too large) as they are for the caller to classify.
func blobError(op string, err error) error {
	if errors.Is(err, blob.ErrUnavailable) {
		return fmt.Errorf("%s: %w: %w", op, dossier.Errorf(dossier.EUnavailable, "the object store is unavailable: try again later"), err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
