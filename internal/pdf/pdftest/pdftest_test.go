package pdftest_test

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"

	"dossier/internal/pdf"
	"dossier/internal/pdf/pdftest"
)

func TestMakeIsValid(t *testing.T) {
	t.Parallel()
	for _, pages := range []int{1, 3, 12} {
		b := pdftest.Make(t, pages, "x")
		info, err := pdf.Inspect(context.Background(), bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%d pages: pdfcpu rejects the file: %v", pages, err)
		}
		if info.Pages != pages {
			t.Errorf("Pages = %d, want %d", info.Pages, pages)
		}
	}
	if !bytes.Equal(pdftest.Make(t, 2, "same"), pdftest.Make(t, 2, "same")) {
		t.Error("Make is not deterministic")
	}
}

// The text must come back out, since search tests rely on extraction.
// pdftotext is optional on a developer machine, so the test skips without it.
func TestMakeTextIsExtractable(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext is not installed")
	}
	text := "Tooling invoice (TI-2026/17) for Größe 5 at 12500.00 € \\ paid\nsecond line " +
		strings.Repeat("wrapped ", 30)
	cmd := exec.Command(bin, "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdftest.Make(t, 2, text))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	got := string(out)
	for _, want := range []string{"Tooling invoice (TI-2026/17) for Größe 5 at 12500.00 € \\ paid", "second line wrapped"} {
		if c := strings.Count(got, want); c != 2 {
			t.Errorf("pdftotext found %q %d times, want once per page; output:\n%s", want, c, got)
		}
	}
	if c := strings.Count(got, "wrapped"); c != 60 {
		t.Errorf("%d of 60 wrapped words extracted", c)
	}
}
