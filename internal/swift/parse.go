package swift

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrUnreadable is returned (wrapped, with the reason) for a text that cannot
// be read as an MT700 or MT707 at all: no SWIFT fields in it, or another
// message type.
var ErrUnreadable = errors.New("not an MT700 or MT707")

// MaxInput is the longest text Parse reads. An MT700 holds at most 10,000
// characters; an export of one adds a few pages of headers around it.
const MaxInput = 1 << 20

// rawField is a field as read from the text, before its value is typed:
// the value's lines, trimmed, in the FIN form whatever the text's form.
type rawField struct {
	tag   string
	line  int
	lines []string
}

// reading is what a reader of one form finds in the text.
type reading struct {
	form     Form
	msgType  string // from the header: "700", "707", "798", another, or "" when unknown
	subType  string // MT798: field 12
	sender   string
	receiver string
	fields   []rawField
	warnings []Problem
}

// Parse reads an MT700 or MT707 in any of its forms. The error, which wraps
// ErrUnreadable, is only for a text that is not such a message at all;
// everything wrong inside a message is in Message.Errors and Warnings.
func Parse(text string) (Message, error) {
	if len(text) > MaxInput {
		return Message{}, fmt.Errorf("%w: %d bytes is longer than any such message (%d at most)", ErrUnreadable, len(text), MaxInput)
	}
	lines, dirty := clean(text)
	r, err := read(lines)
	if err != nil {
		return Message{}, err
	}
	if r.msgType == "798" {
		if r, err = unwrap798(r); err != nil {
			return Message{}, err
		}
	}
	if len(r.fields) == 0 {
		return Message{}, fmt.Errorf("%w: the text holds no SWIFT fields", ErrUnreadable)
	}
	mt, err := messageType(r)
	if err != nil {
		return Message{}, err
	}
	m := Message{
		MessageType: mt, Form: r.form, Sender: r.sender, Receiver: r.receiver,
		Fields: make([]Field, 0, len(r.fields)), Errors: []Problem{}, Warnings: []Problem{},
	}
	if dirty {
		m.Warnings = append(m.Warnings, Problem{Message: "the text holds control characters (such as NUL); they were read as spaces"})
	}
	m.Warnings = append(m.Warnings, r.warnings...)
	for _, f := range r.fields {
		m.Fields = append(m.Fields, Field{Tag: f.tag, Value: strings.Join(f.lines, "\n"), Line: f.line})
	}
	b := &builder{msg: &m}
	if mt == "700" {
		b.mt700(r.fields)
	} else {
		b.mt707(r.fields)
	}
	return m, nil
}

// clean makes one text of any origin into lines: CRLF and CR end lines,
// TABs and no-break spaces are spaces, a byte-order mark goes. Other control
// characters become spaces too; dirty reports that there were some.
func clean(text string) (lines []string, dirty bool) {
	text = strings.TrimPrefix(text, "\uFEFF")
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.Map(func(r rune) rune {
		switch {
		case r >= ' ' && r < 0x7f:
			return r
		case r == '\n':
			return r
		case r == '\r':
			return '\n'
		case r == '\t' || unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r) || r == '\uFEFF':
			dirty = true
			return ' '
		}
		return r
	}, text)
	return strings.Split(text, "\n"), dirty
}

// read finds the form of the text and reads its fields.
func read(lines []string) (reading, error) {
	switch {
	case hasBlock4(lines):
		return readFIN(lines), nil
	case hasFINTag(lines):
		return readBlock4(lines), nil
	case hasLabel(lines):
		return readExport(lines), nil
	}
	return reading{}, fmt.Errorf("%w: no SWIFT field tags (such as :20: or 20: Documentary Credit Number) in the text", ErrUnreadable)
}

// messageType decides between 700 and 707: the header says it when there is
// one, else the fields only an amendment has.
func messageType(r reading) (string, error) {
	t := r.msgType
	if t == "798" {
		t = r.subType
	}
	switch t {
	case "700", "707":
		return t, nil
	case "":
	default:
		if r.msgType != "798" {
			return "", fmt.Errorf("%w: the text is an MT%s", ErrUnreadable, t)
		}
	}
	for _, f := range r.fields {
		switch f.tag {
		case "21", "26E", "30", "22A", "33B", "45B", "46B", "47B", "31E", "34B":
			return "707", nil
		}
	}
	return "700", nil
}

// unwrap798 keeps the message an MT798 carries in its 77E: the fields after
// 77E. Field 12 names the message type inside.
func unwrap798(r reading) (reading, error) {
	for i, f := range r.fields {
		switch f.tag {
		case "12":
			if len(f.lines) > 0 {
				r.subType = f.lines[0]
			}
		case "77E":
			r.form, r.msgType = FormMT798, "798"
			r.sender, r.receiver = "", "" // the envelope's, not the credit's banks
			r.fields = r.fields[i+1:]
			return r, nil
		}
	}
	return r, fmt.Errorf("%w: an MT798 without the 77E that carries the message", ErrUnreadable)
}
