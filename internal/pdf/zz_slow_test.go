package pdf_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"dossier/internal/pdf"
	"dossier/internal/pdf/pdftest"
)

func FuzzSlow(f *testing.F) {
	valid := pdftest.Make(f, 2, "Fuzz (seed) \\ text")
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Fuzz(func(t *testing.T, b []byte) {
		start := time.Now()
		pdf.Inspect(context.Background(), bytes.NewReader(b))
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("slow: %v", d)
		}
	})
}
