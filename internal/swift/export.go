package swift

import (
	"regexp"
	"strings"
	"unicode"
)

// The two SWIFT Alliance text exports put a label line where FIN has a tag
// ("20: Documentary Credit Number" in the expanded print-out, "F20:
// Documentary Credit Number" in Message Details) and the value on the lines
// below, some of them behind a sub-label ("Currency: USD", "Date: 211201
// 2021 Dec 01"). Around the fields stand headers, banners, separator lines
// and page footers, which may fall between a label and its value.
var (
	// bannerRe is a section banner of the print-out:
	// "---------  Message Text  ---------".
	bannerRe = regexp.MustCompile(`^-{3,}\s*([^-].*?)\s*-{3,}$`)
	// skipRe are lines of the export that are never part of a value: page
	// headers and footers, separator lines, the line structure Message
	// Details prints for 45B/46B/47B, a date's spelled-out echo on a line of
	// its own.
	skipRe = regexp.MustCompile(`^(?:` +
		`Page \d+ (?:of|/) \d+|` +
		`\d{2}/\d{2}/\d{2}-\d{2}:\d{2}:\d{2}\b.*|` +
		`[-_=*]{5,}|` +
		`Lines? ?\d+(?: ?(?:-|to) ?\d+)?(?::.*)?|` +
		`\d{4} [A-Z][a-z]{2} \d{1,2})$`)
	// endRe are the sections of Message Details that follow the fields.
	endRe = regexp.MustCompile(`^(?:Other|Block 5|Message Trailer|Interventions|Message History|History|Instance|Report (?:Header|Trailer)|Message Details #?\d*)$`)
	// typeRe finds the message type in an export's header: "FIN 700",
	// "fin.707", "MT 700".
	typeRe = regexp.MustCompile(`(?i)\b(?:fin[. ]|MT ?)(\d{3})\b`)
	// partyRe finds the sender or the receiver in an export's header.
	partyRe = regexp.MustCompile(`^(Sender|Receiver)(?: Institution)?\s*:\s*([A-Z0-9]{8,12})\b`)
	// subLabelRe is a sub-label before (part of) a value.
	subLabelRe = regexp.MustCompile(`^(Number|Total|Date|Place|Currency|Amount|Code|Narrative\d*|Name and Address|Identifier Code|Party Identifier|Applicable Rules|Days|Account)\s*:\s*(.*)$`)
	// dateEchoRe is a date followed by its spelled-out echo, "211201 2021 Dec 01".
	dateEchoRe = regexp.MustCompile(`^(\d{6})\s+\d{4}\s+[A-Za-z]{3}\s+\d{1,2}$`)
)

// readExport reads either Alliance export.
func readExport(lines []string) reading {
	r := reading{form: FormPrintout}
	banners := false
	for _, l := range lines {
		if banner(strings.TrimSpace(l)) != "" {
			banners = true
			break
		}
	}
	inText := !banners // without banners, the fields are wherever the labels are
	var cur *rawField
	flush := func() {
		if cur != nil {
			cur.lines = trimBlank(cur.lines)
			r.fields = append(r.fields, *cur)
			cur = nil
		}
	}
	ended := false
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if title := banner(t); title != "" && !ended {
			flush()
			inText = strings.EqualFold(title, "Message Text")
			// A header banner after the fields starts the next message.
			ended = len(r.fields) > 0 && !inText && !strings.EqualFold(title, "Message Trailer")
			continue
		}
		tag, details, isLabel := label(t)
		if ended {
			if isLabel {
				r.warnings = append(r.warnings, Problem{Line: i + 1, Message: "the text holds more than one message; only the first was read"})
				break
			}
			continue
		}
		if t == "" || (strings.ContainsRune("PL0123456789-_=*", rune(t[0])) && skipRe.MatchString(t)) {
			continue
		}
		if len(r.fields) > 0 || cur != nil {
			if titled(t) && endRe.MatchString(t) {
				flush()
				ended = true
				continue
			}
		}
		if isLabel && inText {
			flush()
			if details {
				r.form = FormDetails
			}
			cur = &rawField{tag: tag, line: i + 1}
			continue
		}
		if cur == nil {
			readExportHeader(&r, t)
			continue
		}
		if v, how := subValue(t); how == keepLine {
			cur.lines = append(cur.lines, v)
		} else if how == joinLine && len(cur.lines) > 0 {
			cur.lines[len(cur.lines)-1] += v
		}
	}
	flush()
	return r
}

// The regular expressions run only on the lines that may match them: most
// lines of an export are values, and an export may be long.

func banner(t string) string {
	if !strings.HasPrefix(t, "---") {
		return ""
	}
	if m := bannerRe.FindStringSubmatch(t); m != nil {
		return m[1]
	}
	return ""
}

// label reads a label line: "27: Sequence of Total" or "F27: Sequence of
// Total". Its title, when there is one, starts with a capital and has a
// lower-case letter before any colon, which the upper-case values of a
// credit do not.
func label(t string) (tag string, details, ok bool) {
	if details = strings.HasPrefix(t, "F"); details {
		t = t[1:]
	}
	if len(t) < 3 || !allDigits(t[:2]) {
		return "", false, false
	}
	n := 2
	if t[2] >= 'A' && t[2] <= 'Z' {
		n = 3
	}
	if len(t) <= n || t[n] != ':' {
		return "", false, false
	}
	title := t[n+1:]
	if title == "" {
		return t[:n], details, true
	}
	if title[0] != ' ' {
		return "", false, false
	}
	title = strings.TrimSpace(title)
	if title[0] < 'A' || title[0] > 'Z' {
		return "", false, false
	}
	before, _, _ := strings.Cut(title, ":")
	if strings.IndexFunc(before, unicode.IsLower) < 0 {
		return "", false, false
	}
	return t[:n], details, true
}

func hasLabel(lines []string) bool {
	for _, l := range lines {
		if _, _, ok := label(strings.TrimSpace(l)); ok {
			return true
		}
	}
	return false
}

// titled reports whether t starts like a title: "Other", "Page 2 of 3".
func titled(t string) bool {
	return len(t) > 1 && t[0] >= 'A' && t[0] <= 'Z' && t[1] >= 'a' && t[1] <= 'z'
}

// readExportHeader takes the type and the banks from a header line.
func readExportHeader(r *reading, t string) {
	if m := typeRe.FindStringSubmatch(t); m != nil && r.msgType == "" {
		r.msgType = m[1]
	}
	if m := partyRe.FindStringSubmatch(t); m != nil {
		if m[1] == "Sender" && r.sender == "" {
			r.sender = ltBIC(m[2])
		} else if m[1] == "Receiver" && r.receiver == "" {
			r.receiver = ltBIC(m[2])
		}
	}
}

type lineUse int

const (
	keepLine lineUse = iota // a line of the value
	dropLine                // a sub-label with nothing after it
	joinLine                // the rest of the line before ("Number: 1/", "Total: 1")
)

// subValue turns one line of an export's value into its FIN form: without
// its sub-labels, a currency or an amount without its spelled-out echo, a
// date without its echo.
func subValue(t string) (string, lineUse) {
	label := ""
	for titled(t) {
		m := subLabelRe.FindStringSubmatch(t)
		if m == nil {
			break
		}
		label, t = m[1], strings.TrimSpace(m[2])
	}
	if m := dateEchoRe.FindStringSubmatch(t); m != nil {
		t = m[1]
	}
	switch label {
	case "Currency", "Amount", "Date":
		if f := strings.Fields(t); len(f) > 0 {
			t = f[0] // "USD US DOLLAR", "3300, #3,300.#"
		}
	case "Total":
		return t, joinLine
	case "Name and Address", "Identifier Code", "Party Identifier", "Account":
		if t == "" {
			return "", dropLine
		}
	}
	return t, keepLine
}
