package textract

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"dossier/internal/media"
	dpdf "dossier/internal/pdf"
	"dossier/internal/pdf/pdftest"
)

// needTool returns the path of a tool the test needs. CI must have it (a
// skipped test there would hide a broken image); elsewhere a missing tool
// skips the test.
func needTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI: %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
	return path
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// pdfcpuReady makes sure pdfcpu will not create a config directory under
// $HOME before a test uses it directly. Only internal/pdf may switch that off
// (calling api.DisableConfigDir here too would race with its once), and its
// Inspect does so on first use.
func pdfcpuReady(t testing.TB) {
	t.Helper()
	if _, err := dpdf.Inspect(context.Background(), bytes.NewReader(pdftest.Make(t, 1, "x"))); err != nil {
		t.Fatal(err)
	}
}

// pdfOfPages makes a PDF with one page per text ("" is an empty page):
// pdftest.Make writes the same text on every page, so single pages are merged.
func pdfOfPages(t testing.TB, texts ...string) []byte {
	t.Helper()
	pdfcpuReady(t)
	var in []io.ReadSeeker
	for _, text := range texts {
		in = append(in, bytes.NewReader(pdftest.Make(t, 1, text)))
	}
	var out bytes.Buffer
	if err := api.MergeRaw(in, &out, false, model.NewDefaultConfiguration()); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// extractors are the two PDF paths every PDF test runs through.
func extractors(t *testing.T) map[string]func(t *testing.T) *Extractor {
	return map[string]func(t *testing.T) *Extractor{
		"pdftotext": func(t *testing.T) *Extractor {
			return &Extractor{PDFToText: needTool(t, "pdftotext")}
		},
		"pure Go": func(*testing.T) *Extractor { return &Extractor{} },
	}
}

func TestPDFOnePagePerPage(t *testing.T) {
	t.Parallel()
	words := []string{"Aardvark", "Bluebell", "Cormorant"}
	path := writeFile(t, "three.pdf", pdfOfPages(t, words...))
	for name, newExtractor := range extractors(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			pages, err := newExtractor(t).Extract(context.Background(), path, media.PDF)
			if err != nil {
				t.Fatal(err)
			}
			if len(pages) != len(words) {
				t.Fatalf("got %d pages %q, want %d", len(pages), pages, len(words))
			}
			for i, page := range pages {
				for j, w := range words {
					if got := strings.Contains(page, w); got != (i == j) {
						t.Errorf("page %d %q: contains %q = %v", i+1, page, w, got)
					}
				}
			}
		})
	}
}

// The PDF as pdftest writes it (a classic cross-reference table, the same
// text on every page) is read too, not only pdfcpu's layout.
func TestPDFClassicLayout(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "classic.pdf", pdftest.Make(t, 2, "Quarterly invoice 4711\nsecond line"))
	for name, newExtractor := range extractors(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			pages, err := newExtractor(t).Extract(context.Background(), path, media.PDF)
			if err != nil {
				t.Fatal(err)
			}
			if len(pages) != 2 || !strings.Contains(pages[1], "invoice 4711") || !strings.Contains(pages[1], "second line") {
				t.Errorf("pages = %q, want 2 pages with the text", pages)
			}
		})
	}
}

func TestPDFEmptyPageKeepsItsPlace(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "gap.pdf", pdfOfPages(t, "Before", "", "After"))
	for name, newExtractor := range extractors(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			pages, err := newExtractor(t).Extract(context.Background(), path, media.PDF)
			if err != nil {
				t.Fatal(err)
			}
			if len(pages) != 3 || !strings.Contains(pages[0], "Before") || pages[1] != "" || !strings.Contains(pages[2], "After") {
				t.Errorf("pages = %q, want [Before, \"\", After]", pages)
			}
		})
	}
}

func TestCorruptPDF(t *testing.T) {
	t.Parallel()
	valid := pdftest.Make(t, 1, "x")
	path := writeFile(t, "corrupt.pdf", append([]byte("%PDF-1.4\n"), valid[len(valid)/2:]...))

	t.Run("pdftotext", func(t *testing.T) {
		t.Parallel()
		e := &Extractor{PDFToText: needTool(t, "pdftotext")}
		pages, err := e.Extract(context.Background(), path, media.PDF)
		if err == nil || !strings.Contains(err.Error(), "pdftotext") || !strings.Contains(err.Error(), media.PDF) {
			t.Fatalf("Extract = %q, %v; want an error naming pdftotext and %s", pages, err, media.PDF)
		}
	})
	t.Run("pure Go", func(t *testing.T) {
		t.Parallel()
		pages, err := (&Extractor{}).Extract(context.Background(), path, media.PDF)
		if err == nil || !strings.Contains(err.Error(), "pure-Go PDF reader") {
			t.Fatalf("Extract = %q, %v; want an error naming the pure-Go reader", pages, err)
		}
	})
}

func TestPDFToTextCancelledContext(t *testing.T) {
	t.Parallel()
	e := &Extractor{PDFToText: needTool(t, "pdftotext")}
	path := writeFile(t, "a.pdf", pdftest.Make(t, 1, "words"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	pages, err := e.Extract(ctx, path, media.PDF)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "pdftotext") {
		t.Fatalf("Extract = %q, %v; want context.Canceled from pdftotext", pages, err)
	}
}

func TestFallbackCancelledContext(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "a.pdf", pdftest.Make(t, 1, "words"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if pages, err := (&Extractor{}).Extract(ctx, path, media.PDF); !errors.Is(err, context.Canceled) {
		t.Fatalf("Extract = %q, %v; want context.Canceled", pages, err)
	}
}

// A tool that hangs is killed when the context ends, not waited for: the
// stand-in pdftotext sleeps far longer than the test's deadline.
func TestRunningToolStopsAtDeadline(t *testing.T) {
	t.Parallel()
	fake := writeFile(t, "pdftotext", []byte("#!/bin/sh\nexec sleep 300\n"))
	if err := os.Chmod(fake, 0o700); err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, "a.pdf", pdftest.Make(t, 1, "words"))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := (&Extractor{PDFToText: fake}).Extract(ctx, path, media.PDF)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "pdftotext") {
		t.Fatalf("err = %v; want the deadline, naming pdftotext", err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("Extract returned after %s; the tool was not stopped", d)
	}
}

func TestPDFToTextOutputIsBounded(t *testing.T) {
	t.Parallel()
	e := &Extractor{PDFToText: needTool(t, "pdftotext"), limit: 16}
	path := writeFile(t, "a.pdf", pdftest.Make(t, 3, "more than sixteen bytes of text on each page"))
	if _, err := e.Extract(context.Background(), path, media.PDF); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("err = %v; want the output limit", err)
	}
}

func TestTools(t *testing.T) {
	t.Parallel()
	pdftotext := needTool(t, "pdftotext")
	e := New(false, t.TempDir())
	if e.PDFToText != pdftotext {
		t.Errorf("PDFToText = %q, want %q", e.PDFToText, pdftotext)
	}
	if got := e.Tools(); !regexp.MustCompile(`^pdftotext \d+\.\d+[.\d]*; ocr off$`).MatchString(got) {
		t.Errorf("Tools() = %q, want pdftotext's version and ocr off", got)
	}
	for _, tc := range []struct {
		e    *Extractor
		want string
	}{
		{&Extractor{}, "pdftotext not found: pure-Go PDF reader; ocr off"},
		{&Extractor{OCR: true}, "tesseract not found"},
		{&Extractor{OCR: true, Tesseract: "/opt/t"}, "tesseract at /opt/t (images only: pdftoppm not found)"},
	} {
		if got := tc.e.Tools(); !strings.Contains(got, tc.want) {
			t.Errorf("Tools() = %q, want it to contain %q", got, tc.want)
		}
	}
}

// FuzzFallback feeds the pure-Go reader broken PDFs: whatever the bytes, it
// returns (an error, as a rule) and never panics.
func FuzzFallback(f *testing.F) {
	f.Add(pdftest.Make(f, 2, "fuzz seed"))
	f.Add(pdfOfPages(f, "one", "two"))
	f.Add([]byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		pages, err := readPDF(ctx, bytes.NewReader(data))
		if err == nil && (len(pages) < 1 || len(pages) > maxPages) {
			t.Fatalf("%d pages without an error", len(pages))
		}
	})
}
