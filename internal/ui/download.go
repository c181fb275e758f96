package ui

import (
	"errors"
	"io"
	"mime/multipart"
	"strconv"

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
	content, err := u.Documents.OpenContent(c.Request().Context(), usr, c.Param("id"), version, c.QueryParam("rendition"))
	if err != nil {
		return err
	}
	content.Serve(c.Response(), c.Request(), "attachment")
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
