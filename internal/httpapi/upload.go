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
	form, err := h.uploadForm(c, true)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	d, err := h.Documents.Upload(c.Request().Context(), u, form)
	if err != nil {
		return h.bodyError(err, "the file part broke off")
	}
	return h.documentResponse(c, http.StatusCreated, u, d)
}

func (h *handlers) addVersion(c echo.Context) error {
	form, err := h.uploadForm(c, false)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	d, err := h.Documents.UploadVersion(c.Request().Context(), u, c.Param("id"), form)
	if err != nil {
		return h.bodyError(err, "the file part broke off")
	}
	return h.documentResponse(c, http.StatusCreated, u, d)
}

// uploadForm opens the request as a streamed multipart form within the
// upload limit; the documents service reads its parts.
func (h *handlers) uploadForm(c echo.Context, wantMeta bool) (*multipartForm, error) {
	req := c.Request()
	if req.ContentLength > h.MaxUpload+multipartSlack {
		return nil, tooLarge(h.MaxUpload)
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, h.MaxUpload+multipartSlack)
	mr, err := req.MultipartReader()
	if err != nil {
		hint := ""
		if wantMeta {
			hint = " and a part \"metadata\" (JSON)"
		}
		return nil, dossier.Errorf(dossier.EInvalid, "send multipart/form-data with a part \"file\"%s", hint)
	}
	return &multipartForm{h: h, mr: mr}, nil
}

// multipartForm is a documents.Form over a streamed multipart body.
type multipartForm struct {
	h    *handlers
	mr   *multipart.Reader
	part *multipart.Part
}

func (f *multipartForm) Next() (name, filename string, body io.Reader, err error) {
	if f.part != nil {
		f.part.Close()
	}
	part, err := f.mr.NextPart()
	if errors.Is(err, io.EOF) {
		return "", "", nil, io.EOF
	}
	if err != nil {
		// Anything NextPart cannot parse is the client's doing.
		if err := f.h.bodyError(err, "the multipart body is malformed"); dossier.ErrorCode(err) != dossier.EInternal ||
			errors.Is(err, context.Canceled) {
			return "", "", nil, err
		}
		return "", "", nil, dossier.Errorf(dossier.EInvalid, "the multipart body is malformed: %v", err)
	}
	f.part = part
	if part.FormName() == documents.PartFile {
		return part.FormName(), part.FileName(), &limitedPart{r: part, left: f.h.MaxUpload}, nil
	}
	return part.FormName(), part.FileName(), part, nil
}

func (f *multipartForm) Metadata(body io.Reader) (dossier.Metadata, error) {
	var m dossier.Metadata
	if err := decodeJSON(body, &m); err != nil {
		code := dossier.EInvalid // a broken part is the client's doing
		if dossier.ErrorCode(err) == dossier.ETooLarge {
			code = dossier.ETooLarge
		}
		return m, dossier.Errorf(code, "part metadata: %s", dossier.ErrorMessage(err))
	}
	return m, nil
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
