package media

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxFilenameLen is the longest sanitised name in bytes: well inside the 255
// bytes that file systems and ZIP tools accept, with room for a suffix.
const MaxFilenameLen = 200

// maxExtLen bounds what counts as an extension when a long name is cut; a
// "extension" longer than this is just a dot inside a long name.
const maxExtLen = 16

// SanitizeFilename turns a client-supplied name into one that is safe to store,
// to put in a Content-Disposition header and to write into an export ZIP: the
// base name only (a path in either slash style is dropped, so "../../x" cannot
// climb), no control or format characters (which can hide a real extension,
// as U+202E does), only letters, digits, marks, spaces and a few punctuation
// marks, no leading dots (hidden files), single spaces, and at most
// MaxFilenameLen bytes with the extension kept. Nothing usable left gives
// "file".
func SanitizeFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		i += size
		switch {
		case r == utf8.RuneError && size <= 1, unicode.IsControl(r):
			// Invalid bytes and control characters (line breaks and tabs
			// included: no one means them in a name) are dropped.
		case unicode.IsSpace(r):
			space = b.Len() > 0
		case safeRune(r):
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	out := strings.TrimLeft(b.String(), ". ")
	out = strings.TrimRight(out, " ")
	out = truncate(out)
	if out == "" {
		return "file"
	}
	return out
}

func safeRune(r rune) bool {
	if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
		return true
	}
	return strings.ContainsRune("._-()[]+,&@#=~!", r)
}

// truncate cuts s to MaxFilenameLen bytes on a rune boundary, keeping a short
// extension so that the name still says what the file is.
func truncate(s string) string {
	if len(s) <= MaxFilenameLen {
		return s
	}
	stem, ext := s, ""
	if i := strings.LastIndexByte(s, '.'); i > 0 && len(s)-i <= maxExtLen {
		stem, ext = s[:i], s[i:]
	}
	limit := MaxFilenameLen - len(ext)
	for limit > 0 && !utf8.RuneStart(stem[limit]) {
		limit--
	}
	return strings.TrimRight(stem[:limit], " .") + ext
}
