// Package pdftest makes real, valid PDF files for tests of the packages that
// take uploads. The files are written by hand rather than with pdfcpu so that
// they are small, deterministic and independent of the code under test, and
// each page draws its text with a standard font so that pdftotext (or any
// extractor) can read it back.
package pdftest

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// Make returns a valid PDF of pages A4 pages, each showing text in Helvetica.
// Newlines in text start new lines and long lines are wrapped; characters
// outside Latin-1 (and the euro sign) are drawn as "?".
func Make(t testing.TB, pages int, text string) []byte {
	t.Helper()
	if pages < 1 {
		t.Fatalf("pdftest.Make: %d pages: a PDF needs at least one", pages)
	}
	w := &writer{}
	w.buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n") // binary comment: marks the file as binary for transfer tools

	// Object numbers: 1 catalog, 2 page tree, 3 font, then a page and its
	// content stream per page.
	kids := make([]string, pages)
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 4+2*i)
	}
	w.object("<< /Type /Catalog /Pages 2 0 R >>")
	w.object(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), pages))
	w.object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	content := pageContent(text)
	for i := range pages {
		w.object(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "+
			"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i))
		w.object(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	}
	return w.finish()
}

// writer lays out numbered objects and remembers where each starts, because
// the cross-reference table must give exact byte offsets.
type writer struct {
	buf     bytes.Buffer
	offsets []int
}

func (w *writer) object(body string) {
	w.offsets = append(w.offsets, w.buf.Len())
	fmt.Fprintf(&w.buf, "%d 0 obj\n%s\nendobj\n", len(w.offsets), body)
}

func (w *writer) finish() []byte {
	xref := w.buf.Len()
	fmt.Fprintf(&w.buf, "xref\n0 %d\n0000000000 65535 f \n", len(w.offsets)+1)
	for _, off := range w.offsets {
		fmt.Fprintf(&w.buf, "%010d 00000 n \n", off) // each entry is exactly 20 bytes
	}
	fmt.Fprintf(&w.buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(w.offsets)+1, xref)
	return w.buf.Bytes()
}

// pageContent draws the lines of text from the top left of the page.
func pageContent(text string) string {
	var b strings.Builder
	b.WriteString("BT\n/F1 12 Tf\n14 TL\n72 770 Td\n")
	for i, line := range wrap(text, 80) {
		if i > 0 {
			b.WriteString("T*\n")
		}
		b.WriteString("(" + escape(line) + ") Tj\n")
	}
	b.WriteString("ET")
	return b.String()
}

// wrap splits text into lines of at most width runes, breaking at spaces
// where it can, so that the text stays on the page.
func wrap(text string, width int) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := []rune{}
		for _, word := range strings.Fields(para) {
			w := []rune(word)
			if len(line) > 0 && len(line)+1+len(w) > width {
				lines = append(lines, string(line))
				line = line[:0]
			}
			for len(w) > width {
				lines = append(lines, string(w[:width]))
				w = w[width:]
			}
			if len(line) > 0 {
				line = append(line, ' ')
			}
			line = append(line, w...)
		}
		lines = append(lines, string(line))
	}
	return lines
}

// escape writes a line as the body of a PDF literal string in WinAnsi
// encoding: the delimiters are escaped and non-ASCII bytes written in octal so
// that the content stream stays 7-bit.
func escape(line string) string {
	var b strings.Builder
	for _, r := range line {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r == '€':
			b.WriteString(`\200`)
		case r >= 0xa0 && r <= 0xff:
			fmt.Fprintf(&b, `\%03o`, r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
