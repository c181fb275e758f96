package pdf_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"dossier/internal/dossier"
	"dossier/internal/pdf"
	"dossier/internal/pdf/pdftest"
)

func TestInspectPageCount(t *testing.T) {
	t.Parallel()
	for _, pages := range []int{1, 2, 7, 40} {
		b := pdftest.Make(t, pages, "Purchase order 4711")
		info, err := pdf.Inspect(context.Background(), bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%d pages: %v", pages, err)
		}
		if info.Pages != pages {
			t.Errorf("Pages = %d, want %d", info.Pages, pages)
		}
	}
	if model.ConfigPath != "disable" {
		t.Errorf("pdfcpu config dir not disabled: ConfigPath = %q", model.ConfigPath)
	}
}

// A PDF as pdfcpu itself writes it (object streams, a cross-reference stream)
// is read too, not only the classic layout of pdftest.
func TestInspectPDFWrittenByPdfcpu(t *testing.T) {
	t.Parallel()
	in := pdftest.Make(t, 3, "x")
	// Inspecting first also switches pdfcpu's config dir off before this test
	// uses pdfcpu directly; calling api.DisableConfigDir here would race with
	// the other tests' reads of the setting.
	if _, err := pdf.Inspect(context.Background(), bytes.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	conf := model.NewDefaultConfiguration()
	conf.WriteObjectStream, conf.WriteXRefStream = true, true
	var out bytes.Buffer
	if err := api.Optimize(bytes.NewReader(in), &out, conf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out.Bytes(), []byte("/XRef")) {
		t.Fatal("pdfcpu did not write a cross-reference stream; the test checks nothing new")
	}
	info, err := pdf.Inspect(context.Background(), bytes.NewReader(out.Bytes()))
	if err != nil || info.Pages != 3 {
		t.Errorf("Inspect = %+v, %v; want 3 pages", info, err)
	}
}

func TestInspectRejects(t *testing.T) {
	t.Parallel()
	valid := pdftest.Make(t, 4, "LC 12345")
	cases := []struct {
		name   string
		input  []byte
		reason string // a part of pdfcpu's reason
	}{
		{"truncated in half", valid[:len(valid)/2], "page"},
		{"header only", valid[:9], "header"},
		{"garbage after a PDF header", []byte("%PDF-1.7\nthis is not a PDF at all\n%%EOF\n"), "root"},
		{"empty", nil, ""},
		{"not a PDF", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ""},
		{"no pages", bytes.Replace(valid, []byte("/Count 4"), []byte("/Count 0"), 1), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			info, err := pdf.Inspect(context.Background(), bytes.NewReader(tc.input))
			var e *dossier.Error
			if !errors.As(err, &e) || e.Code != dossier.EUnprocessable {
				t.Fatalf("Inspect = %+v, %v; want a 422 *dossier.Error", info, err)
			}
			reason, ok := strings.CutPrefix(e.Message, "the PDF cannot be read: ")
			if !ok || strings.TrimSpace(reason) == "" {
				t.Errorf("message %q does not give pdfcpu's reason", e.Message)
			}
			if !strings.Contains(reason, tc.reason) {
				t.Errorf("reason %q does not mention %q", reason, tc.reason)
			}
		})
	}
}

func TestInspectCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := pdf.Inspect(ctx, bytes.NewReader(pdftest.Make(t, 1, "x")))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Inspect = %v, want context.Canceled", err)
	}
}

// The reader may have been read already (by the hasher or the sniffer);
// Inspect starts from the beginning regardless.
func TestInspectRewinds(t *testing.T) {
	t.Parallel()
	r := bytes.NewReader(pdftest.Make(t, 2, "x"))
	if _, err := r.Seek(100, 0); err != nil {
		t.Fatal(err)
	}
	if info, err := pdf.Inspect(context.Background(), r); err != nil || info.Pages != 2 {
		t.Errorf("Inspect = %+v, %v; want 2 pages", info, err)
	}
}

func FuzzInspect(f *testing.F) {
	valid := pdftest.Make(f, 2, "Fuzz (seed) \\ text")
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add(valid[:len(valid)-40])
	f.Add(bytes.Replace(valid, []byte("/Count 2"), []byte("/Count 9"), 1))
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"))
	f.Add([]byte("%PDF-"))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := pdf.Inspect(context.Background(), bytes.NewReader(b))
		if err == nil {
			if info.Pages < 1 {
				t.Fatalf("accepted a PDF with %d pages", info.Pages)
			}
			return
		}
		var e *dossier.Error
		if !errors.As(err, &e) || e.Code != dossier.EUnprocessable {
			t.Fatalf("Inspect error %v is not a 422 *dossier.Error", err)
		}
	})
}
