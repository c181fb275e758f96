package textract

import (
	"regexp"
	"testing"
)

func TestInfo(t *testing.T) {
	t.Parallel()
	needTool(t, "pdftotext")
	if got := New(false, t.TempDir()).Info(); got.PDF != "pdftotext" || got.OCR != "off" ||
		!regexp.MustCompile(`^\d+\.\d+[.\d]*$`).MatchString(got.PDFVersion) {
		t.Errorf("Info() with pdftotext installed = %+v, want pdftotext, its version, ocr off", got)
	}
	for _, tc := range []struct {
		e    *Extractor
		want Info
	}{
		{&Extractor{}, Info{PDF: "pure-go", OCR: "off"}},
		{&Extractor{PDFToText: "/opt/pdftotext"}, Info{PDF: "pdftotext", OCR: "off"}},
		{&Extractor{OCR: true}, Info{PDF: "pure-go", OCR: "unavailable"}},
		{&Extractor{OCR: true, Tesseract: "/opt/t"}, Info{PDF: "pure-go", OCR: "images"}},
		{&Extractor{OCR: true, Tesseract: "/opt/t", PDFToPPM: "/opt/p"}, Info{PDF: "pure-go", OCR: "on"}},
	} {
		if got := tc.e.Info(); got != tc.want {
			t.Errorf("%+v.Info() = %+v, want %+v", tc.e, got, tc.want)
		}
	}
}
