package swift

import (
	"regexp"
	"strconv"
	"strings"
)

// numberedRe is a numbered item's first line: "1) INVOICE", "2. B/L",
// "3.ONE ORIGINAL", "(4) PACKING LIST".
var numberedRe = regexp.MustCompile(`^\(?(\d{1,2})\s?[.)]\s*(.*)$`)

// splitItems cuts 46A or 47A into its items. Banks mark them with "+" (at
// the start of a line, or in the middle of one after a full stop or a space:
// "COURIER.+DRAFTS") or number them ("1)", "2.", "3.ONE"); the first marker
// of the field decides which. Continuation lines join their item with a
// space, or without one after a hyphen that ends a line ("NON-" "NEGOTIABLE").
// Text without any marker is one item.
func splitItems(lines []string) []string {
	lines = nonEmpty(lines)
	plus := true
	for _, l := range lines {
		if strings.HasPrefix(l, "+") {
			break
		}
		if numberedItem(l) != nil {
			plus = false
			break
		}
	}
	var items, cur []string
	flush := func() {
		if t := joinWrapped(cur); t != "" && t != "." {
			items = append(items, t)
		}
		cur = nil
	}
	last := 0
	for _, l := range lines {
		if l == "." { // Message Details separates items with a lone full stop
			continue
		}
		if plus {
			if rest, ok := strings.CutPrefix(l, "+"); ok {
				flush()
				l = strings.TrimSpace(rest)
			}
			parts := splitMidPlus(l)
			cur = append(cur, parts[0])
			for _, p := range parts[1:] {
				flush()
				cur = append(cur, p)
			}
			continue
		}
		// A number starts an item when it counts up: "2.3/3 ORIGINAL" is
		// item 2, a line "1.5 KG" inside item 4 is not an item.
		if m := numberedItem(l); m != nil {
			if n, _ := strconv.Atoi(m[1]); n > last {
				flush()
				last = n
				l = m[2]
			}
		}
		cur = append(cur, l)
	}
	flush()
	return items
}

func numberedItem(l string) []string {
	if l[0] != '(' && (l[0] < '0' || l[0] > '9') {
		return nil
	}
	return numberedRe.FindStringSubmatch(l)
}

// splitMidPlus cuts a line at each "+" that starts an item in the middle of
// it: after a space or a punctuation mark, before a letter. "+/-10PCT" and
// "ORIGINAL + 3 COPIES" stay whole.
func splitMidPlus(l string) []string {
	var parts []string
	start := 0
	for i := 1; i+1 < len(l); i++ {
		if l[i] != '+' || !isLetters(l[i+1:i+2]) || !strings.ContainsRune(" .,;:)", rune(l[i-1])) {
			continue
		}
		parts = append(parts, strings.TrimSpace(l[start:i]))
		start = i + 1
	}
	return append(parts, strings.TrimSpace(l[start:]))
}

// joinWrapped joins an item's lines as one text, with single spaces.
func joinWrapped(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			continue
		}
		s := b.String()
		if n := len(s); n > 1 && s[n-1] == '-' && isLetters(s[n-2:n-1]) {
			b.WriteString(l)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(l)
	}
	return b.String()
}
