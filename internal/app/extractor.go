package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"dossier/internal/textract"
)

// extractorInfo is a gauge that is always 1 and names in its labels the PDF
// text extractor and the OCR state, so that a dashboard or an alert can see a
// replica that reads PDFs without pdftotext.
func extractorInfo(i textract.Info) prometheus.Collector {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "dossier_text_extractor_info",
		Help: "The PDF text extractor in use (pdftotext or pure-go), its version and the OCR state; always 1.",
	}, []string{"extractor", "version", "ocr"})
	g.WithLabelValues(i.PDF, i.PDFVersion, i.OCR).Set(1)
	return g
}

// logExtractor says at start-up how files will be read. It warns when a tool
// is missing: without pdftotext the pure-Go reader finds no text in some
// ordinary PDFs, whose documents are then found by their metadata only, and
// OCR asked for without tesseract (or pdftoppm) reads fewer files than asked.
func (a *App) logExtractor() {
	i := a.Extractor.Info()
	attrs := []any{"pdf", i.PDF, "pdf_version", i.PDFVersion, "ocr", i.OCR, "tools", a.Extractor.Tools()}
	if i.PDF != "pdftotext" || i.OCR == "unavailable" || i.OCR == "images" {
		a.Logger.Warn("text extraction is degraded: install poppler-utils (and tesseract-ocr for OCR)", attrs...)
		return
	}
	a.Logger.Info("text extraction", attrs...)
}
