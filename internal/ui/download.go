package ui

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"dossier/internal/documents"
	"dossier/internal/dossier"
)

// download serves the original of a file version or the stamped
// rendition, as GET /api/v1/documents/{id}/content does.
func (u *UI) download(c echo.Context) error {
	usr, _ := u.currentUser(c)
	version := 0
	if v := c.QueryParam("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return dossier.Errorf(dossier.EInvalid, "version=%s is not a version number", dossier.Clip(v))
		}
		version = n
	}
	var rc io.ReadSeekCloser
	var name, mediaType string
	var modified time.Time
	switch c.QueryParam("rendition") {
	case "", "original":
		f, r, err := u.Documents.Open(c.Request().Context(), usr, c.Param("id"), version)
		if err != nil {
			return err
		}
		rc, name, mediaType, modified = r, f.Filename, f.MediaType, f.CreatedAt
	case documents.RenditionStamped:
		rd, r, err := u.Documents.OpenRendition(c.Request().Context(), usr, c.Param("id"), documents.RenditionStamped)
		if err != nil {
			return err
		}
		rc, name, mediaType, modified = r, fmt.Sprintf("stamped-%s.pdf", rd.DocumentID), "application/pdf", rd.CreatedAt
	default:
		return dossier.Errorf(dossier.EInvalid, "rendition=%s: use original or stamped", dossier.Clip(c.QueryParam("rendition")))
	}
	defer rc.Close()
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, mediaType)
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	http.ServeContent(c.Response(), c.Request(), "", modified, rc)
	return nil
}

// versionForm is a documents.Form of the new-version form: its one file.
type versionForm struct {
	mr   *multipart.Reader
	part *multipart.Part
}

func (f *versionForm) Next() (name, filename string, body io.Reader, err error) {
	if f.part != nil {
		f.part.Close()
	}
	for {
		part, err := f.mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", "", nil, io.EOF
		}
		if err != nil {
			return "", "", nil, dossier.Errorf(dossier.EInvalid, "the form broke off: %v", err)
		}
		f.part = part
		if part.FormName() == documents.PartFile && part.FileName() != "" {
			return part.FormName(), part.FileName(), part, nil
		}
	}
}

func (f *versionForm) Metadata(io.Reader) (dossier.Metadata, error) {
	return dossier.Metadata{}, dossier.Errorf(dossier.EInvalid, "a new version takes a file only")
}
