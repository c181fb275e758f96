package textract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ledongthuc/pdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	dpdf "dossier/internal/pdf"
)

// maxPages bounds the pages the pure-Go reader walks: far more than any real
// document, far fewer than a crafted page tree can claim.
const maxPages = 100_000

// pdf extracts one string per page, empty pages included, so that page i of
// the text is page i of the document. Pages without a text layer are OCRed
// when OCR is available.
func (e *Extractor) pdf(ctx context.Context, path string) ([]string, error) {
	var pages []string
	var err error
	if e.PDFToText != "" {
		pages, err = e.pdftotext(ctx, path)
	} else {
		pages, err = fallback(ctx, path)
	}
	if err != nil || !e.ocrPages() {
		return pages, err
	}
	return e.ocrEmptyPages(ctx, path, pages)
}

// pdftotext runs without -layout: reading order, not the visual columns,
// keeps the words of a sentence together for phrase search and snippets.
func (e *Extractor) pdftotext(ctx context.Context, path string) ([]string, error) {
	out, err := e.run(ctx, e.PDFToText, "-enc", "UTF-8", argPath(path), "-")
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	// pdftotext ends every page, the last one too, with a form feed.
	text := strings.TrimSuffix(string(out), "\f")
	return strings.Split(text, "\f"), nil
}

// fallback reads the PDF with the pure-Go reader. Neither it nor pdfcpu takes
// a context, and a crafted file can keep them busy for long, so the work runs
// in a goroutine the caller stops waiting for at the deadline; the goroutine
// then finishes on its own, holding nothing the caller still uses.
func fallback(ctx context.Context, path string) ([]string, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, toolTimeout, errTimeout)
	defer cancel()
	type result struct {
		pages []string
		err   error
	}
	done := make(chan result, 1) // buffered: an abandoned goroutine must not block
	go func() {
		pages, err := readPDFFile(ctx, path)
		done <- result{pages, err}
	}()
	select {
	case r := <-done:
		return r.pages, r.err
	case <-ctx.Done():
		if errors.Is(context.Cause(ctx), errTimeout) {
			return nil, fmt.Errorf("pure-Go PDF reader: timed out after %s: %w", toolTimeout, ctx.Err())
		}
		return nil, fmt.Errorf("pure-Go PDF reader: %w", ctx.Err())
	}
}

func readPDFFile(ctx context.Context, path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readPDF(ctx, f)
}

// readPDF is the pure-Go extraction proper. The PDF is first rewritten by
// pdfcpu (which intake already trusts with every upload) into a plain layout:
// one cross-reference table, no object streams. The text reader recurses
// without bound on an object stream that contains itself, a stack overflow
// that no recover can catch and that would end the whole server; in a file
// pdfcpu wrote there is no such thing. The reader's ordinary panics on
// malformed input become errors.
func readPDF(ctx context.Context, rs io.ReadSeeker) (pages []string, err error) {
	defer func() {
		if p := recover(); p != nil {
			pages, err = nil, fmt.Errorf("pure-Go PDF reader: malformed PDF: %v", p)
		}
	}()
	// Inspect first: it also switches off pdfcpu's config directory, once,
	// before the configuration below is made.
	if _, err := dpdf.Inspect(ctx, rs); err != nil {
		return nil, fmt.Errorf("pure-Go PDF reader: %w", err)
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	conf.WriteObjectStream, conf.WriteXRefStream = false, false
	var plain bytes.Buffer
	if err := api.Optimize(rs, &plain, conf); err != nil {
		return nil, fmt.Errorf("pure-Go PDF reader: rewrite: %w", err)
	}

	doc, err := pdf.NewReader(bytes.NewReader(plain.Bytes()), int64(plain.Len()))
	if err != nil {
		return nil, fmt.Errorf("pure-Go PDF reader: %w", err)
	}
	leaves, err := pageTree(doc)
	if err != nil {
		return nil, fmt.Errorf("pure-Go PDF reader: %w", err)
	}
	pages = make([]string, len(leaves))
	var firstErr error
	failed := 0
	for i, leaf := range leaves {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("pure-Go PDF reader: %w", err)
		}
		text, err := pdf.Page{V: leaf.page}.GetPlainText(leaf.fonts())
		if err != nil {
			// One unreadable page should not cost the document the text of
			// the others; only a document with no readable page is an error.
			failed++
			if firstErr == nil {
				firstErr = fmt.Errorf("pure-Go PDF reader: page %d: %w", i+1, err)
			}
			continue
		}
		pages[i] = text
	}
	if failed == len(leaves) {
		return nil, firstErr
	}
	return pages, nil
}

// leaf is a page with the resources it inherits.
type leaf struct {
	page, resources pdf.Value
}

// fonts gives GetPlainText the page's fonts. Without them the library looks
// them up itself by following /Parent links, which loops forever on a
// crafted file whose page is its own parent.
func (l leaf) fonts() map[string]*pdf.Font {
	fonts := map[string]*pdf.Font{}
	dict := l.resources.Key("Font")
	for _, name := range dict.Keys() {
		fonts[name] = &pdf.Font{V: dict.Key(name)}
	}
	return fonts
}

// pageTree lists the pages in document order. It walks the tree itself
// rather than trusting the library's Page(n) and the file's /Count: both loop
// or lie on a crafted tree (a /Kids entry pointing back up), and objects
// cannot be compared to spot the cycle, so the walk is bounded instead.
func pageTree(doc *pdf.Reader) ([]leaf, error) {
	const maxDepth = 64 // real trees are a handful of levels deep
	budget := 2 * maxPages
	var leaves []leaf
	var walk func(node, resources pdf.Value, depth int) error
	walk = func(node, resources pdf.Value, depth int) error {
		if budget--; budget < 0 || depth > maxDepth {
			return errors.New("page tree too large, too deep or cyclic")
		}
		if r := node.Key("Resources"); !r.IsNull() {
			resources = r
		}
		kids := node.Key("Kids")
		typ := node.Key("Type").Name()
		if typ == "Page" || typ != "Pages" && kids.Kind() != pdf.Array {
			if len(leaves) == maxPages {
				return fmt.Errorf("more than %d pages", maxPages)
			}
			leaves = append(leaves, leaf{node, resources})
			return nil
		}
		for i := range kids.Len() {
			if kid := kids.Index(i); kid.Kind() == pdf.Dict {
				if err := walk(kid, resources, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	root := doc.Trailer().Key("Root").Key("Pages")
	if root.Kind() != pdf.Dict {
		return nil, errors.New("no page tree")
	}
	if err := walk(root, pdf.Value{}, 0); err != nil {
		return nil, err
	}
	if len(leaves) == 0 {
		return nil, errors.New("no pages")
	}
	return leaves, nil
}

// ocrEmptyPages OCRs each page whose text is only whitespace: that is what a
// scanned page looks like to a text extractor.
func (e *Extractor) ocrEmptyPages(ctx context.Context, path string, pages []string) ([]string, error) {
	var dir string
	for i, p := range pages {
		if strings.TrimSpace(p) != "" {
			continue
		}
		if dir == "" {
			var err error
			if dir, err = os.MkdirTemp(e.TempDir, "ocr-*"); err != nil {
				return nil, fmt.Errorf("ocr: %w", err)
			}
			defer os.RemoveAll(dir)
		}
		text, err := e.ocrPage(ctx, path, i+1, dir)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", i+1, err)
		}
		pages[i] = text
	}
	return pages, nil
}

// ocrPage renders one page at 200 dpi, enough for tesseract on office text,
// and OCRs the image. The crop (-W, -H) bounds the image of a page whose
// forged size would otherwise make pdftoppm allocate gigabytes; it still
// holds an A1 page whole.
func (e *Extractor) ocrPage(ctx context.Context, path string, n int, dir string) (string, error) {
	prefix := filepath.Join(dir, "page-"+strconv.Itoa(n))
	num := strconv.Itoa(n)
	_, err := e.run(ctx, e.PDFToPPM, "-r", "200", "-f", num, "-l", num, "-W", "7000", "-H", "7000",
		"-png", "-singlefile", argPath(path), prefix)
	if err != nil {
		return "", err
	}
	img := prefix + ".png"
	defer os.Remove(img) // a long scan would otherwise fill the disk first
	return e.ocrImage(ctx, img)
}

// ocrImage OCRs an image file. Tesseract ends each image (each frame of a
// TIFF) with a form feed; a non-PDF file is one page, so frames become lines.
func (e *Extractor) ocrImage(ctx context.Context, path string) (string, error) {
	out, err := e.run(ctx, e.Tesseract, argPath(path), "stdout")
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(string(out), "\f", "\n"), nil
}
