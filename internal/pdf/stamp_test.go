package pdf_test

import (
	"bytes"
	"context"
	"errors"
	"html"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/font"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"dossier/internal/dossier"
	"dossier/internal/pdf"
	"dossier/internal/pdf/pdftest"
)

const sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func approvedFooter() pdf.Footer {
	return pdf.Footer{
		State:      "approved",
		DocumentID: "D-2026-0042",
		SHA256:     sha,
		Approvals:  []string{"L1 Anna Approver 2026-11-25", "L2 Bob B. on behalf of Carl C. 2026-11-26"},
		At:         time.Date(2026, 11, 26, 10, 30, 0, 0, time.FixedZone("CET", 3600)),
	}
}

func stamp(t *testing.T, in []byte, f pdf.Footer) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := pdf.Stamp(context.Background(), bytes.NewReader(in), &out, f); err != nil {
		t.Fatalf("Stamp: %v", err)
	}
	return out.Bytes()
}

// pdftotext is how the test sees what a reader of the rendition sees. A
// developer may not have it, CI must.
func pdftotext(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext (poppler-utils) is not installed on CI")
		}
		t.Skip("pdftotext is not installed")
	}
	return bin
}

func run(t *testing.T, bin string, in []byte, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append(args, "-", "-")...)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext %v: %v", args, err)
	}
	return string(out)
}

// pageTexts returns the text of each page; pdftotext ends every page with a
// form feed.
func pageTexts(t *testing.T, in []byte) []string {
	t.Helper()
	pages := strings.Split(run(t, pdftotext(t), in), "\f")
	return pages[:len(pages)-1]
}

// squash makes text comparable whatever spacing the extractor chose.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestStampEveryPage(t *testing.T) {
	t.Parallel()
	in := pdftest.Make(t, 3, "Purchase order 4711")
	original := bytes.Clone(in)
	f := approvedFooter()
	out := stamp(t, in, f)

	if !bytes.Equal(in, original) {
		t.Error("Stamp changed the input bytes")
	}
	if bytes.Equal(out, in) {
		t.Fatal("the output is the input: nothing was stamped")
	}
	info, err := pdf.Inspect(context.Background(), bytes.NewReader(out))
	if err != nil || info.Pages != 3 {
		t.Fatalf("Inspect(stamped) = %+v, %v; want a valid PDF of 3 pages", info, err)
	}

	pages := pageTexts(t, out)
	if len(pages) != 3 {
		t.Fatalf("pdftotext found %d pages, want 3", len(pages))
	}
	for i, page := range pages {
		for _, want := range []string{
			"Purchase order 4711", // the original content is still there
			"D-2026-0042", "approved", sha[:16],
			"L1 Anna Approver 2026-11-25", "L2 Bob B. on behalf of Carl C. 2026-11-26",
			"2026-11-26 09:30 UTC", // the time of the rendition, in UTC
		} {
			if !strings.Contains(squash(page), want) {
				t.Errorf("page %d lacks %q; text:\n%s", i+1, want, page)
			}
		}
	}
}

// Every line of the footer reads on the page as Lines gives it, including
// characters that PDF strings and pdfcpu's stamp syntax treat specially, and
// characters the standard fonts cannot draw do not make Stamp fail.
func TestStampTextAsLines(t *testing.T) {
	t.Parallel()
	f := pdf.Footer{
		State:      "approved (final)",
		DocumentID: `PO\4711 \n 50% done, 10%p off, %t`,
		SHA256:     sha,
		Approvals:  []string{"L1 Jürgen Größe 2026-11-25", "L2 承認 Ωmega Çelik 🙂 2026-11-26"},
		At:         time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC),
	}
	lines := f.Lines()
	joined := strings.Join(lines, "\n")
	for _, want := range []string{`PO\4711 ?n 50% done, 10?p off, ?t`, "Jürgen Größe", "L2 ?? ?mega Çelik ? 2026-11-26"} {
		if !strings.Contains(joined, want) {
			t.Errorf("Lines lack %q:\n%s", want, joined)
		}
	}
	pages := pageTexts(t, stamp(t, pdftest.Make(t, 2, "x"), f))
	if len(pages) != 2 {
		t.Fatalf("pdftotext found %d pages, want 2", len(pages))
	}
	for i, page := range pages {
		for _, line := range lines {
			if !strings.Contains(squash(page), squash(line)) {
				t.Errorf("page %d lacks the line %q; text:\n%s", i+1, line, page)
			}
		}
	}
}

// The footer of a landscape page, whether its media box is landscape or a
// portrait page is rotated, sits upright at the bottom of the page as it is
// shown, and on it.
func TestStampLandscape(t *testing.T) {
	t.Parallel()
	portrait := pdftest.Make(t, 2, "Bill of lading")
	// Same length, so pdftest's cross-reference offsets stay right.
	landscape := bytes.ReplaceAll(portrait, []byte("/MediaBox [0 0 595 842]"), []byte("/MediaBox [0 0 842 595]"))
	// Inspect first: it switches pdfcpu's config dir off before the direct
	// use of pdfcpu below (see TestInspectPDFWrittenByPdfcpu).
	if _, err := pdf.Inspect(context.Background(), bytes.NewReader(portrait)); err != nil {
		t.Fatal(err)
	}
	var rotated bytes.Buffer
	if err := api.Rotate(bytes.NewReader(portrait), &rotated, 90, nil, model.NewDefaultConfiguration()); err != nil {
		t.Fatal(err)
	}
	bin := pdftotext(t)
	for name, in := range map[string][]byte{"media box": landscape, "rotated": rotated.Bytes()} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			pages := parseBBox(t, run(t, bin, stamp(t, in, approvedFooter()), "-bbox"))
			if len(pages) != 2 {
				t.Fatalf("%d pages, want 2", len(pages))
			}
			for i, p := range pages {
				if p.width <= p.height {
					t.Fatalf("page %d is %gx%g: not landscape, the test checks nothing", i+1, p.width, p.height)
				}
				w, ok := p.find("D-2026-0042")
				if !ok {
					t.Errorf("page %d: no footer; words: %v", i+1, p.words)
					continue
				}
				if w.xMin < 0 || w.xMax > p.width || w.yMin < 0 || w.yMax > p.height {
					t.Errorf("page %d: footer at %+v is off the %gx%g page", i+1, w, p.width, p.height)
				}
				if w.yMin < p.height-100 {
					t.Errorf("page %d: footer at y %g is not at the bottom of a page %g high", i+1, w.yMin, p.height)
				}
				if w.xMax-w.xMin < 3*(w.yMax-w.yMin) {
					t.Errorf("page %d: footer word %+v is not upright", i+1, w)
				}
			}
		})
	}
}

type bboxWord struct {
	text                   string
	xMin, yMin, xMax, yMax float64
}

type bboxPage struct {
	width, height float64
	words         []bboxWord
}

func (p bboxPage) find(text string) (bboxWord, bool) {
	for _, w := range p.words {
		if w.text == text {
			return w, true
		}
	}
	return bboxWord{}, false
}

var (
	bboxPageRE = regexp.MustCompile(`<page width="([0-9.]+)" height="([0-9.]+)">`)
	bboxWordRE = regexp.MustCompile(`<word xMin="([0-9.-]+)" yMin="([0-9.-]+)" xMax="([0-9.-]+)" yMax="([0-9.-]+)">([^<]*)</word>`)
)

// parseBBox reads the output of pdftotext -bbox: pages in the orientation
// they are shown, words with their boxes measured from the top left.
func parseBBox(t *testing.T, out string) []bboxPage {
	t.Helper()
	num := func(s string) float64 {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("pdftotext -bbox: %v", err)
		}
		return f
	}
	var pages []bboxPage
	for _, line := range strings.Split(out, "\n") {
		if m := bboxPageRE.FindStringSubmatch(line); m != nil {
			pages = append(pages, bboxPage{width: num(m[1]), height: num(m[2])})
		} else if m := bboxWordRE.FindStringSubmatch(line); m != nil && len(pages) > 0 {
			p := &pages[len(pages)-1]
			p.words = append(p.words, bboxWord{html.UnescapeString(m[5]), num(m[1]), num(m[2]), num(m[3]), num(m[4])})
		}
	}
	return pages
}

func TestStampRejects(t *testing.T) {
	t.Parallel()
	valid := pdftest.Make(t, 3, "LC 12345")
	cases := []struct {
		name string
		in   []byte
	}{
		{"truncated", valid[:len(valid)/2]},
		{"not a PDF", []byte("PK\x03\x04 a zip file")},
		{"empty", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			err := pdf.Stamp(context.Background(), bytes.NewReader(tc.in), &out, approvedFooter())
			var e *dossier.Error
			if !errors.As(err, &e) || e.Code != dossier.EUnprocessable {
				t.Fatalf("Stamp = %v; want a 422 *dossier.Error", err)
			}
			reason, ok := strings.CutPrefix(e.Message, "the PDF cannot be read: ")
			if !ok || reason == "" || strings.Contains(reason, "watermark") || strings.Contains(reason, "context") {
				t.Errorf("message %q does not give pdfcpu's reason alone", e.Message)
			}
			if out.Len() != 0 {
				t.Errorf("%d bytes written for a PDF that cannot be stamped", out.Len())
			}
		})
	}
}

// panicReader stands for whatever makes pdfcpu panic: Stamp must answer 422,
// not take the server down.
type panicReader struct{}

func (panicReader) Read([]byte) (int, error)       { panic("index out of range [7] with length 3") }
func (panicReader) Seek(int64, int) (int64, error) { return 1000, nil }

func TestStampRecoversPanic(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := pdf.Stamp(context.Background(), panicReader{}, &out, approvedFooter())
	if dossier.ErrorCode(err) != dossier.EUnprocessable || !strings.Contains(err.Error(), "index out of range") {
		t.Errorf("Stamp = %v; want a 422 with the panic's reason", err)
	}
}

func TestStampCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	err := pdf.Stamp(ctx, bytes.NewReader(pdftest.Make(t, 1, "x")), &out, approvedFooter())
	if !errors.Is(err, context.Canceled) || out.Len() != 0 {
		t.Errorf("Stamp = %v with %d bytes written; want context.Canceled and nothing", err, out.Len())
	}
}

// The reader may have been read already (by the hasher); Stamp starts from
// the beginning regardless.
func TestStampRewinds(t *testing.T) {
	t.Parallel()
	r := bytes.NewReader(pdftest.Make(t, 2, "x"))
	if _, err := r.Seek(100, 0); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := pdf.Stamp(context.Background(), r, &out, approvedFooter()); err != nil {
		t.Fatal(err)
	}
	if info, err := pdf.Inspect(context.Background(), bytes.NewReader(out.Bytes())); err != nil || info.Pages != 2 {
		t.Errorf("Inspect(stamped) = %+v, %v; want 2 pages", info, err)
	}
}

// lineWidth measures a line as the stamp draws it: Helvetica at 7 points,
// one byte per character.
func lineWidth(t *testing.T, line string) float64 {
	t.Helper()
	b := make([]byte, 0, len(line))
	for _, r := range line {
		if r > 0xff {
			t.Fatalf("line %q has %q, which the standard fonts cannot draw", line, r)
		}
		b = append(b, byte(r))
	}
	w, err := font.TextWidthFloat(string(b), "Helvetica", 7)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// An A4 page is 595 points wide (Letter is wider); the footer starts 28
// points from the left edge and must end as far from the right one.
const maxLineWidth = 595 - 2*28

func TestFooterLinesWrap(t *testing.T) {
	t.Parallel()
	f := approvedFooter()
	f.Approvals = nil
	for i := range 30 {
		f.Approvals = append(f.Approvals, "L"+strconv.Itoa(i%4+1)+" Bob B. on behalf of Carl C. 2026-11-"+strconv.Itoa(10+i%20))
	}
	long := "L5 " + strings.Repeat("Very-Long-Name ", 40) + "2026-11-30"
	f.Approvals = append(f.Approvals, long)
	f.DocumentID = strings.Repeat("X", 300) // no space to break at

	lines := f.Lines()
	if len(lines) < 8 {
		t.Fatalf("%d lines for 31 approvals and a 300-character id: not wrapped?\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for _, line := range lines {
		if w := lineWidth(t, line); w > maxLineWidth {
			t.Errorf("line is %.0f points wide, more than %d: %q", w, maxLineWidth, line)
		}
	}
	text := strings.Join(lines, "\n")
	// Approvals that fit a line are never split, and keep their order.
	at := 0
	for _, a := range f.Approvals[:30] {
		i := strings.Index(text[at:], a)
		if i < 0 {
			t.Fatalf("approval %q is missing or split:\n%s", a, text)
		}
		at += i + len(a)
	}
	// What had to be cut is all there.
	if got := strings.Count(text, "X"); got != 300 {
		t.Errorf("%d of 300 characters of the document id are left", got)
	}
	if got := strings.Count(text, "Very-Long-Name"); got != 40 {
		t.Errorf("%d of 40 words of the long approval are left", got)
	}
}

func TestFooterLinesShort(t *testing.T) {
	t.Parallel()
	f := approvedFooter()
	want := []string{
		"State: approved | Document: D-2026-0042 | Rendition made 2026-11-26 09:30 UTC",
		"SHA-256 of the original: " + sha,
		"Approvals: L1 Anna Approver 2026-11-25; L2 Bob B. on behalf of Carl C. 2026-11-26",
	}
	if got := f.Lines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Lines =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	empty := strings.Join(pdf.Footer{Approvals: []string{"  ", "L1\nAnna\tA.\x00"}}.Lines(), "\n")
	for _, want := range []string{"State: - | Document: - | Rendition made -", "original: -", "Approvals: -; L1 Anna A.?"} {
		if !strings.Contains(empty, want) {
			t.Errorf("Lines of an empty footer lack %q:\n%s", want, empty)
		}
	}
}
