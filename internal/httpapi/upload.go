package httpapi

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/labstack/echo/v4"

	"dossier/internal/documents"
	"dossier/internal/dossier"
)

// multipartSlack is what an upload body may carry beyond the file itself:
// the metadata part and the multipart framing.
const multipartSlack = 2 << 20

func (h *handlers) upload(c echo.Context) error {
	form, err := h.readUpload(c, true)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	d, err := h.Documents.Create(c.Request().Context(), u, *form.meta, form.file)
	if err != nil {
		h.Documents.Discard(c.Request().Context(), form.file)
		return err
	}
	return h.documentResponse(c, http.StatusCreated, u, d)
}

func (h *handlers) addVersion(c echo.Context) error {
	form, err := h.readUpload(c, false)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	d, err := h.Documents.AddVersion(c.Request().Context(), u, c.Param("id"), form.file)
	if err != nil {
		h.Documents.Discard(c.Request().Context(), form.file)
		return err
	}
	return h.documentResponse(c, http.StatusCreated, u, d)
}

type uploadForm struct {
	meta    *dossier.Metadata
	file    documents.Staged
	hasFile bool
}

// readUpload streams a multipart body: the part "file" goes straight to the
// blob store, the part "metadata" (when wanted) is decoded and checked; if
// metadata comes first, a bad one is refused before any byte is stored.
func (h *handlers) readUpload(c echo.Context, wantMeta bool) (form uploadForm, err error) {
	req := c.Request()
	if req.ContentLength > h.MaxUpload+multipartSlack {
		return form, tooLarge(h.MaxUpload)
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, h.MaxUpload+multipartSlack)
	mr, err := req.MultipartReader()
	if err != nil {
		return form, dossier.Errorf(dossier.EInvalid, "send multipart/form-data with a part \"file\"%s", metaHint(wantMeta))
	}
	defer func() {
		if err != nil && form.hasFile {
			h.Documents.Discard(req.Context(), form.file)
		}
	}()
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// Anything NextPart cannot parse is the client's doing.
			if err := h.bodyError(err, "the multipart body is malformed"); dossier.ErrorCode(err) != dossier.EInternal ||
				errors.Is(err, context.Canceled) {
				return form, err
			}
			return form, dossier.Errorf(dossier.EInvalid, "the multipart body is malformed: %v", err)
		}
		switch {
		case part.FormName() == "metadata" && wantMeta && form.meta == nil:
			var m dossier.Metadata
			if err := decodeJSON(part, &m); err != nil {
				return form, dossier.Errorf(dossier.EInvalid, "part metadata: %s", dossier.ErrorMessage(err))
			}
			if err := m.Normalize().Validate(); err != nil {
				return form, err
			}
			form.meta = &m
		case part.FormName() == "file" && !form.hasFile:
			f, err := h.Documents.Stage(req.Context(), &limitedPart{r: part, left: h.MaxUpload}, part.FileName())
			if err != nil {
				return form, h.bodyError(err, "the file part broke off")
			}
			form.file, form.hasFile = f, true
		default:
			return form, dossier.Errorf(dossier.EInvalid, "unexpected or repeated part %q: send one \"file\"%s", part.FormName(), metaHint(wantMeta))
		}
		part.Close()
	}
	if !form.hasFile {
		return form, dossier.Errorf(dossier.EInvalid, "the part \"file\" is missing")
	}
	if wantMeta && form.meta == nil {
		return form, dossier.Errorf(dossier.EInvalid, "the part \"metadata\" (a JSON object with at least kind and title) is missing")
	}
	return form, nil
}

func metaHint(wantMeta bool) string {
	if wantMeta {
		return " and a part \"metadata\" (JSON)"
	}
	return ""
}

// bodyError keeps domain errors and turns broken or oversize bodies into 413/400.
func (h *handlers) bodyError(err error, msg string) error {
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, errFileTooLarge), errors.As(err, &mbe):
		return tooLarge(h.MaxUpload)
	case dossier.ErrorCode(err) != dossier.EInternal:
		return err
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, multipart.ErrMessageTooLarge):
		return dossier.Errorf(dossier.EInvalid, "%s", msg)
	}
	return err
}

func tooLarge(max int64) error {
	return dossier.Errorf(dossier.ETooLarge, "the file is larger than the limit of %d bytes (DOSSIER_MAX_UPLOAD)", max)
}

var errFileTooLarge = errors.New("file larger than the upload limit")

// limitedPart fails with errFileTooLarge once more than left bytes are read.
type limitedPart struct {
	r    io.Reader
	left int64
}

func (l *limitedPart) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, errFileTooLarge
	}
	return n, err
}
