package documents

import (
	"context"
	"errors"
	"io"

	"dossier/internal/dossier"
)

// Form is an upload as the API receives it: a "file" part and, for a new
// document, a "metadata" part, in the order the client sent them. The
// caller owns the transport (multipart, size limits, JSON decoding); the
// service owns what is done with the parts, staging included, so that a
// refused upload leaves nothing staged whatever went wrong.
type Form interface {
	// Next returns the next part's name, file name and body; io.EOF after
	// the last. A body is read before Next is called again.
	Next() (name, filename string, body io.Reader, err error)
	// Metadata decodes the body of the metadata part.
	Metadata(body io.Reader) (dossier.Metadata, error)
}

// The part names of an upload form.
const (
	PartFile     = "file"
	PartMetadata = "metadata"
)

// Upload reads form (a file and its metadata), stores the file and creates
// the document. Metadata sent before the file is checked before any byte is
// stored.
func (s *Service) Upload(ctx context.Context, actor dossier.User, form Form) (dossier.Document, error) {
	in, err := s.read(ctx, form, true)
	if err != nil {
		return dossier.Document{}, err
	}
	d, err := s.Create(ctx, actor, *in.meta, in.file)
	if err != nil {
		s.Discard(ctx, in.file)
	}
	return d, err
}

// UploadVersion reads form (a file) and adds it as the newest file version
// of document id.
func (s *Service) UploadVersion(ctx context.Context, actor dossier.User, id string, form Form) (dossier.Document, error) {
	in, err := s.read(ctx, form, false)
	if err != nil {
		return dossier.Document{}, err
	}
	d, err := s.AddVersion(ctx, actor, id, in.file)
	if err != nil {
		s.Discard(ctx, in.file)
	}
	return d, err
}

type intake struct {
	meta    *dossier.Metadata
	file    Staged
	hasFile bool
}

// read walks the parts, staging the file as it streams by; on any error the
// staged file is discarded.
func (s *Service) read(ctx context.Context, form Form, wantMeta bool) (in intake, err error) {
	defer func() {
		if err != nil && in.hasFile {
			s.Discard(ctx, in.file)
		}
	}()
	for {
		name, filename, body, err := form.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return in, err
		}
		switch {
		case name == PartMetadata && wantMeta && in.meta == nil:
			m, err := form.Metadata(body)
			if err != nil {
				return in, err
			}
			if _, _, err := s.CheckMetadata(m); err != nil {
				return in, err
			}
			in.meta = &m
		case name == PartFile && !in.hasFile:
			f, err := s.Stage(ctx, body, filename)
			if err != nil {
				return in, err
			}
			in.file, in.hasFile = f, true
		default:
			return in, dossier.Errorf(dossier.EInvalid, "unexpected or repeated part %q: send one \"file\"%s", name, metaHint(wantMeta))
		}
	}
	if !in.hasFile {
		return in, dossier.Errorf(dossier.EInvalid, "the part \"file\" is missing")
	}
	if wantMeta && in.meta == nil {
		return in, dossier.Errorf(dossier.EInvalid, "the part \"metadata\" (a JSON object with at least kind and title) is missing")
	}
	return in, nil
}

func metaHint(wantMeta bool) string {
	if wantMeta {
		return " and a part \"metadata\" (JSON)"
	}
	return ""
}
