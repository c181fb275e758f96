// Package preview renders the pages of a document's PDF as PNG images on the
// server, so that a document can be read in any browser and on a phone
// without a PDF viewer. Images are cached on disk under the content hash of the
// file they come from: a file version never changes, so a cached page is
// never stale, and the cache can be deleted at any time.
package preview

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"

	"golang.org/x/sync/singleflight"

	"dossier/internal/blob"
	"dossier/internal/dossier"
	"dossier/internal/media"
	"dossier/internal/textract"
)

// Widths bound the sizes a page is rendered at, and so the cache: a request
// is rounded up to the next of them.
var Widths = []int{400, 800, 1200, 1600}

// DefaultWidth suits a page read on a laptop screen.
const DefaultWidth = 800

// Files tells which file version a document's page comes from.
type Files interface {
	FileInfo(ctx context.Context, id string, version int) (dossier.FileVersion, error)
}

// Renderer renders page n of the PDF at path, width pixels wide, to
// prefix+".png" (textract.Extractor).
type Renderer interface {
	RenderPage(ctx context.Context, path string, n, width int, prefix string) (string, error)
}

// Service renders and caches page images.
type Service struct {
	files    Files
	blobs    blob.Store
	renderer Renderer
	dir      string // the cache
	tmp      string // spooled PDFs
	flight   singleflight.Group
	slots    chan struct{} // bounds the renderers running at once
	max      int64         // the cache's limit in bytes (see bound.go)

	mu       sync.Mutex
	size     int64 // the cache's size as counted, -1 before it is measured
	trimming bool
}

// New returns a service caching pages under dir, at most about maxBytes of
// them (DefaultCacheBytes when maxBytes is 0).
func New(files Files, blobs blob.Store, r Renderer, dir, tmp string, maxBytes int64) *Service {
	if maxBytes <= 0 {
		maxBytes = DefaultCacheBytes
	}
	return &Service{files: files, blobs: blobs, renderer: r, dir: dir, tmp: tmp,
		slots: make(chan struct{}, runtime.GOMAXPROCS(0)), max: maxBytes, size: -1}
}

// Page is a rendered page image.
type Page struct {
	Path  string              // the PNG in the cache
	File  dossier.FileVersion // the file version it shows
	Width int                 // the width it was rendered at
}

// ETag names the image for HTTP caches.
func (p Page) ETag() string {
	return fmt.Sprintf(`"%s-%d-%d"`, p.File.SHA256, p.File.Version, p.Width)
}

// Page returns page n (from 1) of the document's file version (0 = current),
// rendered at the smallest of Widths that is at least width.
func (s *Service) Page(ctx context.Context, id string, version, n, width int) (Page, error) {
	f, err := s.files.FileInfo(ctx, id, version)
	if err != nil {
		return Page{}, err
	}
	if f.MediaType != media.PDF {
		return Page{}, dossier.Errorf(dossier.EUnsupportedMedia,
			"version %d of %s is %s: previews are made of PDF files; download the file instead", f.Version, id, f.MediaType)
	}
	if n < 1 || n > f.PageCount {
		return Page{}, dossier.Errorf(dossier.ENotFound, "page %d of version %d of %s: the file has %d pages", n, f.Version, id, f.PageCount)
	}
	p := Page{File: f, Width: roundWidth(width)}
	p.Path = filepath.Join(s.dir, f.SHA256[:2], f.SHA256+"-"+strconv.Itoa(n)+"-"+strconv.Itoa(p.Width)+".png")
	if fi, err := os.Stat(p.Path); err == nil {
		touch(p.Path, fi)
		return p, nil
	}
	// Two readers of the same page wait for one rendering.
	_, err, _ = s.flight.Do(p.Path, func() (any, error) { return nil, s.render(ctx, f.SHA256, n, p.Width, p.Path) })
	if err != nil {
		return Page{}, fmt.Errorf("preview %s version %d page %d: %w", id, f.Version, n, err)
	}
	return p, nil
}

// render makes the image at dest: the PDF is spooled to a local file, the
// page rendered beside it and moved into the cache whole, so that a reader
// never sees half an image.
func (s *Service) render(ctx context.Context, sha string, n, width int, dest string) error {
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	case <-ctx.Done():
		return ctx.Err()
	}
	if _, err := os.Stat(dest); err == nil { // rendered while this one waited
		return nil
	}
	pdf, err := blob.Spool(ctx, s.blobs, sha, s.tmp)
	if errors.Is(err, blob.ErrUnavailable) {
		return fmt.Errorf("%w: %w", dossier.Errorf(dossier.EUnavailable, "the object store is unavailable: try again later"), err)
	}
	if err != nil {
		return err
	}
	defer blob.RemoveTemp(pdf)
	img, err := s.renderer.RenderPage(ctx, pdf.Name(), n, width, pdf.Name()+"-page")
	if errors.Is(err, textract.ErrNoRenderer) {
		return dossier.Errorf(dossier.EUnavailable, "page previews are not available on this server: %v; download the file instead", err)
	}
	if err != nil {
		return err
	}
	defer os.Remove(img) // left behind only when the rename failed
	if err := os.MkdirAll(filepath.Dir(dest), 0o750); err != nil {
		return err
	}
	if err := os.Rename(img, dest); err != nil {
		return err
	}
	s.added(dest)
	return nil
}

func roundWidth(w int) int {
	if w <= 0 {
		return DefaultWidth
	}
	for _, c := range Widths {
		if w <= c {
			return c
		}
	}
	return Widths[len(Widths)-1]
}

// Serve writes the image as the answer to r, with its ETag (so a matching
// If-None-Match gets 304) and the given Cache-Control.
func (p Page) Serve(w http.ResponseWriter, r *http.Request, cacheControl string) error {
	f, err := os.Open(p.Path)
	if err != nil {
		return fmt.Errorf("open cached page: %w", err)
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", "image/png")
	h.Set("ETag", p.ETag())
	h.Set("Cache-Control", cacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", p.File.CreatedAt, f)
	return nil
}
