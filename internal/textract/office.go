package textract

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// maxArchiveRead bounds the XML read from all the parts of one Office file
// together: each part may hold up to maxEntry, but a workbook of a thousand
// sheets that each inflate to the limit is an attack, not a spreadsheet.
const maxArchiveRead = 4 * maxEntry

// isDocumentXML picks the body of a Word file. Headers, footers and comments
// are left out: they repeat on every page or are not the document's content.
func isDocumentXML(name string) bool { return name == "word/document.xml" }

// isSheetXML picks the parts of a workbook that hold text: the shared strings
// (where Excel puts almost every text cell) and the sheets (for the inline
// strings other writers use).
func isSheetXML(name string) bool {
	return name == "xl/sharedStrings.xml" ||
		strings.HasPrefix(name, "xl/worksheets/") && strings.HasSuffix(name, ".xml")
}

// office reads the text of the parts of a DOCX or XLSX archive that want
// picks, as one page. The file is refused when one of those parts declares an
// uncompressed size over maxEntry, before anything is inflated.
func (e *Extractor) office(ctx context.Context, path string, want func(string) bool) ([]string, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("open archive: %w", err)
	}
	defer zr.Close()
	var parts []*zip.File
	for _, f := range zr.File {
		if want(f.Name) {
			parts = append(parts, f)
		}
	}
	if len(parts) == 0 {
		return nil, errors.New("archive holds no document text part")
	}
	// Archive order is up to the writer; sort so sheet2 comes before sheet10.
	slices.SortStableFunc(parts, func(a, b *zip.File) int {
		if len(a.Name) != len(b.Name) {
			return len(a.Name) - len(b.Name)
		}
		return strings.Compare(a.Name, b.Name)
	})
	var total uint64
	for _, f := range parts {
		if f.UncompressedSize64 > maxEntry {
			return nil, fmt.Errorf("archive entry %s inflates to %d bytes, over the %d MiB limit",
				f.Name, f.UncompressedSize64, maxEntry>>20)
		}
		if total += f.UncompressedSize64; total > maxArchiveRead {
			return nil, fmt.Errorf("archive text parts inflate to over %d MiB", maxArchiveRead>>20)
		}
	}
	out := &capBuffer{max: int(e.outputLimit())}
	for _, f := range parts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := readPart(ctx, f, out); err != nil {
			return nil, fmt.Errorf("archive entry %s: %w", f.Name, err)
		}
	}
	return []string{out.String()}, nil
}

// readPart copies the text of one XML part into out. archive/zip itself fails
// a read that inflates past the declared size, so the check above holds; the
// LimitReader keeps the bound even if that ever changed.
func readPart(ctx context.Context, f *zip.File, out *capBuffer) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xmlText(ctx, io.LimitReader(rc, maxEntry), out)
}

// xmlText writes the character data of the text elements of a WordprocessingML
// or SpreadsheetML part: <t> (w:t in Word, t in Excel) except inside <rPh>
// (Excel's phonetic reading of a cell, a duplicate). Paragraphs (w:p) and
// strings (si, is) end with a line break so their words do not run together;
// tabs and breaks inside a run become whitespace too. Deleted text (w:delText)
// and field codes (w:instrText) are other elements and so are left out.
// Elements are matched by local name because strict OOXML uses other
// namespace URIs for the same vocabulary.
func xmlText(ctx context.Context, r io.Reader, out *capBuffer) error {
	dec := xml.NewDecoder(r)
	var inText, inPhonetic, inRun int
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if out.overflow {
			return nil // enough text: the page is cut far below this anyway
		}
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText++
			case "rPh":
				inPhonetic++
			case "r":
				inRun++
			case "tab":
				if inRun > 0 {
					_, _ = out.Write([]byte{'\t'})
				}
			case "br", "cr":
				if inRun > 0 {
					_, _ = out.Write([]byte{'\n'})
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText--
			case "rPh":
				inPhonetic--
			case "r":
				inRun--
			case "p", "si", "is":
				_, _ = out.Write([]byte{'\n'})
			}
		case xml.CharData:
			if inText > 0 && inPhonetic == 0 {
				_, _ = out.Write(t)
			}
		}
	}
}
