package swift

import (
	"regexp"
	"strings"
)

var (
	block1Re = regexp.MustCompile(`\{1:F\d{2}([A-Z0-9]{12})`)
	block2Re = regexp.MustCompile(`\{2:([IO])(\d{3})([A-Z0-9]*)`)
)

func hasBlock4(lines []string) bool {
	for _, l := range lines {
		if strings.Contains(l, "{4:") {
			return true
		}
	}
	return false
}

// readFIN reads a message in blocks: the header blocks 1 and 2 name the
// sender, the receiver and the type; block 4, from "{4:" to "-}", holds
// the fields.
func readFIN(lines []string) reading {
	r := reading{form: FormFIN}
	start, col := -1, 0
	for i, l := range lines {
		if j := strings.Index(l, "{4:"); j >= 0 {
			start, col = i, j
			break
		}
	}
	head := strings.Join(lines[:start], "\n") + lines[start][:col]
	readHeader(&r, head)

	body := make([]numbered, 0, len(lines)-start)
	if rest := lines[start][col+3:]; strings.TrimSpace(rest) != "" {
		body = append(body, numbered{rest, start + 1})
	}
	closed := false
	for i := start + 1; i < len(lines); i++ {
		if isBlockEnd(lines[i]) {
			closed = true
			if more := strings.Join(lines[i:], "\n"); strings.Contains(more, "{4:") {
				r.warnings = append(r.warnings, Problem{Line: i + 1, Message: "the text holds more than one message; only the first was read"})
			}
			break
		}
		body = append(body, numbered{lines[i], i + 1})
	}
	if !closed {
		r.warnings = append(r.warnings, Problem{Line: len(lines), Message: `block 4 does not end with "-}": the message may be cut off`})
	}
	r.fields = splitFIN(body)
	return r
}

// readBlock4 reads the fields alone (":20:…" lines), up to a "-" or "-}"
// line. An MT798 is known by its fields 12 and 77E.
func readBlock4(lines []string) reading {
	r := reading{form: FormBlock4}
	body := make([]numbered, 0, len(lines))
	for i, l := range lines {
		if isBlockEnd(l) {
			break
		}
		body = append(body, numbered{l, i + 1})
	}
	r.fields = splitFIN(body)
	var has12, has77E bool
	for _, f := range r.fields {
		has12 = has12 || f.tag == "12"
		has77E = has77E || f.tag == "77E"
	}
	if has12 && has77E {
		r.msgType = "798"
	}
	return r
}

// readHeader takes the type and both banks from blocks 1 and 2. In an input
// message (I) block 1 is the sender and block 2 the receiver; in an output
// message (O) block 1 is the receiver and block 2 carries the sender in its
// message input reference.
func readHeader(r *reading, head string) {
	var lt1 string
	if m := block1Re.FindStringSubmatch(head); m != nil {
		lt1 = m[1]
	}
	m := block2Re.FindStringSubmatch(head)
	if m == nil {
		r.sender = ltBIC(lt1)
		return
	}
	r.msgType = m[2]
	if m[1] == "I" {
		r.sender = ltBIC(lt1)
		if len(m[3]) >= 12 {
			r.receiver = ltBIC(m[3][:12])
		}
		return
	}
	r.receiver = ltBIC(lt1)
	if len(m[3]) >= 22 { // HHMM, YYMMDD, then the sender's LT
		r.sender = ltBIC(m[3][10:22])
	}
}

// ltBIC makes a 12-character logical terminal address into the BIC it
// belongs to (the 9th character names the terminal).
func ltBIC(lt string) string {
	if len(lt) != 12 {
		return lt
	}
	return lt[:8] + lt[9:]
}

func hasFINTag(lines []string) bool {
	for _, l := range lines {
		if _, _, ok := finTag(l); ok {
			return true
		}
	}
	return false
}

func isBlockEnd(l string) bool {
	t := strings.TrimSpace(l)
	return t == "-" || strings.HasPrefix(t, "-}")
}

type numbered struct {
	text string
	line int
}

// finTag reads a field's first line in FIN syntax, indented or not:
// ":31D:200421AT YOUR COUNTERS" is tag 31D, value "200421AT YOUR COUNTERS".
func finTag(l string) (tag, rest string, ok bool) {
	t := strings.TrimLeft(l, " ")
	if len(t) < 4 || t[0] != ':' || !allDigits(t[1:3]) {
		return "", "", false
	}
	n := 3
	if isLetters(t[3:4]) {
		n = 4
	}
	if len(t) <= n || t[n] != ':' {
		return "", "", false
	}
	return strings.ToUpper(t[1:n]), t[n+1:], true
}

// splitFIN cuts FIN lines into fields: a field runs from its tag to the next
// tag. Lines before the first tag are not part of any field.
func splitFIN(body []numbered) []rawField {
	var fields []rawField
	for _, l := range body {
		if tag, rest, ok := finTag(l.text); ok {
			fields = append(fields, rawField{tag: tag, line: l.line, lines: []string{strings.TrimSpace(rest)}})
			continue
		}
		if len(fields) > 0 {
			f := &fields[len(fields)-1]
			f.lines = append(f.lines, strings.TrimSpace(l.text))
		}
	}
	for i := range fields {
		fields[i].lines = trimBlank(fields[i].lines)
	}
	return fields
}

// trimBlank drops the empty lines at either end.
func trimBlank(lines []string) []string {
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	return lines
}
