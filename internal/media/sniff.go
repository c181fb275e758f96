// Package media decides what an upload is: its media type, sniffed from the
// bytes and never taken from the file name or the client's Content-Type, and a
// file name that is safe to store and to send back in a header.
package media

import (
	"strings"

	"github.com/gabriel-vasile/mimetype"

	"dossier/internal/dossier"
)

// SniffLen is how many leading bytes a caller should pass to Sniff. It is
// mimetype's own read limit: Office files are ZIP archives recognised by the
// names of their first entries, which can sit a few kilobytes in, and mimetype
// ignores anything past its limit anyway.
const SniffLen = 4096

// The media types Dossier stores (SPEC §4).
const (
	PDF  = "application/pdf"
	PNG  = "image/png"
	JPEG = "image/jpeg"
	TIFF = "image/tiff"
	Text = "text/plain; charset=utf-8"
	DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// allowed maps a detected type (without parameters) to the type Dossier
// records; "" means text, whose charset parameter is kept.
var allowed = map[string]string{
	PDF:  PDF,
	PNG:  PNG,
	JPEG: JPEG,
	TIFF: TIFF,
	DOCX: DOCX,
	XLSX: XLSX,
	// CSV and TSV are plain text that happens to have separators; mimetype
	// reports them as their own types, but refusing a text file because its
	// lines contain commas would surprise everyone. Active text formats
	// (HTML, SVG, XML, scripts) stay refused: a browser would run them.
	"text/plain":                "",
	"text/csv":                  "",
	"text/tab-separated-values": "",
}

// allowedList is the human-readable list for error messages.
const allowedList = "PDF, PNG, JPEG, TIFF, plain text, Word (.docx) and Excel (.xlsx)"

// Sniff returns the media type of a file from its first bytes (pass at least
// the first SniffLen bytes, or the whole file when it is shorter). A type that
// Dossier does not store is an *dossier.Error with code EUnsupportedMedia.
func Sniff(head []byte) (string, error) {
	if len(head) == 0 {
		return "", dossier.Errorf(dossier.EUnprocessable, "the file is empty")
	}
	detected := mimetype.Detect(head)
	base, params, _ := strings.Cut(detected.String(), ";")
	base = strings.ToLower(strings.TrimSpace(base))
	stored, ok := allowed[base]
	if !ok {
		return "", dossier.Errorf(dossier.EUnsupportedMedia,
			"the file is %s (%s), which Dossier does not store: upload %s",
			describe(detected), base, allowedList)
	}
	if stored != "" {
		return stored, nil
	}
	return textType(params), nil
}

// textType gives text one stable spelling. ASCII and UTF-8 (the usual case)
// become Text; another detected charset, such as utf-16le or iso-8859-1, is
// kept because a reader needs it to decode the bytes.
func textType(params string) string {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(k, "charset") {
			continue
		}
		v = strings.ToLower(strings.Trim(strings.TrimSpace(v), `"`))
		if v != "" && v != "utf-8" && v != "us-ascii" {
			return "text/plain; charset=" + v
		}
	}
	return Text
}

// describe names a detected type the way a user knows it: by its extension
// when mimetype has one ("a .exe file"), else by the type itself.
func describe(m *mimetype.MIME) string {
	if ext := m.Extension(); ext != "" {
		return "a " + ext + " file"
	}
	return "of an unknown kind"
}
