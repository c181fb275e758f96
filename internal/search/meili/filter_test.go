package meili

import (
	"slices"
	"strings"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/search"
)

// meiliUnquote reads the double-quoted string at the start of s as
// Meilisearch's filter parser does (crates/filter-parser, value.rs, 1.4 and
// later): the string ends at the first quote not preceded by a backslash; if
// it holds an escaped quote, every `\"` becomes `"`; then escape sequences
// are unescaped. It returns the value and the rest of s.
func meiliUnquote(t *testing.T, s string) (string, string) {
	t.Helper()
	if !strings.HasPrefix(s, `"`) {
		t.Fatalf("no string at %q", s)
	}
	escapedQuote := false
	i := 1
	for ; i < len(s) && s[i] != '"'; i++ {
		if s[i] == '\\' {
			if i+1 == len(s) {
				t.Fatalf("malformed value: %q", s)
			}
			escapedQuote = escapedQuote || s[i+1] == '"'
			i++
		}
	}
	if i == len(s) {
		t.Fatalf("unclosed string: %q", s)
	}
	frag := s[1:i]
	if escapedQuote {
		frag = strings.ReplaceAll(frag, `\"`, `"`)
	}
	var b strings.Builder
	for j := 0; j < len(frag); j++ {
		if frag[j] != '\\' {
			b.WriteByte(frag[j])
			continue
		}
		j++
		switch c := frag[j]; c {
		case '\\', '"', '\'':
			b.WriteByte(c)
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		default:
			t.Fatalf("escape \\%c would change the value %q", c, frag)
		}
	}
	return b.String(), s[i+1:]
}

// skeleton replaces every quoted string of filter with "?" and returns the
// values, read as Meilisearch reads them.
func skeleton(t *testing.T, filter string) (string, []string) {
	t.Helper()
	var out strings.Builder
	var values []string
	for rest := filter; rest != ""; {
		i := strings.IndexByte(rest, '"')
		if i < 0 {
			out.WriteString(rest)
			break
		}
		out.WriteString(rest[:i] + `"?"`)
		var v string
		v, rest = meiliUnquote(t, rest[i:])
		values = append(values, v)
	}
	return out.String(), values
}

var awkward = []string{
	`ACME "Ltd"`, `Acme "Ltd" & O'Neil\Söhne`, `back\slash`, `trailing\`, `\`, `\\`, `"`, `\"`, `\\"`, `""`,
	`x" OR kind = "y`, `a"] OR kind IN ["b`, `'single'`, `\u0041`, `\n`, "new\nline", "tab\t", "nul\x00",
	"", "AND", "NOT", "(", `_geoRadius(1, 2, 3)`, "中文",
}

// No value can break out of its quotes: Meilisearch reads back each value
// exactly, and the structure of the filter stays the same.
func TestFilterQuoting(t *testing.T) {
	t.Parallel()
	for _, v := range awkward {
		q := search.Query{Kind: []string{"contract", v}, Customer: []string{v}, State: []string{"approved"}, Currency: []string{v, "EUR"}}
		f, err := buildFilter(q)
		if err != nil {
			t.Fatalf("buildFilter(%q): %v", v, err)
		}
		shape, values := skeleton(t, f)
		wantShape := `kind IN ["?", "?"] AND state IN ["?"] AND customer IN ["?"] AND currency IN ["?", "?"]`
		if shape != wantShape {
			t.Errorf("value %q: filter %s has the shape\n%s, want\n%s", v, f, shape, wantShape)
		}
		if want := []string{"contract", v, "approved", v, v, "EUR"}; !slices.Equal(values, want) {
			t.Errorf("value %q: Meilisearch reads %q, want %q", v, values, want)
		}
	}
}

func TestBuildFilter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		q    search.Query
		want string
	}{
		{search.Query{}, ""},
		{search.Query{Q: "anything"}, ""},
		{search.Query{Kind: []string{"contract"}}, `kind IN ["contract"]`},
		{search.Query{DateFrom: "2025-03-01", DateTo: "2025-03-31"}, `date_num >= 20250301 AND date_num <= 20250331`},
		{search.Query{AmountMin: "100000", AmountMax: "99.99"}, `amount_value >= 100000 AND amount_value <= 99.99`},
		{search.Query{Customer: []string{`ACME "Ltd"`}, AmountMin: "0.5"}, `customer IN ["ACME \"Ltd\""] AND amount_value >= 0.5`},
	} {
		got, err := buildFilter(tc.q)
		if err != nil || got != tc.want {
			t.Errorf("buildFilter(%+v) = %q, %v; want %q", tc.q, got, err, tc.want)
		}
	}
}

// Dates and amounts are checked before they reach the filter, where they
// are written unquoted.
func TestBuildFilterRejects(t *testing.T) {
	t.Parallel()
	for _, q := range []search.Query{
		{DateFrom: "2025-13-01"}, {DateTo: "yesterday"}, {DateFrom: "2025-03-01 OR kind = x"},
		{AmountMin: "1e5"}, {AmountMax: "-1"}, {AmountMin: "1 OR kind = x"}, {AmountMin: ".5"},
		{AmountMax: "12345678901234567890123"}, {AmountMin: "1.23456"},
	} {
		if _, err := buildFilter(q); dossier.ErrorCode(err) != dossier.EInvalid {
			t.Errorf("buildFilter(%+v): err %v, want %s", q, err, dossier.EInvalid)
		}
	}
}
