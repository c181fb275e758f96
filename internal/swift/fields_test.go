package swift

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseAmount(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		warn     bool // written in a way SWIFT does not
	}{
		{"100000,", "100000.00", false},
		{"100,00", "100.00", false},
		{"1,5", "1.50", false},
		{"0,", "0.00", false},
		{"00012,340", "12.34", false},
		{"1234,567", "1234.567", false},
		{"#1,#", "1.00", false},
		{"#1,130,500.00#", "1130500.00", false},
		{"#3,300.#", "3300.00", false},
		{"1,130,500", "1130500.00", false},
		{"1,130,500,75", "1130500.75", false},
		{"1000.50", "1000.50", true},
		{"1000", "1000.00", true},
		{"", "", false},
		{"1,0,0", "", false},
		{"12,34,567.00", "", false},
		{"1.2.3", "", false},
		{"-5,", "", false},
		{"1E5,", "", false},
		{"ABC,", "", false},
		{strings.Repeat("9", 19) + ",", "", false},
	}
	for _, c := range cases {
		got, warns, err := parseAmount(c.in)
		if string(got) != c.want || (err != nil) != (c.want == "") || (len(warns) > 0) != c.warn {
			t.Errorf("parseAmount(%q) = %q, %q, %v; want %q (warning %v)", c.in, got, warns, err, c.want, c.warn)
		}
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	cases := map[string]Date{
		"200421": {2020, time.April, 21},
		"280229": {2028, time.February, 29}, // leap day
		"991231": {1999, time.December, 31},
		"790101": {2079, time.January, 1},
		"230229": {}, // 2023 is not a leap year
		"230230": {},
		"231301": {},
		"230100": {},
		"2304":   {},
		"23O430": {},
	}
	for in, want := range cases {
		got, err := parseDate(in)
		if got != want || (err != nil) != want.IsZero() {
			t.Errorf("parseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestParsePresentation(t *testing.T) {
	t.Parallel()
	cases := map[string]int{ // -1: no number of days
		"21":                               21,
		"21/FROM THE DATE OF SHIPMENT":     21,
		"WITHIN 6 DAYS OF ISSUANCE OF FCR": 6,
		"NOT LATER THAN 15 DAYS AFTER B/L DATE BUT WITHIN THE VALIDITY OF L/C": 15,
		"DOCUMENTS TO BE PRESENTED WITHIN TWENTY ONE (21) DAYS AFTER SHIPMENT": 21,
		"WITHIN 10 BANKING DAYS AFTER SHIPMENT":                                10,
		"AS SOON AS POSSIBLE":                                                  -1,
	}
	for in, want := range cases {
		days, text := parsePresentation(strings.Split(in, "\n"))
		if text != in || (want < 0) != (days == nil) || (days != nil && *days != want) {
			t.Errorf("parsePresentation(%q) = %v, %q; want %d", in, days, text, want)
		}
	}
}

func TestSplitItems(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want []string
	}{
		{"+INVOICE\n+PACKING LIST", []string{"INVOICE", "PACKING LIST"}},
		{"+ INVOICE IN  3\nCOPIES\n+B/L", []string{"INVOICE IN 3 COPIES", "B/L"}},
		{"+ONE NON-\nNEGOTIABLE COPY", []string{"ONE NON-NEGOTIABLE COPY"}},
		{"+VIA COURIER.+DRAFTS MARKED\nDRAWN UNDER LC +THIS IS OPERATIVE", []string{"VIA COURIER.", "DRAFTS MARKED DRAWN UNDER LC", "THIS IS OPERATIVE"}},
		{"++/-10PCT ALLOWED\n+ORIGINAL + 3 COPIES", []string{"+/-10PCT ALLOWED", "ORIGINAL + 3 COPIES"}},
		{"1) INVOICE\n2) B/L MADE OUT\nTO ORDER\n3) CERTIFICATE", []string{"INVOICE", "B/L MADE OUT TO ORDER", "CERTIFICATE"}},
		{"1.INVOICE\n.\n2.3/3 ORIGINAL B/L\n.\n11.INSURANCE", []string{"INVOICE", "3/3 ORIGINAL B/L", "INSURANCE"}},
		{"1. GOODS OF\n2 ORIGINS\n2. CERTIFICATE", []string{"GOODS OF 2 ORIGINS", "CERTIFICATE"}},
		{"(1) INVOICE\n(2) B/L", []string{"INVOICE", "B/L"}},
		{"ALL DOCUMENTS IN ENGLISH", []string{"ALL DOCUMENTS IN ENGLISH"}},
		{"", nil},
	}
	for _, c := range cases {
		if got := splitItems(strings.Split(c.in, "\n")); !slices.Equal(got, c.want) {
			t.Errorf("splitItems(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestJSONShape checks the answer's members against SPEC §7: absent values
// are null, lists of problems are never null.
func TestJSONShape(t *testing.T) {
	t.Parallel()
	m, err := Parse(minimal700)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"amendment", "errors", "fields", "lc", "message_type", "warnings"}; !slices.Equal(keys, want) {
		t.Errorf("members %q, want %q", keys, want)
	}
	for member, want := range map[string]string{"message_type": `"700"`, "amendment": "null", "errors": "[]", "warnings": "[]"} {
		if string(got[member]) != want {
			t.Errorf("%s = %s, want %s", member, got[member], want)
		}
	}
	var lc map[string]json.RawMessage
	if err := json.Unmarshal(got["lc"], &lc); err != nil {
		t.Fatal(err)
	}
	for member, want := range map[string]string{
		"number": `"ABC123"`, "issue_date": `"2023-01-05"`, "expiry_date": `"2023-04-30"`, "expiry_place": `"IN HAMBURG"`,
		"applicant": `["APPLICANT LTD"]`, "currency": `"EUR"`, "amount": `"1000.00"`,
		"tolerance_plus": "null", "tolerance_minus": "null", "latest_shipment_date": "null", "shipment_period": "null",
		"presentation_days": "null", "presentation_text": "null", "documents_required": "null", "goods": "null",
	} {
		if string(lc[member]) != want {
			t.Errorf("lc.%s = %s, want %s", member, lc[member], want)
		}
	}
	var fields []map[string]any
	if err := json.Unmarshal(got["fields"], &fields); err != nil || len(fields) != 11 {
		t.Fatalf("fields %s: %v", got["fields"], err)
	}
	if f := fields[2]; f["tag"] != "20" || f["value"] != "ABC123" || f["line"] != 3.0 {
		t.Errorf("fields[2] = %v", f)
	}
}
