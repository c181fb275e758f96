package textract

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// text reads a plain-text file as one page. media.Sniff records a charset
// other than UTF-8 when it detected one; the common ones are decoded here and
// anything else is read as UTF-8, with invalid bytes replaced by normalize.
func (e *Extractor) text(path, charset string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, e.outputLimit()))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return []string{decode(b, charset)}, nil
}

func decode(b []byte, charset string) string {
	switch strings.ToLower(charset) {
	case "utf-16le":
		return decodeUTF16(b, false)
	case "utf-16be":
		return decodeUTF16(b, true)
	case "utf-16":
		// Without a byte order mark the standard says big-endian.
		return decodeUTF16(b, len(b) < 2 || b[0] != 0xff || b[1] != 0xfe)
	case "iso-8859-1", "latin1", "windows-1252":
		// Each byte is the code point of the same number. For windows-1252
		// that misreads 0x80–0x9f (€, curly quotes), which normalize then
		// drops as control characters: a few signs lost, no words.
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return string(r)
	}
	return string(b)
}

func decodeUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2) // an odd last byte is a cut character: dropped
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return string(utf16.Decode(u)) // a byte order mark becomes U+FEFF, which normalize drops
}

// normalize makes text fit to index: valid UTF-8 (a run of invalid bytes
// becomes one U+FFFD), no NUL or other control character except \n and \t,
// no byte order mark, no leading or trailing whitespace, and every run of
// whitespace collapsed: to "\n" when it holds a line break, else to one space
// (a single space or tab is kept as it is). The result is at most maxPage
// bytes, cut at a rune boundary.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(min(len(s), maxPage))
	var (
		wsLen     int  // whitespace runes pending since the last written rune
		wsFirst   rune // the first of them
		wsBreak   bool // one of them breaks the line
		prevWrong bool // the last written rune replaced invalid bytes
	)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		invalid := r == utf8.RuneError && size == 1
		switch {
		case !invalid && unicode.IsSpace(r):
			if wsLen == 0 {
				wsFirst = r
			}
			wsLen++
			wsBreak = wsBreak || isLineBreak(r)
			continue
		case !invalid && (unicode.IsControl(r) || r == '\ufeff'):
			continue
		case invalid && prevWrong && wsLen == 0:
			continue
		}
		sep := ""
		if wsLen > 0 && b.Len() > 0 {
			switch {
			case wsBreak:
				sep = "\n"
			case wsLen == 1 && (wsFirst == ' ' || wsFirst == '\t'):
				sep = string(wsFirst)
			default:
				sep = " "
			}
		}
		wsLen, wsBreak = 0, false
		if invalid {
			r = utf8.RuneError
		}
		if b.Len()+len(sep)+utf8.RuneLen(r) > maxPage {
			break
		}
		b.WriteString(sep)
		b.WriteRune(r)
		prevWrong = invalid
	}
	return b.String()
}

func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029':
		return true
	}
	return false
}
