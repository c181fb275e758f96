package preview_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dossier/internal/blob"
	blobfs "dossier/internal/blob/fs"
	"dossier/internal/dossier"
	"dossier/internal/media"
	"dossier/internal/pdf/pdftest"
	"dossier/internal/preview"
	"dossier/internal/textract"
)

// oneFile is the Files of a single document whose current version is f.
type oneFile struct{ f dossier.FileVersion }

func (o oneFile) FileInfo(context.Context, string, int) (dossier.FileVersion, error) { return o.f, nil }

// counting counts the renderings that reach the real renderer.
type counting struct {
	preview.Renderer
	n atomic.Int32
}

func (c *counting) RenderPage(ctx context.Context, path string, n, width int, prefix string) (string, error) {
	c.n.Add(1)
	return c.Renderer.RenderPage(ctx, path, n, width, prefix)
}

// stored puts a two-page PDF in a file store and returns the store and its
// file version.
func stored(t *testing.T) (blob.Store, dossier.FileVersion) {
	t.Helper()
	blobs, err := blobfs.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := blobs.Stage(ctx, bytes.NewReader(pdftest.Make(t, 2, "Tooling invoice")))
	if err != nil {
		t.Fatal(err)
	}
	if err := blobs.Promote(ctx, s); err != nil {
		t.Fatal(err)
	}
	return blobs, dossier.FileVersion{DocumentID: "D1", Version: 1, SHA256: s.SHA256, MediaType: media.PDF, PageCount: 2}
}

// needRenderer skips a test without pdftoppm, or fails it under CI.
func needRenderer(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftoppm is not installed: CI must render pages (the README's test command installs poppler-utils)")
		}
		t.Skip("pdftoppm is not installed (the README's test command installs poppler-utils)")
	}
}

// Readers of a page that is not cached yet wait for one rendering, and the
// next reader is served from the cache.
func TestConcurrentReadersRenderOnce(t *testing.T) {
	t.Parallel()
	needRenderer(t)
	blobs, f := stored(t)
	r := &counting{Renderer: textract.New(false, t.TempDir())}
	s := preview.New(oneFile{f}, blobs, r, t.TempDir(), t.TempDir(), 0)
	var wg sync.WaitGroup
	paths := make([]string, 8)
	for i := range paths {
		wg.Go(func() {
			p, err := s.Page(context.Background(), "D1", 0, 1, 0)
			if err != nil {
				t.Error(err)
				return
			}
			paths[i] = p.Path
		})
	}
	wg.Wait()
	if _, err := s.Page(context.Background(), "D1", 0, 1, 0); err != nil {
		t.Fatal(err)
	}
	if got := r.n.Load(); got != 1 {
		t.Errorf("page 1 was rendered %d times for 9 readers; want once", got)
	}
	for _, p := range paths {
		if p != paths[0] || filepath.Ext(p) != ".png" {
			t.Fatalf("readers got %q; want one cached PNG", paths)
		}
	}
}

// Without pdftoppm a preview is unavailable, and the message says why and
// what to do instead.
func TestNoRendererIsUnavailable(t *testing.T) {
	t.Parallel()
	blobs, f := stored(t)
	s := preview.New(oneFile{f}, blobs, &textract.Extractor{}, t.TempDir(), t.TempDir(), 0)
	_, err := s.Page(context.Background(), "D1", 0, 1, 0)
	if dossier.ErrorCode(err) != dossier.EUnavailable || !bytes.Contains([]byte(dossier.ErrorMessage(err)), []byte("pdftoppm")) {
		t.Fatalf("err = %v; want unavailable naming pdftoppm", err)
	}
}

// The cache keeps to its limit: once over it, the pages read least recently
// go, and a page read lately stays however old its rendering.
func TestCacheKeepsToItsLimit(t *testing.T) {
	t.Parallel()
	needRenderer(t)
	blobs, f := stored(t)
	dir, tmp := t.TempDir(), t.TempDir()
	x := textract.New(false, t.TempDir())
	page := func(s *preview.Service, n, width int) string {
		t.Helper()
		p, err := s.Page(context.Background(), "D1", 0, n, width)
		if err != nil {
			t.Fatal(err)
		}
		return p.Path
	}
	roomy := preview.New(oneFile{f}, blobs, x, dir, tmp, 1<<40)
	var total int64
	var old []string
	for i, pw := range [][2]int{{1, 400}, {1, 800}, {2, 400}} {
		path := page(roomy, pw[0], pw[1])
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		total += fi.Size()
		rendered := time.Now().Add(-time.Duration(3-i) * time.Hour) // 3h, 2h and 1h ago
		if err := os.Chtimes(path, rendered, rendered); err != nil {
			t.Fatal(err)
		}
		old = append(old, path)
	}

	full := preview.New(oneFile{f}, blobs, x, dir, tmp, total)
	if got := page(full, 1, 400); got != old[0] { // read again: now the most recent
		t.Fatalf("a cached page came from %s, want %s", got, old[0])
	}
	added := page(full, 2, 800) // over the limit: the least recently read go
	for _, c := range []struct {
		path string
		kept bool
	}{{old[0], true}, {old[1], false}, {added, true}} {
		if _, err := os.Stat(c.path); (err == nil) != c.kept {
			t.Errorf("%s kept %t, want %t", filepath.Base(c.path), err == nil, c.kept)
		}
	}
	var left int64
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			fi, _ := d.Info()
			left += fi.Size()
		}
		return nil
	})
	if left > total {
		t.Errorf("the cache holds %d bytes, over its limit of %d", left, total)
	}
}
