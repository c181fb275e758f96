package httpapi_test

import (
	"bytes"
	"fmt"
	"image/png"
	"net/http"
	"path/filepath"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/pdf/pdftest"
)

// A page of a PDF comes back as a PNG of the width asked for (rounded up to a
// cached size), the same bytes again from the cache, 304 on its ETag; a page
// past the end, a file that is no PDF and a bad number are refused with what
// to do instead.
func TestDocumentPages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		doc := b.upload(t, "three.pdf", pdftest.Make(t, 3, "Rahmenvertrag page text"), poMetadata(t, nil))

		get := func(path string, headers ...string) *http.Response {
			return b.Do(t, http.MethodGet, "/api/v1/documents/"+doc.ID+path, b.admin, nil, headers...)
		}
		resp := get("/pages/2?width=500")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("page 2: %d %s", resp.StatusCode, b.Body(t, resp))
		}
		first := b.Body(t, resp)
		img, err := png.Decode(bytes.NewReader(first))
		if err != nil {
			t.Fatalf("page 2 is not a PNG: %v", err)
		}
		if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != 800 || h <= w {
			t.Errorf("page 2 is %dx%d; want 800 wide (500 rounded up) and taller than wide", w, h)
		}
		cached, _ := filepath.Glob(filepath.Join(b.Config.DataDir, "cache", "pages", "*", "*-2-800.png"))
		if len(cached) != 1 {
			t.Errorf("cache holds %v; want one image of page 2 at 800", cached)
		}

		again := get("/pages/2?width=800&version=1")
		if body := b.Body(t, again); !bytes.Equal(body, first) || again.Header.Get("Cache-Control") != "private, max-age=31536000, immutable" {
			t.Errorf("page 2 of version 1: %d bytes, Cache-Control %q; want the cached image, immutable",
				len(body), again.Header.Get("Cache-Control"))
		}
		if r := get("/pages/2", "If-None-Match", again.Header.Get("ETag")); r.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match with the ETag: %d, want 304", r.StatusCode)
		}
		if p := b.RequireProblem(t, get("/pages/4"), http.StatusNotFound); !bytes.Contains([]byte(p.Detail), []byte("3 pages")) {
			t.Errorf("page 4: detail %q; want it to say the file has 3 pages", p.Detail)
		}
		b.RequireProblem(t, get("/pages/0"), http.StatusBadRequest)
		b.RequireProblem(t, get("/pages/x"), http.StatusBadRequest)
		b.RequireProblem(t, get("/pages/1?width=-3"), http.StatusBadRequest)

		txt := b.upload(t, "note.txt", []byte("plain text, no pages\n"), poMetadata(t, map[string]any{"number": "4500099999"}))
		resp = b.Do(t, http.MethodGet, "/api/v1/documents/"+txt.ID+"/pages/1", b.admin, nil)
		b.RequireProblem(t, resp, http.StatusUnsupportedMediaType)
		b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/documents/01JNOSUCHDOCUMENT000000000/pages/1", b.admin, nil), http.StatusNotFound)
		// Text extraction may still be spooling the same file; page images are the renderer's own.
		if left, _ := filepath.Glob(filepath.Join(b.Config.DataDir, "tmp", "*-page*")); len(left) != 0 {
			t.Errorf("rendering left %s in the temporary directory", fmt.Sprint(left))
		}
	})
}
