package httpapi

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/documents"
	"dossier/internal/dossier"
)

// documentView is a document as the API shows it.
type documentView struct {
	dossier.Document
	AllowedEvents []string `json:"allowed_events"`
}

func (h *handlers) getDocument(c echo.Context) error {
	u, _ := currentUser(c)
	d, allowed, err := h.Engine.Document(c.Request().Context(), u, c.Param("id"))
	if err != nil {
		return err
	}
	return documentJSON(c, http.StatusOK, d, allowed)
}

// listDocuments reads the filters as the /documents page does; the
// service checks them and names a bad parameter.
func (h *handlers) listDocuments(c echo.Context) error {
	limit, err := intParam(c, "limit", 50, 1, 200)
	if err != nil {
		return err
	}
	f := documents.FilterOf(c.QueryParams())
	f.Limit = limit
	docs, next, err := h.Documents.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": docs, "next_cursor": next})
}

func (h *handlers) patchDocument(c echo.Context) error {
	version, err := ifMatchVersion(c)
	if err != nil {
		return err
	}
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" &&
		!strings.HasPrefix(ct, "application/merge-patch+json") && !strings.HasPrefix(ct, "application/json") {
		return dossier.Errorf(dossier.EUnsupportedMedia, "send the patch as application/merge-patch+json, not %s", ct)
	}
	body, err := readJSONBody(c.Request().Body)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	d, err := h.Documents.Patch(c.Request().Context(), u, c.Param("id"), version, body)
	if err != nil {
		return err
	}
	return h.documentResponse(c, http.StatusOK, u, d)
}

func (h *handlers) listVersions(c echo.Context) error {
	files, err := h.Documents.Versions(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": files})
}

type linkRequest struct {
	TargetID string           `json:"target_id"`
	Relation dossier.Relation `json:"relation"`
}

func (h *handlers) addLink(c echo.Context) error {
	var req linkRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	l, err := h.Documents.Link(c.Request().Context(), u, c.Param("id"), req.TargetID, req.Relation)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, l)
}

func (h *handlers) listLinks(c echo.Context) error {
	links, err := h.Documents.Links(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": links})
}

// content serves the bytes of a file version; http.ServeContent answers
// Range, If-Range and If-None-Match against the content's sha256 ETag.
func (h *handlers) content(c echo.Context) error {
	version, err := intParam(c, "version", 0, 1, 1<<30)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	if c.Request().Method == http.MethodHead {
		return h.contentHead(c, version)
	}
	content, err := h.Documents.OpenContent(c.Request().Context(), u, c.Param("id"), version, c.QueryParam("rendition"))
	if err != nil {
		return err
	}
	content.Serve(&rangeProblems{ResponseWriter: c.Response()}, c.Request(), "inline")
	return nil
}

// contentHead answers HEAD on the original file with the headers GET would
// send, without reading the bytes or recording a download.
func (h *handlers) contentHead(c echo.Context, version int) error {
	if r := c.QueryParam("rendition"); r != "" && r != "original" {
		return dossier.Errorf(dossier.EInvalid, "rendition=%s: HEAD answers for the original file only", dossier.Clip(r))
	}
	f, err := h.Documents.FileInfo(c.Request().Context(), c.Param("id"), version)
	if err != nil {
		return err
	}
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentType, f.MediaType)
	hdr.Set(echo.HeaderContentLength, strconv.FormatInt(f.Size, 10))
	hdr.Set("ETag", fmt.Sprintf(`"%s"`, f.SHA256))
	hdr.Set("Accept-Ranges", "bytes")
	hdr.Set(echo.HeaderLastModified, f.CreatedAt.UTC().Format(http.TimeFormat))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set(echo.HeaderContentDisposition, mime.FormatMediaType("inline", map[string]string{"filename": f.Filename}))
	c.Response().WriteHeader(http.StatusOK)
	return nil
}

// rangeProblems turns the text/plain 416 that http.ServeContent writes for
// an unsatisfiable Range into a problem+json body, as every error is.
type rangeProblems struct {
	http.ResponseWriter
	refused bool
}

func (w *rangeProblems) WriteHeader(status int) {
	if status != http.StatusRequestedRangeNotSatisfiable {
		w.ResponseWriter.WriteHeader(status)
		return
	}
	w.refused = true
	body, _ := json.Marshal(Problem{Type: "range_not_satisfiable", Title: http.StatusText(status), Status: status,
		Detail: "the Range is outside the file: Content-Range says its size"})
	h := w.Header()
	h.Set(echo.HeaderContentType, "application/problem+json")
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	w.ResponseWriter.WriteHeader(status)
	_, _ = w.ResponseWriter.Write(body)
}

func (w *rangeProblems) Write(b []byte) (int, error) {
	if w.refused {
		return len(b), nil // ServeContent's own text/plain message
	}
	return w.ResponseWriter.Write(b)
}
