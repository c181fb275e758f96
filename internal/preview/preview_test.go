package preview_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

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

// Readers of a page that is not cached yet wait for one rendering, and the
// next reader is served from the cache.
func TestConcurrentReadersRenderOnce(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftoppm is not installed: CI must render pages (the README's test command installs poppler-utils)")
		}
		t.Skip("pdftoppm is not installed (the README's test command installs poppler-utils)")
	}
	blobs, f := stored(t)
	r := &counting{Renderer: textract.New(false, t.TempDir())}
	s := preview.New(oneFile{f}, blobs, r, t.TempDir(), t.TempDir())
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
	s := preview.New(oneFile{f}, blobs, &textract.Extractor{}, t.TempDir(), t.TempDir())
	_, err := s.Page(context.Background(), "D1", 0, 1, 0)
	if dossier.ErrorCode(err) != dossier.EUnavailable || !bytes.Contains([]byte(dossier.ErrorMessage(err)), []byte("pdftoppm")) {
		t.Fatalf("err = %v; want unavailable naming pdftoppm", err)
	}
}
