package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/font"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Footer is what the stamped rendition shows at the bottom of every page.
type Footer struct {
	State      string    // e.g. "approved"
	DocumentID string    // the document's id in Dossier
	SHA256     string    // of the original file, hex
	Approvals  []string  // one per approval, e.g. "L1 Anna Approver 2026-11-25"
	At         time.Time // when the rendition was made; shown in UTC
}

// The footer's look. Helvetica is one of the 14 standard fonts every viewer
// has, so nothing is embedded; 7 points is small enough to stay out of the
// way and large enough to read on paper.
const (
	footerFont   = "Helvetica"
	footerPoints = 7
	// footerMargin is the distance, in points, from the left and the bottom
	// edge of the page: about the unprintable border of an office printer.
	footerMargin = 28
	// footerWidth is what a line may take: the narrower of A4 (595 pt) and
	// Letter (612 pt), less the margin on either side. Landscape pages only
	// have more room.
	footerWidth = 595 - 2*footerMargin
	// indent starts the continuation of a wrapped line, so a reader sees
	// where one entry ends.
	indent = "    "
)

// footerDesc configures pdfcpu's text stamp (see pdfcpu's stamp
// documentation for the syntax): on the bottom left corner at a fixed size
// whatever the page size, upright, opaque and black. Absolute scale matters:
// pdfcpu's default scales the text relative to the page width, which would
// make the footer of a landscape page larger than that of a portrait page.
var footerDesc = fmt.Sprintf("fontname:%s, points:%d, position:bl, offset:%d %d, "+
	"aligntext:l, scalefactor:1 abs, rotation:0, opacity:1, fillcolor:#000000",
	footerFont, footerPoints, footerMargin, footerMargin)

// Lines returns the footer's text, one line per element, each no wider than
// an A4 or Letter page allows at the footer's font size. The approvals are
// packed several to a line and wrapped between approvals where possible.
// Characters the standard fonts cannot draw (anything outside Latin-1)
// become '?', so that the lines read the same on the page as here.
func (f Footer) Lines() []string {
	at := "-"
	if !f.At.IsZero() {
		at = f.At.UTC().Format("2006-01-02 15:04 UTC")
	}
	var lines []string
	lines = append(lines, wrap(fmt.Sprintf("State: %s | Document: %s | Rendition made %s",
		orDash(f.State), orDash(f.DocumentID), at))...)
	lines = append(lines, wrap("SHA-256 of the original: "+orDash(f.SHA256))...)
	return append(lines, approvalLines(f.Approvals)...)
}

// Stamp writes to w a copy of the PDF read from r with the footer on every
// page. The input is only read; the original must stay as it was because it
// may carry signatures. A PDF that pdfcpu cannot read or stamp is an
// *dossier.Error with code EUnprocessable, as for Inspect; nothing is written
// to w then.
//
// pdfcpu takes no context, so ctx is checked before the work and before the
// output is written.
func Stamp(ctx context.Context, r io.ReadSeeker, w io.Writer, f Footer) (err error) {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("stamp pdf: %w", err)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("stamp pdf: rewind: %w", err)
	}
	wm, err := pdfcpu.ParseTextWatermarkDetails(stampText(f.Lines()), footerDesc, true, types.POINTS)
	if err != nil {
		// The description is a constant and the text is never empty, so
		// this is a mistake here, not in the document.
		return fmt.Errorf("stamp pdf: configure footer: %w", err)
	}
	// pdfcpu holds the whole document in memory anyway; buffering the result
	// keeps a half-written PDF out of w and tells pdfcpu's errors (all about
	// the input) apart from w's.
	var out bytes.Buffer
	if err := addWatermarks(r, &out, wm); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("stamp pdf: %w", err)
	}
	if _, err := out.WriteTo(w); err != nil {
		return fmt.Errorf("stamp pdf: write: %w", err)
	}
	return nil
}

// addWatermarks runs pdfcpu with a recover, for the same reason as Inspect:
// a crafted file can still make it panic.
func addWatermarks(r io.ReadSeeker, out *bytes.Buffer, wm *model.Watermark) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = unreadable(fmt.Errorf("%v", p))
		}
	}()
	if err := api.AddWatermarks(r, out, nil, wm, configuration()); err != nil {
		return unreadable(stripOperation(err))
	}
	return nil
}

// stripOperation drops the names of pdfcpu's steps that it puts before its
// reason ("add watermarks: prepare PDF context: ..."); unreadable drops the
// ones it shares with Inspect.
func stripOperation(err error) error {
	reason := err.Error()
	for _, prefix := range []string{"add watermarks: ", "prepare PDF context: ", "apply: "} {
		reason = strings.TrimPrefix(reason, prefix)
	}
	return errors.New(reason)
}

// approvalLines packs the approvals after a label, separated by "; ",
// starting a new line when the next one does not fit. An approval too long
// for a line of its own is wrapped between its words.
func approvalLines(approvals []string) []string {
	if len(approvals) == 0 {
		return []string{"Approvals: none"}
	}
	var lines []string
	line := "Approvals: " + orDash(approvals[0])
	for _, a := range approvals[1:] {
		a = orDash(a)
		// With room for the ";" that ends the line if the next one does
		// not fit either.
		if fits(line + "; " + a + ";") {
			line += "; " + a
			continue
		}
		lines = append(lines, wrap(line+";")...)
		line = indent + a
	}
	return append(lines, wrap(line)...)
}

// wrap breaks a line that is too wide between words, and a word that is too
// wide on its own between characters. Continuation lines are indented.
func wrap(line string) []string {
	words := strings.Fields(line)
	if fits(line) || len(words) == 0 {
		return []string{line}
	}
	var lines []string
	cur := line[:strings.Index(line, words[0])] + words[0] // keeps a leading indent
	for i := 1; ; i++ {
		for !fits(cur) {
			n := longestFit(cur)
			lines = append(lines, cur[:n])
			cur = indent + cur[n:]
		}
		if i == len(words) {
			return append(lines, cur)
		}
		if fits(cur + " " + words[i]) {
			cur += " " + words[i]
		} else {
			lines = append(lines, cur)
			cur = indent + words[i]
		}
	}
}

// longestFit is the length of the longest prefix of s that fits, cut between
// characters; at least the indent and one character, so that wrap always
// progresses.
func longestFit(s string) int {
	n := 0
	for i, r := range s {
		end := i + utf8.RuneLen(r)
		if end > len(indent) && !fits(s[:end]) {
			break
		}
		n = end
	}
	return n
}

// fits reports whether s, drawn in the footer's font, fits the footer width.
func fits(s string) bool {
	return textWidth(s) <= footerWidth
}

// textWidth measures s with the standard font's metrics. pdfcpu measures a
// standard font's text byte by byte, one byte per character, which is how
// the stamp draws it.
func textWidth(s string) float64 {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r)) // s is Latin-1 after clean
	}
	w, err := font.TextWidthFloat(string(b), footerFont, footerPoints)
	if err != nil {
		// Only a font pdfcpu does not know fails, and Helvetica is built
		// in; measuring every character as an "M" keeps the footer on the
		// page all the same.
		return float64(len(b)) * footerPoints
	}
	return w
}

// orDash cleans a field for the footer and shows an empty one as "-".
func orDash(s string) string {
	s = strings.TrimSpace(clean(s))
	if s == "" {
		return "-"
	}
	return s
}

// clean makes s drawable with a standard font: the standard fonts encode
// one byte per character (WinAnsi, which matches Latin-1 from 0xA0 up), so
// other characters become '?'; line breaks and other white space become a
// space so that a field cannot start a line of its own. pdfcpu gives "%p",
// "%P", "%t", "%v" and a backslash before "n" a meaning of their own in
// stamp text and has no way to escape them, so their first character
// becomes '?' too.
func clean(s string) string {
	rs := []rune(s)
	for i, r := range rs {
		var next rune
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch {
		case r == '%' && strings.ContainsRune("pPtv", next), r == '\\' && next == 'n':
			rs[i] = '?'
		case unicode.IsSpace(r):
			rs[i] = ' '
		case r >= 0x20 && r < 0x7f, r > 0xa0 && r <= 0xff:
		default: // utf8.RuneError for invalid UTF-8 included
			rs[i] = '?'
		}
	}
	return string(rs)
}

// stampText joins the lines for pdfcpu, which drops a "%" unless it is
// doubled. Lines are clean already; cleaning again keeps Stamp safe should
// that ever change.
func stampText(lines []string) string {
	var b strings.Builder
	for i, line := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.ReplaceAll(clean(line), "%", "%%"))
	}
	return b.String()
}
