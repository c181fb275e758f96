package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/documents"
	"dossier/internal/dossier"
)

func (u *UI) uploadPage(c echo.Context) error {
	kind := c.QueryParam("kind")
	if kind == "" {
		kind = u.kinds()[0]
	}
	f, ok := u.metaForm(kind)
	if !ok {
		return dossier.Errorf(dossier.EInvalid, "kind=%s is unknown", dossier.Clip(kind))
	}
	return u.render(c, http.StatusOK, "upload", u.view(c, "upload.title", f))
}

// upload is POST /api/v1/documents for the upload page: the metadata comes
// as form fields before the file, and the file is streamed to the same
// service. upload.js sends one request per dropped file and reads the JSON
// answer; without scripts the form posts one file and gets a page back.
func (u *UI) upload(c echo.Context) error {
	req := c.Request()
	wantJSON := strings.Contains(req.Header.Get(echo.HeaderAccept), echo.MIMEApplicationJSON)
	req.Body = http.MaxBytesReader(c.Response(), req.Body, u.MaxUpload+2<<20)
	mr, err := req.MultipartReader()
	var form *pageForm
	var d dossier.Document
	if err != nil {
		err = dossier.Errorf(dossier.EInvalid, "send the form as multipart/form-data with a file")
	} else {
		usr, _ := u.currentUser(c)
		form = &pageForm{u: u, mr: mr}
		d, err = u.Documents.Upload(req.Context(), usr, form)
		if err == nil && form.meta == nil {
			err = dossier.Errorf(dossier.EInvalid, "choose a file")
		}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = dossier.Errorf(dossier.ETooLarge, "the file is larger than the limit of %d MiB", u.MaxUpload>>20)
	}
	if err == nil {
		if wantJSON {
			return c.JSON(http.StatusCreated, map[string]string{"id": d.ID, "url": "/documents/" + d.ID, "title": d.Title})
		}
		return c.Redirect(http.StatusSeeOther, "/documents/"+d.ID)
	}
	if dossier.ErrorCode(err) == dossier.EInternal {
		return err
	}
	mf := form.formOrDefault(u)
	fe := errorsFor(err, mf.Names())
	if wantJSON {
		for field, msg := range fe {
			return c.JSON(statusOf(err), map[string]any{"status": statusOf(err), "detail": msg, "field": field})
		}
	}
	mf.Errors = fe
	return u.render(c, statusOf(err), "upload", u.view(c, "upload.title", mf))
}

// pageForm is a documents.Form over the upload page's multipart body: the
// text fields before the file become the metadata part, which the service
// checks before it stores a byte.
type pageForm struct {
	u       *UI
	mr      *multipart.Reader
	part    *multipart.Part
	values  map[string]string
	meta    *metaForm
	pending *multipart.Part // the file, held back until the metadata was read
}

func (f *pageForm) Next() (name, filename string, body io.Reader, err error) {
	if f.pending != nil {
		p := f.pending
		f.pending, f.part = nil, p
		return documents.PartFile, p.FileName(), p, nil
	}
	if f.part != nil {
		f.part.Close()
	}
	if f.values == nil {
		f.values = map[string]string{}
	}
	for {
		part, err := f.mr.NextPart()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "", "", nil, io.EOF
			}
			return "", "", nil, dossier.Errorf(dossier.EInvalid, "the form broke off: %v", err)
		}
		f.part = part
		if part.FormName() != documents.PartFile {
			b, err := io.ReadAll(io.LimitReader(part, 64<<10))
			if err != nil {
				return "", "", nil, dossier.Errorf(dossier.EInvalid, "the form broke off: %v", err)
			}
			f.values[part.FormName()] = string(b)
			continue
		}
		if part.FileName() == "" {
			continue // the file input left empty
		}
		mf, ok := f.u.metaForm(f.values["kind"])
		if !ok {
			return "", "", nil, dossier.Errorf(dossier.EUnprocessable, "kind %s is unknown: choose a kind", dossier.Clip(f.values["kind"]))
		}
		mf.read(func(name string) string { return f.values[name] })
		if mf.Values["title"] == "" {
			// Several files dropped at once each take their own name as title.
			mf.Values["title"] = strings.TrimSuffix(path.Base(part.FileName()), path.Ext(part.FileName()))
		}
		f.meta, f.pending = mf, part
		b, _ := json.Marshal(mf.metadata())
		return documents.PartMetadata, "", bytes.NewReader(b), nil
	}
}

func (f *pageForm) Metadata(body io.Reader) (dossier.Metadata, error) {
	var m dossier.Metadata
	err := json.NewDecoder(body).Decode(&m)
	return m, err
}

// formOrDefault is the form as sent, to show again with its errors.
func (f *pageForm) formOrDefault(u *UI) *metaForm {
	if f != nil && f.meta != nil {
		return f.meta
	}
	kind := u.kinds()[0]
	if f != nil && f.values["kind"] != "" {
		kind = f.values["kind"]
	}
	mf, ok := u.metaForm(kind)
	if !ok {
		mf, _ = u.metaForm(u.kinds()[0])
	}
	if f != nil {
		mf.read(func(name string) string { return f.values[name] })
	}
	return mf
}
