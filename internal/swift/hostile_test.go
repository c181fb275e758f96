package swift

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// minimal700 is the smallest MT700 without errors; tests change one field.
const minimal700 = `:27:1/1
:40A:IRREVOCABLE
:20:ABC123
:31C:230105
:40E:UCP LATEST VERSION
:31D:230430IN HAMBURG
:50:APPLICANT LTD
:59:BENEFICIARY GMBH
:32B:EUR1000,
:41D:ANY BANK
BY NEGOTIATION
:49:WITHOUT
`

func TestUnreadable(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"empty":           "",
		"blank lines":     "\n\n   \n",
		"prose":           "Dear Sir,\nplease find the credit attached.\nRegards",
		"only headers":    "{1:F01BANKDEFFAXXX0000000000}{2:I700BANKUS33XXXXN}{4:\n-}",
		"an MT103":        "{1:F01BANKDEFFAXXX0000000000}{2:I103BANKUS33XXXXN}{4:\n:20:X\n:32A:230101EUR1,\n-}",
		"a print-out 103": "Swift Output : FIN 103 Single Customer Credit Transfer\n 20: Transaction Reference Number\n  ABC\n",
		"MT798 sans 77E":  "{1:F01BANKDEFFAXXX0000000000}{2:I798BANKUS33XXXXN}{4:\n:20:ENV\n:12:700\n-}",
		"too long":        ":20:" + strings.Repeat("A", MaxInput),
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, err := Parse(text)
			if !errors.Is(err, ErrUnreadable) {
				t.Fatalf("err = %v (message %+v), want ErrUnreadable", err, m)
			}
		})
	}
}

func TestFieldProblems(t *testing.T) {
	t.Parallel()
	replace := func(old, new string) string {
		if !strings.Contains(minimal700, old) {
			t.Fatalf("minimal700 has no %q", old)
		}
		return strings.Replace(minimal700, old, new, 1)
	}
	cases := []struct {
		name    string
		text    string
		errors  []string // "TAG@LINE: part of the message"
		warning string   // "TAG@LINE: part of the message"
	}{
		{"none", minimal700, nil, ""},
		{"31D date that does not exist", replace(":31D:230430", ":31D:230230"), []string{"31D@6: February 2023 has no day 30"}, ""},
		{"31D month 13", replace(":31D:230430", ":31D:231301"), []string{"31D@6: no month 13"}, ""},
		{"31D without a date", replace(":31D:230430", ":31D:"), []string{"31D@6: does not start with the expiry date"}, ""},
		{"31C not a date", replace(":31C:230105", ":31C:5 JAN 2023"), []string{`31C@4: "5 JAN 2023" is not a date`}, ""},
		{"32B without currency", replace(":32B:EUR1000,", ":32B:1000,"), []string{"32B@9: has no currency"}, ""},
		{"32B without amount", replace(":32B:EUR1000,", ":32B:EUR"), []string{"32B@9: no amount"}, ""},
		{"32B not an amount", replace(":32B:EUR1000,", ":32B:EUR1,0,0"), []string{"32B@9: is not an amount"}, ""},
		{"32B with a decimal point", replace(":32B:EUR1000,", ":32B:EUR1000.50"), nil, "32B@9: decimal point"},
		{"44C and 44D", minimal700 + ":44C:230410\n:44D:APRIL 2023\n", []string{"44D@14: both given"}, ""},
		{"39A not a tolerance", minimal700 + ":39A:ABOUT 10 PCT\n", []string{"39A@13: not a tolerance"}, ""},
		{"79 in an MT700", minimal700 + ":79:NARRATIVE\n", nil, "79@13: not part of an MT700"},
		{"48 without days", minimal700 + ":48:AS SOON AS POSSIBLE\n", nil, "48@13: no number of days"},
		{"20 twice", minimal700 + ":20:OTHER\n", nil, "20@13: more than once"},
		{"41a without BY", replace("BY NEGOTIATION\n", ""), nil, "41D@10: does not say how"},
		{"MT701 follows", replace(":27:1/1", ":27:1/2"), nil, "27@1: MT701"},
		{"missing mandatory fields", ":20:ABC123\n:32B:EUR1,\n", []string{
			"27@0: mandatory field 27", "40A@0:", "31C@0:", "40E@0:", "31D@0:", "50@0:", "59@0:", "41a@0:", "49@0:",
		}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m, err := Parse(c.text)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Errors) != len(c.errors) {
				t.Fatalf("errors %+v, want %q", m.Errors, c.errors)
			}
			for i, want := range c.errors {
				if !matches(m.Errors[i], want) {
					t.Errorf("error %+v, want %q", m.Errors[i], want)
				}
			}
			if c.warning != "" && (len(m.Warnings) != 1 || !matches(m.Warnings[0], c.warning)) {
				t.Errorf("warnings %+v, want %q", m.Warnings, c.warning)
			}
			if c.warning == "" && len(m.Warnings) > 0 {
				t.Errorf("warnings %+v, want none", m.Warnings)
			}
			if m.LC.Number != "ABC123" {
				t.Errorf("number = %q: the rest of the message must still be read", m.LC.Number)
			}
		})
	}
}

// matches reports whether p is "TAG@LINE: …text…".
func matches(p Problem, want string) bool {
	head, text, _ := strings.Cut(want, ": ")
	tag, line, _ := strings.Cut(head, "@")
	return p.Tag == tag && (line == "" || jsonInt(line) == p.Line) && strings.Contains(p.Message, text)
}

func jsonInt(s string) int {
	var n int
	_ = json.Unmarshal([]byte(s), &n)
	return n
}

func TestUnknownTagsKept(t *testing.T) {
	t.Parallel()
	m, err := Parse(minimal700 + ":99Z:SOMETHING NEW\nON TWO LINES\n")
	if err != nil {
		t.Fatal(err)
	}
	last := m.Fields[len(m.Fields)-1]
	if last != (Field{Tag: "99Z", Value: "SOMETHING NEW\nON TWO LINES", Line: 13}) {
		t.Errorf("last field = %+v", last)
	}
	if len(m.Warnings) != 1 || m.Warnings[0].Tag != "99Z" {
		t.Errorf("warnings = %+v, want one on 99Z", m.Warnings)
	}
}

func TestHostileText(t *testing.T) {
	t.Parallel()
	withNUL := strings.ReplaceAll(minimal700, "APPLICANT LTD", "APPLICANT\x00LTD")
	m, err := Parse(withNUL)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Errors) != 0 || len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0].Message, "control characters") {
		t.Errorf("errors %+v, warnings %+v", m.Errors, m.Warnings)
	}
	if got := m.LC.Applicant; len(got) != 1 || got[0] != "APPLICANT LTD" {
		t.Errorf("applicant = %q", got)
	}

	long := strings.Repeat("VERY LONG GOODS DESCRIPTION ", 30000) // one line of 840 kB
	m, err = Parse(minimal700 + ":45A:" + long + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.LC.Goods) != len(strings.TrimSpace(long)) {
		t.Errorf("goods: %d bytes, want %d", len(m.LC.Goods), len(strings.TrimSpace(long)))
	}

	m, err = Parse(strings.Replace(minimal700, "BENEFICIARY GMBH", "BENEFICIARY \xff\xfe GMBH", 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(m); err != nil {
		t.Errorf("invalid UTF-8 makes an answer that does not marshal: %v", err)
	}
}

func TestTwoMessagesInOneText(t *testing.T) {
	t.Parallel()
	printout := strings.NewReplacer("»", "\t", "·", "\u00a0").Replace(printout700)
	second := strings.Replace(printout, "LC/DOK·70865/19", "SECOND/1", 1)
	for name, text := range map[string]string{
		"FIN":             credit700 + strings.Replace(credit700, "LC/DOK 70865/19", "SECOND/1", 1),
		"print-out":       printout + strings.Replace(second, "LC/DOK\u00a070865/19", "SECOND/1", 1),
		"Message Details": details700 + strings.Replace(details700, "LC/DOK 70865/19", "SECOND/1", -1),
	} {
		m, err := Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		if m.LC.Number != "LC/DOK 70865/19" || len(m.Errors) > 0 {
			t.Errorf("%s: number %q, errors %+v", name, m.LC.Number, m.Errors)
		}
		if len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0].Message, "more than one message") {
			t.Errorf("%s: warnings %+v", name, m.Warnings)
		}
	}
}

// TestEveryPrefix reads every cut-off version of the samples and of one
// credit in each form: none may panic, and each answer keeps the invariants.
func TestEveryPrefix(t *testing.T) {
	t.Parallel()
	texts := []string{credit700, printout700, details700, details707, amendment707}
	for _, name := range []string{"src01_mt700.txt", "src09_mt798_mt700.txt", "src10_mt700.txt"} {
		texts = append(texts, readSample(t, name))
	}
	for _, text := range texts {
		a, errA := Parse(text)
		b, errB := Parse(text)
		if !reflect.DeepEqual(a, b) || (errA == nil) != (errB == nil) {
			t.Errorf("two readings of the same text differ")
		}
		// Cut at each line's end, just after its start and in its middle.
		start := 0
		for i := range len(text) + 1 {
			if i < len(text) && text[i] != '\n' {
				continue
			}
			for _, cut := range []int{min(start+1, i), (start + i) / 2, i} {
				checkInvariants(t, text[:cut])
			}
			start = i + 1
		}
	}
}
