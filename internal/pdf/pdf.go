// Package pdf wraps pdfcpu for what Dossier needs of a PDF at intake: is it a
// PDF that can be read, and how many pages does it have. It turns every pdfcpu
// failure, a panic included, into a 422 that carries pdfcpu's reason, because
// an upload must never take the server down.
package pdf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"dossier/internal/dossier"
)

// Info is what Inspect learns about a PDF.
type Info struct {
	Pages int
}

// noConfigDir makes pdfcpu use its built-in configuration. Otherwise its first
// use creates a config directory with fonts under $HOME, which a service
// account may not have and which no deployment should depend on. It runs on
// first use, not in init(), so importing the package changes nothing.
var noConfigDir sync.Once

func configuration() *model.Configuration {
	noConfigDir.Do(api.DisableConfigDir)
	conf := model.NewDefaultConfiguration()
	// Relaxed: real-world PDFs from scanners and ERP systems break the letter
	// of the spec in harmless ways; refusing them would refuse real documents.
	conf.ValidationMode = model.ValidationRelaxed
	conf.Cmd = model.VALIDATE
	return conf
}

// Inspect reads and validates the PDF in r and counts its pages. A PDF that
// pdfcpu cannot read is an *dossier.Error with code EUnprocessable whose
// message is "the PDF cannot be read: " and pdfcpu's reason.
//
// pdfcpu takes no context, so ctx is only checked before the work starts; the
// caller bounds the input size, which bounds the time.
func Inspect(ctx context.Context, r io.ReadSeeker) (info Info, err error) {
	if err := ctx.Err(); err != nil {
		return Info{}, fmt.Errorf("inspect pdf: %w", err)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return Info{}, fmt.Errorf("inspect pdf: rewind: %w", err)
	}
	defer func() {
		// pdfcpu recovers most of its own failures, but not all: an index out
		// of range on a crafted file is still a panic.
		if p := recover(); p != nil {
			info, err = Info{}, unreadable(fmt.Errorf("%v", p))
		}
	}()
	pdfCtx, err := api.ReadAndValidate(r, configuration())
	if err != nil {
		return Info{}, unreadable(err)
	}
	if pdfCtx.PageCount < 1 {
		return Info{}, unreadable(errors.New("the document has no pages"))
	}
	return Info{Pages: pdfCtx.PageCount}, nil
}

// unreadable makes the 422 for a PDF that pdfcpu rejects. pdfcpu wraps its
// reasons in the names of its internal steps ("read context: ..."), which mean
// nothing to the person who uploaded the file, so those prefixes go.
func unreadable(err error) *dossier.Error {
	reason := err.Error()
	for _, prefix := range []string{"read context: ", "validation error: "} {
		reason = strings.TrimPrefix(reason, prefix)
	}
	return dossier.Errorf(dossier.EUnprocessable, "the PDF cannot be read: %s", reason)
}
