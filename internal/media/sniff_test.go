package media_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/media"
	"dossier/internal/pdf/pdftest"
)

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 16, 8))
	for x := range 16 {
		img.Set(x, x%8, color.RGBA{R: 200, A: 255})
	}
	return img
}

func pngBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, testImage()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tiffBytes writes a 1x1 8-bit grey baseline TIFF by hand: the standard
// library has no TIFF encoder and the test should not pull one in.
func tiffBytes() []byte {
	type entry struct {
		tag, typ uint16
		count    uint32
		value    uint32
	}
	const short, long = 3, 4
	// Tags in ascending order, as the format requires.
	entries := []entry{
		{256, short, 1, 1}, // ImageWidth
		{257, short, 1, 1}, // ImageLength
		{258, short, 1, 8}, // BitsPerSample
		{259, short, 1, 1}, // Compression: none
		{262, short, 1, 1}, // PhotometricInterpretation: black is zero
		{273, long, 1, 0},  // StripOffsets, set below
		{277, short, 1, 1}, // SamplesPerPixel
		{278, short, 1, 1}, // RowsPerStrip
		{279, long, 1, 1},  // StripByteCounts
	}
	ifdSize := 2 + 12*len(entries) + 4
	entries[5].value = uint32(8 + ifdSize) // the pixel follows the IFD
	var b bytes.Buffer
	b.WriteString("II*\x00")
	_ = binary.Write(&b, binary.LittleEndian, uint32(8))
	_ = binary.Write(&b, binary.LittleEndian, uint16(len(entries)))
	for _, e := range entries {
		_ = binary.Write(&b, binary.LittleEndian, e)
	}
	_ = binary.Write(&b, binary.LittleEndian, uint32(0)) // no next IFD
	b.WriteByte(0x80)                                    // the one pixel
	return b.Bytes()
}

// officeBytes builds a minimal Office Open XML package the way Word and Excel
// lay it out: [Content_Types].xml first, then the relationships and the part
// directory (word/ or xl/) by which the type is recognised. filler bytes of
// stored (uncompressed) properties push that directory further in, as a
// thumbnail or long properties do in real files.
func officeBytes(t *testing.T, mainPart string, filler int) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	files := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>`},
		{"docProps/app.xml", strings.Repeat("x", filler)},
		{mainPart, `<?xml version="1.0" encoding="UTF-8"?><document/>`},
	}
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func plainZip(t *testing.T) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("notes.txt")
	_, _ = w.Write([]byte("hello"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func randomBytes(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// peBytes is the start of a Windows executable, the classic payload of a
// "lying extension" upload such as invoice.pdf.exe renamed to invoice.pdf.
func peBytes() []byte {
	b := make([]byte, 256)
	copy(b, "MZ")
	binary.LittleEndian.PutUint32(b[0x3c:], 0x80)
	copy(b[0x80:], "PE\x00\x00")
	return b
}

func TestSniff(t *testing.T) {
	t.Parallel()
	self, err := os.ReadFile(os.Args[0]) // the test binary: a real executable
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		data []byte
		want string // "" when the file must be refused with 415
	}{
		{"pdf", pdftest.Make(t, 2, "hello"), media.PDF},
		{"png", pngBytes(t), media.PNG},
		{"jpeg", jpegBytes(t), media.JPEG},
		{"tiff", tiffBytes(), media.TIFF},
		{"docx", officeBytes(t, "word/document.xml", 0), media.DOCX},
		{"xlsx", officeBytes(t, "xl/workbook.xml", 0), media.XLSX},
		{"docx with its part 3 KiB in", officeBytes(t, "word/document.xml", 3000), media.DOCX},
		{"ascii text", []byte("Purchase order 4711\nqty 12\n"), media.Text},
		{"utf-8 text", []byte("Größe 5 — 株式会社\n"), media.Text},
		{"csv is text", []byte("gpn,lpn,qty\nG-1,L-1,12\nG-2,L-2,7\n"), media.Text},
		{"utf-16 text keeps its charset", append([]byte{0xff, 0xfe}, []byte("h\x00i\x00")...), "text/plain; charset=utf-16le"},
		{"executable named .pdf", peBytes(), ""},
		{"this test binary", self, ""},
		{"random bytes", randomBytes(4096), ""},
		{"plain zip", plainZip(t), ""},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), ""},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), ""},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			head := tc.data[:min(len(tc.data), media.SniffLen)]
			got, err := media.Sniff(head)
			if tc.want != "" {
				if err != nil || got != tc.want {
					t.Fatalf("Sniff = %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			var e *dossier.Error
			if !errors.As(err, &e) || e.Code != dossier.EUnsupportedMedia {
				t.Fatalf("Sniff = %q, %v; want a 415 *dossier.Error", got, err)
			}
			if !strings.Contains(e.Message, "PDF, PNG, JPEG, TIFF, plain text") || !strings.Contains(e.Message, "(") {
				t.Errorf("message %q does not name the detected type and the allowed ones", e.Message)
			}
		})
	}
}

func TestSniffNamesTheDetectedType(t *testing.T) {
	t.Parallel()
	_, err := media.Sniff(peBytes())
	if msg := dossier.ErrorMessage(err); !strings.Contains(msg, "a .exe file (application/vnd.microsoft.portable-executable)") {
		t.Errorf("message = %q", msg)
	}
}

func TestSniffEmpty(t *testing.T) {
	t.Parallel()
	if _, err := media.Sniff(nil); dossier.ErrorCode(err) != dossier.EUnprocessable {
		t.Errorf("Sniff(empty) = %v, want 422", err)
	}
}
