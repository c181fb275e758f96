package media_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"dossier/internal/media"
)

func TestSanitizeFilename(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"invoice.pdf", "invoice.pdf"},
		{"../../etc/passwd", "passwd"},
		{`..\..\boot.ini`, "boot.ini"},
		{"a/b/c.pdf", "c.pdf"},
		{`C:\Users\me\Desktop\PO 4711.pdf`, "PO 4711.pdf"},
		{"/absolute/path/", "file"},
		{"..", "file"},
		{".", "file"},
		{"", "file"},
		{"...", "file"},
		{".bashrc", "bashrc"},
		{"..hidden.pdf", "hidden.pdf"},
		{"name\x00.pdf", "name.pdf"},
		{"evil\x00/../x.pdf", "x.pdf"},
		{"line\nbreak\r.pdf", "linebreak.pdf"},
		{"tab\there.pdf", "tabhere.pdf"},
		{"ideographic\u3000space.pdf", "ideographic space.pdf"},
		{"  many   spaces \u00a0 here .pdf", "many spaces here .pdf"},
		{"quote\"s<and>pipes|?*.pdf", "quotesandpipes.pdf"},
		{"report (final) [v2] #3.pdf", "report (final) [v2] #3.pdf"},
		{"Größe_Prüfbericht.pdf", "Größe_Prüfbericht.pdf"},
		{"株式会社 注文書.pdf", "株式会社 注文書.pdf"},
		{"Café.docx", "Café.docx"}, // combining accent kept
		{"invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"bad\xff\xfeutf8.txt", "badutf8.txt"},
		{"$(rm -rf).pdf", "(rm -rf).pdf"},
		{"%2e%2e%2fetc.pdf", "2e2e2fetc.pdf"},
	}
	for _, tc := range cases {
		got := media.SanitizeFilename(tc.in)
		if got != tc.want {
			t.Errorf("SanitizeFilename(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if again := media.SanitizeFilename(got); again != got {
			t.Errorf("SanitizeFilename is not idempotent on %q: %q", got, again)
		}
	}
}

func TestSanitizeFilenameLength(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in string
		wantExt  string
	}{
		{"ascii", strings.Repeat("a", 300) + ".pdf", ".pdf"},
		{"multi-byte cut", strings.Repeat("ä", 150) + ".xlsx", ".xlsx"},
		{"no extension", strings.Repeat("b", 300), ""},
		{"dot far from the end is no extension", "x." + strings.Repeat("c", 300), ""},
		{"cut before a space", strings.Repeat("d", 195) + "     e" + strings.Repeat("f", 100) + ".txt", ".txt"},
	}
	for _, tc := range cases {
		got := media.SanitizeFilename(tc.in)
		if len(got) > media.MaxFilenameLen {
			t.Errorf("%s: %d bytes, limit %d", tc.name, len(got), media.MaxFilenameLen)
		}
		if !utf8.ValidString(got) {
			t.Errorf("%s: cut inside a character: %q", tc.name, got)
		}
		if tc.wantExt != "" && !strings.HasSuffix(got, tc.wantExt) {
			t.Errorf("%s: %q lost its extension %s", tc.name, got, tc.wantExt)
		}
		if strings.HasSuffix(strings.TrimSuffix(got, tc.wantExt), " ") {
			t.Errorf("%s: %q ends its stem with a space", tc.name, got)
		}
		if len(got) < media.MaxFilenameLen-8 {
			t.Errorf("%s: %q cut too short (%d bytes)", tc.name, got, len(got))
		}
	}
}
