package textract

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
)

// ErrNoRenderer is returned by RenderPage when pdftoppm is not installed.
var ErrNoRenderer = errors.New("pdftoppm is not installed (Debian package poppler-utils)")

// RenderPage renders page n of the PDF at path as a PNG width pixels wide, to
// prefix+".png", and returns that path. The crop (-H) bounds the image of a
// page whose forged proportions would otherwise make pdftoppm allocate
// gigabytes; it still holds an A4 or letter page whole.
func (e *Extractor) RenderPage(ctx context.Context, path string, n, width int, prefix string) (string, error) {
	if e.PDFToPPM == "" {
		return "", ErrNoRenderer
	}
	num, w := strconv.Itoa(n), strconv.Itoa(width)
	_, err := e.run(ctx, e.PDFToPPM, "-f", num, "-l", num, "-scale-to-x", w, "-scale-to-y", "-1",
		"-W", w, "-H", strconv.Itoa(3*width), "-png", "-singlefile", argPath(path), argPath(prefix))
	if err != nil {
		return "", err
	}
	return filepath.Clean(prefix + ".png"), nil
}
