// Package textract turns a stored file into the text that search indexes, one
// string per page. PDFs go through pdftotext (poppler-utils) when it is
// installed, because it reads far more real-world PDFs correctly than any
// pure-Go reader, and through a pure-Go reader otherwise so that a machine
// without poppler still indexes something. Word and Excel files are read from
// their XML, plain text as it is, and, when OCR is on, scanned pages and images
// go through tesseract.
//
// Every file comes from an upload, so every step is bounded: tools run under a
// deadline with a cap on their output, archives are refused when an entry
// would inflate past a limit, and each page of text is cut at 1 MiB.
package textract

import (
	"context"
	"fmt"
	"mime"
	"os/exec"
	"strings"
	"time"

	"dossier/internal/media"
)

const (
	// toolTimeout bounds one run of an external tool (and the pure-Go reader):
	// a PDF crafted to make pdftotext spin must not hold a job worker forever.
	toolTimeout = 2 * time.Minute
	// maxOutput bounds what is read into memory from one tool run, a text
	// file or the XML of an Office file, so a hostile file cannot exhaust it.
	maxOutput = 64 << 20
	// maxPage is the most text kept per page: more is not a page a person
	// wrote, and the search index stores every byte.
	maxPage = 1 << 20
	// maxEntry is the largest uncompressed zip entry read from an Office file.
	maxEntry = 64 << 20
)

// Extractor turns a file into text, one string per page (a non-PDF file is one
// page). The zero value extracts PDFs with the pure-Go reader and never OCRs.
type Extractor struct {
	// PDFToText is the path of pdftotext; "" uses the pure-Go reader.
	PDFToText string
	// OCR runs tesseract on PDF pages without a text layer and on images
	// (DOSSIER_OCR=1). It needs Tesseract, and PDFToPPM to render PDF pages.
	OCR       bool
	Tesseract string
	// PDFToPPM renders PDF pages, for OCR and for the page previews.
	PDFToPPM string
	// TempDir holds the rendered page images while they are OCRed; "" is the
	// system's temporary directory.
	TempDir string

	versions map[string]string // tool path → version, for Tools
	limit    int64             // output cap; 0 = maxOutput (tests lower it)
}

// New looks the tools up on PATH. It never fails: a missing tool means a
// fallback (or no OCR), which Tools reports for the start-up log, because a
// search without the text of a few scans beats a service that does not start.
func New(ocr bool, tempDir string) *Extractor {
	e := &Extractor{OCR: ocr, TempDir: tempDir, versions: map[string]string{}}
	e.PDFToText = e.find("pdftotext", "-v")
	e.PDFToPPM = e.find("pdftoppm", "-v")
	if ocr {
		e.Tesseract = e.find("tesseract", "--version")
	}
	return e
}

// find returns the path of a tool on PATH ("" when absent) and remembers its
// version.
func (e *Extractor) find(name, versionFlag string) string {
	path, err := exec.LookPath(name)
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Poppler prints its version on stderr, tesseract on stdout; either way
	// the version is the first number on the first line.
	out, _ := exec.CommandContext(ctx, path, versionFlag).CombinedOutput()
	first, _, _ := strings.Cut(string(out), "\n")
	for _, f := range strings.Fields(first) {
		if f[0] >= '0' && f[0] <= '9' {
			e.versions[path] = f
			break
		}
	}
	return path
}

// Tools describes what extraction will use, e.g. "pdftotext 22.12.0; ocr off".
func (e *Extractor) Tools() string {
	var b strings.Builder
	if e.PDFToText == "" {
		b.WriteString("pdftotext not found: pure-Go PDF reader")
	} else {
		b.WriteString(e.describe("pdftotext", e.PDFToText))
	}
	switch {
	case !e.OCR:
		b.WriteString("; ocr off")
	case e.Tesseract == "":
		b.WriteString("; ocr on but tesseract not found: scans and images get no text")
	case e.PDFToPPM == "":
		b.WriteString("; ocr: " + e.describe("tesseract", e.Tesseract) + " (images only: pdftoppm not found)")
	default:
		b.WriteString("; ocr: " + e.describe("tesseract", e.Tesseract) + ", " + e.describe("pdftoppm", e.PDFToPPM))
	}
	return b.String()
}

// Info names what extraction uses, for the start-up log and the metrics.
type Info struct {
	// PDF is "pdftotext", or "pure-go" when pdftotext is not installed.
	PDF string
	// PDFVersion is pdftotext's version; "" for the pure-Go reader, or when
	// pdftotext did not print one.
	PDFVersion string
	// OCR is "off", "on", "images" (pdftoppm is missing, so no PDF pages) or
	// "unavailable" (asked for, but tesseract is missing).
	OCR string
}

// Info reports the PDF text extractor in use and what OCR can do.
func (e *Extractor) Info() Info {
	i := Info{PDF: "pure-go", OCR: "off"}
	if e.PDFToText != "" {
		i.PDF, i.PDFVersion = "pdftotext", e.versions[e.PDFToText]
	}
	switch {
	case !e.OCR:
	case e.Tesseract == "":
		i.OCR = "unavailable"
	case e.PDFToPPM == "":
		i.OCR = "images"
	default:
		i.OCR = "on"
	}
	return i
}

func (e *Extractor) describe(name, path string) string {
	if v := e.versions[path]; v != "" {
		return name + " " + v
	}
	return name + " at " + path // set by hand, or its version did not print
}

// ocrImages and ocrPages say whether OCR can run at all: OCR asked for but
// without its tools degrades to no OCR rather than to failing jobs.
func (e *Extractor) ocrImages() bool { return e.OCR && e.Tesseract != "" }
func (e *Extractor) ocrPages() bool  { return e.ocrImages() && e.PDFToPPM != "" }

// Extract reads the file at path of the given media type (as media.Sniff
// recorded it). The text is normalised: valid UTF-8, no NUL or other control
// characters except \n and \t, whitespace runs collapsed, each page at most
// 1 MiB. A type without text (an image when OCR is off, or any type Dossier
// does not read) gives no pages and no error. A failing or timed-out tool is
// an error naming the tool and the media type, so the job can be retried.
func (e *Extractor) Extract(ctx context.Context, path, mediaType string) ([]string, error) {
	base, params, err := mime.ParseMediaType(mediaType)
	if err != nil {
		// A malformed parameter must not hide a type we know.
		before, _, _ := strings.Cut(mediaType, ";")
		base, params = strings.ToLower(strings.TrimSpace(before)), nil
	}
	var pages []string
	switch base {
	case media.PDF:
		pages, err = e.pdf(ctx, path)
	case "text/plain":
		pages, err = e.text(path, params["charset"])
	case media.DOCX:
		pages, err = e.office(ctx, path, isDocumentXML)
	case media.XLSX:
		pages, err = e.office(ctx, path, isSheetXML)
	case media.PNG, media.JPEG, media.TIFF:
		if !e.ocrImages() {
			return nil, nil
		}
		var text string
		text, err = e.ocrImage(ctx, path)
		pages = []string{text}
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("extract text of %s (%s): %w", path, mediaType, err)
	}
	for i, p := range pages {
		pages[i] = normalize(p)
	}
	return pages, nil
}

func (e *Extractor) outputLimit() int64 {
	if e.limit > 0 {
		return e.limit
	}
	return maxOutput
}
