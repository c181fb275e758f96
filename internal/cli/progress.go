package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress is a bar on standard error for a long command: drawn on a
// terminal, silent otherwise (a log file or a pipe wants the report, not
// a thousand redraws).
type progress struct {
	bar *progressbar.ProgressBar
	w   io.Writer
}

// newProgress starts a bar up to total; bytes shows sizes and a rate
// instead of a count.
func newProgress(w io.Writer, total int64, what string, bytes bool) *progress {
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(what),
		progressbar.OptionSetVisibility(isTerminal(w)), progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowElapsedTimeOnFinish(), progressbar.OptionFullWidth(),
	}
	if bytes {
		opts = append(opts, progressbar.OptionShowBytes(true), progressbar.OptionShowTotalBytes(true), progressbar.OptionUseIECUnits(true))
	} else {
		opts = append(opts, progressbar.OptionShowCount(), progressbar.OptionShowIts())
	}
	return &progress{bar: progressbar.NewOptions64(total, opts...), w: w}
}

// Add moves the bar on by n.
func (p *progress) Add(n int64) { _ = p.bar.Add64(n) }

// Set puts the bar at n.
func (p *progress) Set(n int64) { _ = p.bar.Set64(n) }

// Done ends the bar's line, so that what follows starts on its own.
func (p *progress) Done() {
	if !isTerminal(p.w) {
		return
	}
	_ = p.bar.Finish()
	fmt.Fprintln(p.w)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
