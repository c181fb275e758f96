package textract

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"

	"dossier/internal/media"
	"dossier/internal/pdf/pdftest"
)

// script writes an executable shell script standing in for a tool.
func script(t *testing.T, name, body string) string {
	t.Helper()
	path := writeFile(t, name, []byte("#!/bin/sh\n"+body))
	if err := os.Chmod(path, 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

// The OCR plumbing, with stand-ins for pdftoppm and tesseract so that it is
// proven on every machine: only the page without text is rendered, with the
// arguments that render exactly that page, and its OCR text takes its place.
func TestOCRFillsPagesWithoutText(t *testing.T) {
	t.Parallel()
	argsFile := filepath.Join(t.TempDir(), "args")
	// pdftoppm's last argument is the output prefix; -singlefile adds ".png".
	ppm := script(t, "pdftoppm", `echo "$@" >> `+argsFile+`
for last; do :; done
echo image > "$last.png"
`)
	tess := script(t, "tesseract", `test -s "$1" || exit 1
printf 'Scanned   receipt\n\f'
`)
	path := writeFile(t, "scan.pdf", pdfOfPages(t, "Typed", "", "Printed"))
	e := &Extractor{OCR: true, Tesseract: tess, PDFToPPM: ppm, TempDir: t.TempDir()} // pure-Go reader: no poppler needed
	pages, err := e.Extract(context.Background(), path, media.PDF)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Typed", "Scanned receipt", "Printed"}
	if len(pages) != 3 || pages[0] != want[0] || pages[1] != want[1] || pages[2] != want[2] {
		t.Errorf("pages = %q, want %q", pages, want)
	}
	args, err := os.ReadFile(argsFile)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(string(args)), "\n"); len(lines) != 1 ||
		!strings.Contains(lines[0], "-r 200 -f 2 -l 2 ") || !strings.Contains(lines[0], "-png") {
		t.Errorf("pdftoppm ran with %q; want one run rendering page 2 at 200 dpi", lines)
	}
	if left, _ := os.ReadDir(e.TempDir); len(left) != 0 {
		t.Errorf("OCR left %d entries in TempDir", len(left))
	}
}

func TestOCRToolFailureNamesTool(t *testing.T) {
	t.Parallel()
	tess := script(t, "tesseract", "echo 'Error in pixReadStream' >&2; exit 1\n")
	path := writeFile(t, "photo.png", []byte("not really a png"))
	e := &Extractor{OCR: true, Tesseract: tess}
	_, err := e.Extract(context.Background(), path, media.PNG)
	if err == nil || !strings.Contains(err.Error(), "tesseract") || !strings.Contains(err.Error(), media.PNG) ||
		!strings.Contains(err.Error(), "pixReadStream") {
		t.Fatalf("err = %v; want tesseract's failure with the media type", err)
	}
}

func TestImagesWithoutOCRHaveNoPages(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "photo.png", []byte("\x89PNG\r\n\x1a\n"))
	for _, e := range []*Extractor{
		{},
		{OCR: true}, // asked for, but tesseract is missing
	} {
		for _, typ := range []string{media.PNG, media.JPEG, media.TIFF} {
			if pages, err := e.Extract(context.Background(), path, typ); pages != nil || err != nil {
				t.Errorf("OCR %v, %s: Extract = %q, %v; want nil, nil", e.OCR, typ, pages, err)
			}
		}
	}
}

// Real OCR. Tesseract is optional (DOSSIER_OCR), so this test skips without
// it even in CI. The scan is made by rendering a pdftest page with pdftoppm
// and then wrapping the image in a PDF that has no text layer.
func TestOCRWithTesseract(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"tesseract", "pdftoppm", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: OCR is optional", tool)
		}
	}
	e := New(true, t.TempDir())
	dir := t.TempDir()
	src := writeFile(t, "typed.pdf", pdftest.Make(t, 1, "Invoice number 4711 for Acme"))
	if out, err := exec.Command(e.PDFToPPM, "-r", "200", "-png", "-singlefile", src, filepath.Join(dir, "scan")).CombinedOutput(); err != nil {
		t.Fatalf("render: %v: %s", err, out)
	}
	img := filepath.Join(dir, "scan.png")

	pages, err := e.Extract(context.Background(), img, media.PNG)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || !strings.Contains(pages[0], "Invoice number 4711") {
		t.Errorf("image: pages = %q, want the invoice text", pages)
	}

	pngBytes, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	pdfcpuReady(t)
	var scanned bytes.Buffer
	if err := api.ImportImages(nil, &scanned, []io.Reader{bytes.NewReader(pngBytes)}, nil, nil); err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, "scanned.pdf", scanned.Bytes())
	if pages, err := (&Extractor{PDFToText: e.PDFToText}).Extract(context.Background(), path, media.PDF); err != nil ||
		len(pages) != 1 || pages[0] != "" {
		t.Fatalf("without OCR: pages = %q, %v; want one empty page, or the test proves nothing", pages, err)
	}
	pages, err = e.Extract(context.Background(), path, media.PDF)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || !strings.Contains(pages[0], "Acme") {
		t.Errorf("scanned PDF: pages = %q, want the invoice text", pages)
	}
}
