package evidence

import (
	"strings"
	"testing"
)

// TestSafeName: a name from the database becomes one harmless path element
// of the archive, whatever it holds.
func TestSafeName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"invoice.pdf":           "invoice.pdf",
		"../../etc/passwd":      "_.._etc_passwd",
		`C:\docs\scan.png`:      "C__docs_scan.png",
		"..":                    "file",
		"":                      "file",
		"bell\a\nname.txt":      "bell__name.txt",
		".hidden":               "hidden",
		"Lieferschein über.pdf": "Lieferschein über.pdf",
	} {
		if got := safeName(in); got != want {
			t.Errorf("safeName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := safeName(strings.Repeat("é", 300) + ".pdf"); len([]rune(got)) != 120 || !strings.HasSuffix(got, ".pdf") {
		t.Errorf("a long name became %q (%d runes), want its last 120 runes", got, len([]rune(got)))
	}
}
