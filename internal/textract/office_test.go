package textract

import (
	"archive/zip"
	"bytes"
	"context"
	"hash/crc32"
	"strings"
	"testing"

	"dossier/internal/media"
)

// zipOf makes an archive of name → content pairs, deflated as Office does.
func zipOf(t *testing.T, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipLying makes an archive with one stored entry whose header declares
// declared bytes uncompressed, whatever it really holds.
func zipLying(t *testing.T, name, content string, declared uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: name, Method: zip.Store, CRC32: crc32.ChecksumIEEE([]byte(content)),
		CompressedSize64: uint64(len(content)), UncompressedSize64: declared,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

const documentXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document ` + wordNS + `><w:body>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>
  <w:r><w:t>Letter</w:t></w:r><w:r><w:t xml:space="preserve"> of cre</w:t></w:r><w:r><w:t>dit</w:t></w:r></w:p>
<w:p><w:r><w:t>Beneficiary</w:t><w:tab/><w:t>Acme &amp; Sons</w:t></w:r></w:p>
<w:p><w:del><w:r><w:delText>withdrawn</w:delText></w:r></w:del>
  <w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>Expiry</w:t><w:br/><w:t>2026-12-31</w:t></w:r></w:p>
</w:body></w:document>`

func TestDOCX(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "letter.docx", zipOf(t,
		"[Content_Types].xml", `<Types/>`,
		"word/header1.xml", `<w:hdr `+wordNS+`><w:p><w:r><w:t>Letterhead</w:t></w:r></w:p></w:hdr>`,
		"word/document.xml", documentXML))
	pages, err := (&Extractor{}).Extract(context.Background(), path, media.DOCX)
	if err != nil {
		t.Fatal(err)
	}
	want := "Letter of credit\nBeneficiary\tAcme & Sons\nExpiry\n2026-12-31"
	if len(pages) != 1 || pages[0] != want {
		t.Errorf("pages = %q, want [%q]", pages, want)
	}
}

func TestXLSX(t *testing.T) {
	t.Parallel()
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	path := writeFile(t, "book.xlsx", zipOf(t,
		"xl/workbook.xml", `<workbook `+ns+`/>`,
		"xl/worksheets/sheet10.xml", `<worksheet `+ns+`><sheetData><row r="1">
			<c r="A1" t="inlineStr"><is><t>Tenth</t></is></c></row></sheetData></worksheet>`,
		"xl/sharedStrings.xml", `<sst `+ns+` count="3" uniqueCount="3">
			<si><t>Customer</t></si>
			<si><r><rPr><b/></rPr><t>Total</t></r><r><t xml:space="preserve"> amount</t></r></si>
			<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si></sst>`,
		"xl/worksheets/sheet2.xml", `<worksheet `+ns+`><sheetData><row r="1">
			<c r="A1" t="s"><v>0</v></c>
			<c r="B1" t="inlineStr"><is><t>Second</t></is></c>
			<c r="C1"><v>12345</v></c></row></sheetData></worksheet>`))
	pages, err := (&Extractor{}).Extract(context.Background(), path, media.XLSX)
	if err != nil {
		t.Fatal(err)
	}
	want := "Customer\nTotal amount\n東京\nSecond\nTenth"
	if len(pages) != 1 || pages[0] != want {
		t.Errorf("pages = %q, want [%q]", pages, want)
	}
}

func TestOfficeRefusesBombs(t *testing.T) {
	t.Parallel()
	small := `<w:document ` + wordNS + `><w:body><w:p><w:r><w:t>tiny</w:t></w:r></w:p></w:body></w:document>`
	for _, tc := range []struct {
		name, mediaType string
		data            []byte
		want            string
	}{
		{"declared over the limit", media.DOCX,
			zipLying(t, "word/document.xml", small, maxEntry+1), "over the 64 MiB limit"},
		{"sheet declared over the limit", media.XLSX,
			zipLying(t, "xl/worksheets/sheet1.xml", "<worksheet/>", 1<<40), "over the 64 MiB limit"},
		// The declared size is the check; inflating past it must not slip by.
		{"inflates past its declared size", media.DOCX,
			zipLying(t, "word/document.xml", small, 10), "word/document.xml"},
		{"not an archive", media.DOCX, []byte("PK but not really"), "open archive"},
		{"no document part", media.DOCX, zipOf(t, "word/other.xml", "<x/>"), "no document text part"},
		{"broken XML", media.DOCX, zipOf(t, "word/document.xml", "<w:document><w:p>"), "xml"},
	} {
		path := writeFile(t, "bomb", tc.data)
		pages, err := (&Extractor{}).Extract(context.Background(), path, tc.mediaType)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.mediaType) {
			t.Errorf("%s: Extract = %q, %v; want an error with %q and the media type", tc.name, pages, err, tc.want)
		}
	}
}

// A part that inflates to more text than the output limit is cut, not read
// to the end, and still gives its first words.
func TestOfficeOutputIsBounded(t *testing.T) {
	t.Parallel()
	var doc strings.Builder
	doc.WriteString(`<w:document ` + wordNS + `><w:body>`)
	for range 1000 {
		doc.WriteString(`<w:p><w:r><w:t>repeated words</w:t></w:r></w:p>`)
	}
	doc.WriteString(`</w:body></w:document>`)
	path := writeFile(t, "long.docx", zipOf(t, "word/document.xml", doc.String()))
	pages, err := (&Extractor{limit: 100}).Extract(context.Background(), path, media.DOCX)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || len(pages[0]) > 100 || !strings.HasPrefix(pages[0], "repeated words\nrepeated") {
		t.Errorf("pages = %q, want at most 100 bytes of the text", pages)
	}
}
