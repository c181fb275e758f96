package textract

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"dossier/internal/media"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, want string
	}{
		{"clean text stays", "Invoice 4711\nAcme\tLtd", "Invoice 4711\nAcme\tLtd"},
		{"NUL and controls go", "In\x00voi\x07ce\x1b 47\x7f11", "Invoice 4711"},
		{"invalid UTF-8 is replaced once per run", "caf\xe9\xff bar", "caf\ufffd bar"},
		{"separate invalid runs each replaced", "a\xffb\xfec", "a\ufffdb\ufffdc"},
		{"space runs collapse", "a  \t \u00a0 b", "a b"},
		{"line breaks collapse", "a \r\n\r\n  \n b", "a\nb"},
		{"form feed is a line break", "a\fb", "a\nb"},
		{"ends are trimmed", "\n\t  a b \n\n", "a b"},
		{"byte order mark goes", "\ufeffTitle", "Title"},
		{"only whitespace is empty", " \n\t\r ", ""},
		{"C1 control goes", "a\u0080b", "ab"},
	} {
		if got := normalize(tc.in); got != tc.want {
			t.Errorf("%s: normalize(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestNormalizeCutsAtRuneBoundary(t *testing.T) {
	t.Parallel()
	// "é" is two bytes; with an odd prefix, the limit falls inside one.
	in := "x" + strings.Repeat("é", maxPage)
	got := normalize(in)
	if len(got) > maxPage || len(got) < maxPage-utf8.UTFMax {
		t.Errorf("len = %d, want just under %d", len(got), maxPage)
	}
	if !utf8.ValidString(got) {
		t.Error("cut inside a rune")
	}
}

func TestPlainText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, mediaType string
		data            []byte
		want            string
	}{
		{"utf-8 with junk", media.Text, []byte("Lieferschein\x00 Nr.\x01 12\xc3\x28 \r\nMüller   GmbH\n\n\n"),
			"Lieferschein Nr. 12\ufffd(\nMüller GmbH"},
		{"latin-1", "text/plain; charset=iso-8859-1", []byte("M\xfcller Stra\xdfe"), "Müller Straße"},
		{"utf-16le with BOM", "text/plain; charset=utf-16le", []byte{0xff, 0xfe, 'O', 0, 'K', 0, ' ', 0, 0xac, 0x20}, "OK €"},
		{"utf-16be", "text/plain; charset=utf-16be", []byte{0, 'O', 0, 'K'}, "OK"},
		{"malformed parameter", "text/plain; charset", []byte("still read"), "still read"},
		{"empty file", media.Text, nil, ""},
	} {
		path := writeFile(t, "note.txt", tc.data)
		pages, err := (&Extractor{}).Extract(context.Background(), path, tc.mediaType)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if len(pages) != 1 || pages[0] != tc.want {
			t.Errorf("%s: pages = %q, want [%q]", tc.name, pages, tc.want)
		}
	}
}

func TestUnknownTypeHasNoPages(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "x.bin", []byte("MZ\x90\x00"))
	for _, typ := range []string{"application/octet-stream", "text/html", "", "application/zip"} {
		if pages, err := (&Extractor{}).Extract(context.Background(), path, typ); pages != nil || err != nil {
			t.Errorf("%q: Extract = %q, %v; want nil, nil", typ, pages, err)
		}
	}
}

func TestMissingFileIsAnError(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{media.PDF, media.Text, media.DOCX} {
		if _, err := (&Extractor{}).Extract(context.Background(), "/nonexistent/file", typ); err == nil ||
			!strings.Contains(err.Error(), typ) {
			t.Errorf("%s: err = %v; want an error naming the type", typ, err)
		}
	}
}
