package swift

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The readers of single field values. Each returns an error whose text
// completes "field TAG: …" for a value it cannot read.

// parseDate reads a SWIFT date, YYMMDD. Years 00–79 are 2000–2079, 80–99
// are 1980–1999.
func parseDate(s string) (Date, error) {
	if len(s) != 6 || !allDigits(s) {
		return Date{}, fmt.Errorf("%q is not a date written YYMMDD", clip(s))
	}
	yy, _ := strconv.Atoi(s[0:2])
	mm, _ := strconv.Atoi(s[2:4])
	dd, _ := strconv.Atoi(s[4:6])
	year := 2000 + yy
	if yy >= 80 {
		year = 1900 + yy
	}
	if mm < 1 || mm > 12 {
		return Date{}, fmt.Errorf("%s is not a date: there is no month %02d", s, mm)
	}
	t := time.Date(year, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if dd < 1 || t.Day() != dd {
		return Date{}, fmt.Errorf("%s is not a date: %s %d has no day %d", s, time.Month(mm), year, dd)
	}
	return Date{year, time.Month(mm), dd}, nil
}

// parseExpiry reads 31D, a date then a place, glued ("200421AT YOUR
// COUNTERS") or not ("111002 IN USA"), the place possibly on lines below.
func parseExpiry(lines []string) (Date, string, error) {
	first := ""
	if len(lines) > 0 {
		first = lines[0]
	}
	if len(first) < 6 || !allDigits(first[:6]) {
		return Date{}, "", fmt.Errorf("%q does not start with the expiry date (YYMMDD)", clip(first))
	}
	d, err := parseDate(first[:6])
	place := joinSpace(append([]string{first[6:]}, lines[1:]...))
	return d, place, err
}

// parseMoney reads a currency and an amount, "EUR100000," (32B, 33B, 34B).
// An export's amount may be written "#1,130,500.00#".
func parseMoney(lines []string) (Money, []string, error) {
	s := strings.Join(strings.Fields(strings.Join(lines, "")), "")
	if s == "" {
		return Money{}, nil, fmt.Errorf("no currency and amount")
	}
	cur := s[:min(3, len(s))]
	if !isLetters(cur) || len(cur) < 3 {
		return Money{}, nil, fmt.Errorf("%q has no currency (three letters, such as EUR, before the amount)", clip(s))
	}
	if s[3:] == "" {
		return Money{}, nil, fmt.Errorf("%q has a currency but no amount", clip(s))
	}
	amt, warns, err := parseAmount(s[3:])
	if err != nil {
		return Money{}, nil, err
	}
	return Money{Currency: strings.ToUpper(cur), Amount: amt}, warns, nil
}

// parseAmount reads an amount in SWIFT's form ("100000," and "100,00": the
// comma is the decimal mark) or in an export's ("#1,130,500.00#": commas
// group thousands when there is a point). The result has at least two
// decimals and no trailing zeros beyond them.
func parseAmount(s string) (Decimal, []string, error) {
	display := strings.HasPrefix(s, "#")
	s = strings.Trim(s, "#")
	var warns []string
	var intPart, frac string
	commas := strings.Count(s, ",")
	switch {
	case strings.Count(s, ".") > 1 || strings.ContainsAny(s, "+-eE") || s == "":
		return "", nil, fmt.Errorf("%q is not an amount", clip(s))
	case strings.Contains(s, "."):
		intPart, frac, _ = strings.Cut(s, ".")
		if !thousands(intPart) {
			return "", nil, fmt.Errorf("%q is not an amount", clip(s))
		}
		intPart = strings.ReplaceAll(intPart, ",", "")
		if !display {
			warns = append(warns, fmt.Sprintf("amount %q is written with a decimal point; SWIFT writes a comma", clip(s)))
		}
	case commas == 0:
		intPart = s
		if !display {
			warns = append(warns, fmt.Sprintf("amount %q has no decimal comma", clip(s)))
		}
	case commas == 1:
		intPart, frac, _ = strings.Cut(s, ",")
	default: // "1,130,500" or "1,130,500,00"
		i := strings.LastIndex(s, ",")
		intPart, frac = s, ""
		if len(s)-i-1 != 3 {
			intPart, frac = s[:i], s[i+1:]
		}
		if !thousands(intPart) {
			return "", nil, fmt.Errorf("%q is not an amount", clip(s))
		}
		intPart = strings.ReplaceAll(intPart, ",", "")
	}
	if intPart == "" || !allDigits(intPart) || !allDigits(frac) {
		return "", nil, fmt.Errorf("%q is not an amount", clip(s))
	}
	if len(intPart) > 18 || len(frac) > 6 {
		return "", nil, fmt.Errorf("%q has more digits than an amount can have", clip(s))
	}
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	frac = strings.TrimRight(frac, "0")
	for len(frac) < 2 {
		frac += "0"
	}
	return Decimal(intPart + "." + frac), warns, nil
}

// thousands reports whether s is digits, grouped by commas in threes.
func thousands(s string) bool {
	groups := strings.Split(s, ",")
	for i, g := range groups {
		if g == "" || !allDigits(g) || (i > 0 && len(g) != 3) || (i == 0 && len(groups) > 1 && len(g) > 3) {
			return false
		}
	}
	return true
}

var toleranceRe = regexp.MustCompile(`^(\d{1,3})\s*/\s*(\d{1,3})$`)

// parseTolerance reads 39A, "10/10": plus and minus percent.
func parseTolerance(lines []string) (plus, minus Decimal, err error) {
	s := strings.Join(nonEmpty(lines), "/")
	m := toleranceRe.FindStringSubmatch(s)
	if m == nil {
		return "", "", fmt.Errorf("%q is not a tolerance written plus/minus, such as 10/10", clip(s))
	}
	return Decimal(trimZeros(m[1])), Decimal(trimZeros(m[2])), nil
}

var (
	leadingDaysRe = regexp.MustCompile(`^(\d{1,3})(?:\s|/|$)`)
	daysRe        = regexp.MustCompile(`\(?(\d{1,3})\)?\s*(?:CALENDAR\s+|BANKING\s+|WORKING\s+)?DAYS?\b`)
)

// parsePresentation reads 48: the number of days ("21", "21/FROM B/L
// DATE", "WITHIN 6 DAYS OF ISSUANCE OF FCR") and the text as written. days
// is nil when the text names no number.
func parsePresentation(lines []string) (days *int, text string) {
	text = joinSpace(lines)
	up := strings.ToUpper(text)
	m := leadingDaysRe.FindStringSubmatch(up)
	if m == nil {
		m = daysRe.FindStringSubmatch(up)
	}
	if m == nil {
		return nil, text
	}
	n, _ := strconv.Atoi(m[1])
	return &n, text
}

// parseAvailable reads 41a: the bank's lines, then "BY PAYMENT" (or
// NEGOTIATION, ACCEPTANCE, DEF PAYMENT, MIXED PYMT).
func parseAvailable(lines []string) (with []string, by string) {
	lines = nonEmpty(lines)
	for i := len(lines) - 1; i >= 0; i-- {
		if rest, ok := strings.CutPrefix(lines[i], "BY "); ok {
			return append(lines[:i:i], lines[i+1:]...), strings.TrimSpace(rest)
		}
	}
	return lines, ""
}

// parseChanges reads the coded paragraphs of 45B, 46B, 47B: each starts with
// /ADD/, /DELETE/ or /REPALL/ and runs to the next code.
func parseChanges(tag string, lines []string) (changes []Change, uncoded bool) {
	var cur *Change
	var text []string
	flush := func() {
		if cur != nil {
			cur.Text = strings.Join(trimBlank(text), "\n")
			changes = append(changes, *cur)
		}
		cur, text = nil, nil
	}
	for _, l := range lines {
		if m := changeCodeRe.FindStringSubmatch(l); m != nil {
			flush()
			cur = &Change{Tag: tag, Code: "/" + strings.ToUpper(m[1]) + "/"}
			text = append(text, strings.TrimSpace(m[2]))
			continue
		}
		if cur == nil {
			if l == "" {
				continue
			}
			cur, uncoded = &Change{Tag: tag}, true
		}
		text = append(text, l)
	}
	flush()
	return changes, uncoded
}

var changeCodeRe = regexp.MustCompile(`(?i)^/(ADD|DELETE|REPALL)/(.*)$`)

// joinSpace joins the non-empty lines with one space.
func joinSpace(lines []string) string {
	return strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
}

// joinLines joins the lines with "\n", without blank lines at either end.
func joinLines(lines []string) string {
	return strings.Join(trimBlank(lines), "\n")
}

func nonEmpty(lines []string) []string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func trimZeros(s string) string {
	if t := strings.TrimLeft(s, "0"); t != "" {
		return t
	}
	return "0"
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && s[i]&0xC0 == 0x80 { // not in the middle of a rune
		i--
	}
	return s[:i] + "…"
}
