package dossier

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// validPO is a complete, valid purchase order; each case changes one thing.
func validPO() Metadata {
	return Metadata{
		Kind: KindPurchaseOrder, Subtype: "tooling", Title: "Tooling PO 4711",
		Number: "PO-4711", Customer: "ACME Automotive", Amount: "12500.00", Currency: "EUR",
		Dates:        map[string]string{"issue_date": "2026-02-28", "due_date": "2028-02-29"},
		ProductCodes: []ProductCode{{GPN: "G-1", LPN: "L-1"}, {LPN: "L-2"}},
		Tags:         []string{"tooling", "urgent"},
		Fields:       json.RawMessage(`{"incoterm":"FCA","lines":["1","2"],"free":[1,{"x":2}]}`),
	}
}

// specs are the metadata rules of the kinds these tests use, as their
// definitions would declare them.
var specs = map[Kind]KindSpec{
	KindPurchaseOrder: {Kind: KindPurchaseOrder, Subtypes: []string{"serial", "tooling", "prototype", "rnd", "packaging"},
		Fields: map[string]FieldType{"incoterm": FieldText, "lines": FieldList, "days": FieldInteger,
			"rate": FieldDecimal, "shipped_on": FieldDate, "urgent": FieldBoolean}},
	KindContract:       {Kind: KindContract},
	KindCustoms:        {Kind: KindCustoms},
	KindOther:          {Kind: KindOther, ZeroAmount: true},
	"nda":              {Kind: "nda", Required: []string{"customer", "dates.expiry_date", "fields.scope"}},
	KindLetterOfCredit: {Kind: KindLetterOfCredit, DateOrder: [][]string{{"issue_date", "latest_shipment_date", "expiry_date"}}},
}

func TestValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		change   func(m *Metadata)
		wantCode Code   // "" when valid
		wantMsg  string // a part of the message
	}{
		{"valid purchase order", func(m *Metadata) {}, "", ""},
		{"kind without subtypes", func(m *Metadata) { m.Kind, m.Subtype = KindContract, "" }, "", ""},
		{"minimal other", func(m *Metadata) { *m = Metadata{Kind: KindOther, Title: "x"} }, "", ""},
		{"fields null", func(m *Metadata) { m.Fields = json.RawMessage(`null`) }, "", ""},
		{"fields 16 deep", func(m *Metadata) {
			m.Fields = json.RawMessage(`{"a":` + strings.Repeat("[", 15) + `"]]]]]]]]]]]]]]]]]]]]\\\"[[["` + strings.Repeat("]", 15) + `}`)
		}, "", ""},
		{"fields 17 deep", func(m *Metadata) {
			m.Fields = json.RawMessage(`{"a":` + strings.Repeat("[", 16) + strings.Repeat("]", 16) + `}`)
		}, EUnprocessable, "more than 16 deep"},
		{"no amount no currency", func(m *Metadata) { m.Amount, m.Currency = "", "" }, "", ""},
		{"amount max precision", func(m *Metadata) { m.Amount, m.Currency = "999999999999999999.9999", "CLF" }, "", ""},
		{"leading zeros", func(m *Metadata) { m.Amount = "0012.5" }, "", ""},
		{"unicode title", func(m *Metadata) { m.Title = "Rahmenvertrag Größe 株式会社" }, "", ""},
		{"50 tags", func(m *Metadata) { m.Tags = slices.Repeat([]string{"t"}, 50) }, "", ""},

		{"required metadata", func(m *Metadata) { m.Kind, m.Subtype = "nda", "" }, EUnprocessable, "a nda needs dates.expiry_date, fields.scope"},
		{"required metadata given", func(m *Metadata) {
			m.Kind, m.Subtype, m.Dates["expiry_date"], m.Fields = "nda", "", "2027-01-01", json.RawMessage(`{"scope":"tooling"}`)
		}, "", ""},
		{"typed fields", func(m *Metadata) {
			m.Fields = json.RawMessage(`{"incoterm":"FCA","lines":[],"days":21,"rate":"0.25","shipped_on":"2026-03-31","urgent":false,"other":"x"}`)
		}, "", ""},
		{"typed field null is unset", func(m *Metadata) { m.Fields = json.RawMessage(`{"days":null}`) }, "", ""},
		{"integer as text", func(m *Metadata) { m.Fields = json.RawMessage(`{"days":"abc"}`) }, EUnprocessable, `fields.days "\"abc\"" must be a whole number`},
		{"integer with fraction", func(m *Metadata) { m.Fields = json.RawMessage(`{"days":2.5}`) }, EUnprocessable, "fields.days"},
		{"decimal as number", func(m *Metadata) { m.Fields = json.RawMessage(`{"rate":0.25}`) }, EUnprocessable, "fields.rate must be a decimal written as a string"},
		{"bad date field", func(m *Metadata) { m.Fields = json.RawMessage(`{"shipped_on":"2026-02-30"}`) }, EUnprocessable, "fields.shipped_on"},
		{"text field with NUL", func(m *Metadata) { m.Fields = json.RawMessage(`{"incoterm":"F\u0000CA"}`) }, EUnprocessable, "fields.incoterm contains the control character U+0000"},
		{"list of numbers", func(m *Metadata) { m.Fields = json.RawMessage(`{"lines":[1,2]}`) }, EUnprocessable, "fields.lines must be a list of strings"},
		{"boolean as text", func(m *Metadata) { m.Fields = json.RawMessage(`{"urgent":"yes"}`) }, EUnprocessable, "fields.urgent"},
		{"missing subtype", func(m *Metadata) { m.Subtype = "" }, EUnprocessable, "subtype is required for kind purchase_order: use one of serial, tooling"},
		{"wrong subtype", func(m *Metadata) { m.Subtype = "sight" }, EUnprocessable, `subtype "sight" is not a subtype of purchase_order`},
		{"subtype on kind without", func(m *Metadata) { m.Kind = KindCustoms }, EUnprocessable, "kind customs has no subtypes"},
		{"missing title", func(m *Metadata) { m.Title = "" }, EUnprocessable, "title is required"},
		{"blank title", func(m *Metadata) { m.Title = "   " }, EUnprocessable, "title is required"},
		{"long title", func(m *Metadata) { m.Title = strings.Repeat("é", 301) }, EUnprocessable, "title is 301 characters long: the limit is 300"},
		{"title 300 plus spaces", func(m *Metadata) { m.Title = "  " + strings.Repeat("a", 300) + " " }, "", ""},
		{"long number", func(m *Metadata) { m.Number = strings.Repeat("1", 101) }, EUnprocessable, "number is 101 characters long: the limit is 100"},
		{"control char", func(m *Metadata) { m.Customer = "ACME\x00" }, EUnprocessable, "customer contains the control character U+0000"},
		{"newline in title", func(m *Metadata) { m.Title = "a\nb" }, EUnprocessable, "title contains the control character U+000A"},
		{"invalid utf8", func(m *Metadata) { m.Title = "bad \xff" }, EInvalid, "title is not valid UTF-8"},

		{"comma decimal", func(m *Metadata) { m.Amount = "12,50" }, EUnprocessable, `amount "12,50" is not a decimal number: use digits with an optional "." and up to 4 decimals, e.g. "12500.00"`},
		{"negative", func(m *Metadata) { m.Amount = "-5" }, EUnprocessable, `amount "-5" is not a decimal number`},
		{"plus sign", func(m *Metadata) { m.Amount = "+5" }, EUnprocessable, `amount "+5" is not a decimal number`},
		{"exponent", func(m *Metadata) { m.Amount = "1e5" }, EUnprocessable, `amount "1e5" is not a decimal number`},
		{"no integer digit", func(m *Metadata) { m.Amount = ".5" }, EUnprocessable, "not a decimal number"},
		{"no fraction digit", func(m *Metadata) { m.Amount = "5." }, EUnprocessable, "not a decimal number"},
		{"spaces", func(m *Metadata) { m.Amount = " 5" }, EUnprocessable, "not a decimal number"},
		{"thousands separator", func(m *Metadata) { m.Amount = "1 000" }, EUnprocessable, "not a decimal number"},
		{"NaN", func(m *Metadata) { m.Amount = "NaN" }, EUnprocessable, "not a decimal number"},
		{"five decimals", func(m *Metadata) { m.Amount = "1.00001" }, EUnprocessable, "has 5 decimals: at most 4"},
		{"19 integer digits", func(m *Metadata) { m.Amount = "1000000000000000000" }, EUnprocessable, "19 digits before the decimal point: at most 18"},
		{"huge amount is clipped", func(m *Metadata) { m.Amount = strings.Repeat("9", 10000) }, EUnprocessable, `"… has 10000 digits`},
		{"amount without currency", func(m *Metadata) { m.Currency = "" }, EUnprocessable, "currency is required when an amount is given"},
		{"unknown currency", func(m *Metadata) { m.Currency = "EURO" }, EUnprocessable, `currency "EURO" is not an active ISO 4217 code`},
		{"withdrawn currency", func(m *Metadata) { m.Currency = "DEM" }, EUnprocessable, `currency "DEM" is not an active ISO 4217 code`},
		{"test currency", func(m *Metadata) { m.Currency = "XTS" }, EUnprocessable, "not an active ISO 4217 code"},
		{"lower-case currency", func(m *Metadata) { m.Currency = "eur" }, EUnprocessable, `currency "eur" must be written in upper case: "EUR"`},
		{"LC expiring before its issue", func(m *Metadata) {
			m.Kind, m.Subtype, m.Dates = KindLetterOfCredit, "", map[string]string{"issue_date": "2026-03-01", "expiry_date": "2026-02-28"}
		}, EUnprocessable, "dates.expiry_date 2026-02-28 is before dates.issue_date 2026-03-01"},
		{"LC shipping after expiry", func(m *Metadata) {
			m.Kind, m.Subtype, m.Dates = KindLetterOfCredit, "", map[string]string{"latest_shipment_date": "2026-05-01", "expiry_date": "2026-04-30"}
		}, EUnprocessable, "dates.expiry_date 2026-04-30 is before dates.latest_shipment_date"},
		{"LC in order, a date left out", func(m *Metadata) {
			m.Kind, m.Subtype, m.Dates = KindLetterOfCredit, "", map[string]string{"issue_date": "2026-03-01", "expiry_date": "2026-06-30"}
		}, "", ""},
		{"a purchase order worth nothing", func(m *Metadata) { m.Amount = "0.00" }, EUnprocessable, "may not be worth nothing"},
		{"a note worth nothing", func(m *Metadata) { m.Kind, m.Subtype, m.Amount = KindOther, "", "0" }, "", ""},
		{"yen without cents", func(m *Metadata) { m.Amount, m.Currency = "100.50", "JPY" }, EUnprocessable, "more decimals than JPY has (0)"},
		{"yen with zero cents", func(m *Metadata) { m.Amount, m.Currency = "12500.00", "JPY" }, "", ""},
		{"dinar with fils", func(m *Metadata) { m.Amount, m.Currency = "12.345", "KWD" }, "", ""},
		{"euro with a tenth of a cent", func(m *Metadata) { m.Amount = "12.345" }, EUnprocessable, "more decimals than EUR has (2)"},
		{"gold with four decimals", func(m *Metadata) { m.Amount, m.Currency = "1.2345", "XAU" }, "", ""},
		{"currency alone is checked", func(m *Metadata) { m.Amount, m.Currency = "", "ABC" }, EUnprocessable, `currency "ABC"`},

		{"many date names", func(m *Metadata) {
			m.Dates = map[string]string{"latest_shipment_date": "2026-06-30", "expiry_date": "2026-07-31", "mt700_31c_date": "2026-01-05"}
		}, "", ""},
		{"date name without suffix", func(m *Metadata) { m.Dates["due"] = "2026-01-01" }, EUnprocessable, `dates key "due" is not a date name: use lower-case snake_case ending in "_date"`},
		{"date name bare suffix", func(m *Metadata) { m.Dates["_date"] = "2026-01-01" }, EUnprocessable, `dates key "_date"`},
		{"date name camel case", func(m *Metadata) { m.Dates["dueDate"] = "2026-01-01" }, EUnprocessable, `dates key "dueDate"`},
		{"date name upper case", func(m *Metadata) { m.Dates["Due_date"] = "2026-01-01" }, EUnprocessable, `dates key "Due_date"`},
		{"date name double underscore", func(m *Metadata) { m.Dates["due__date"] = "2026-01-01" }, EUnprocessable, `dates key "due__date"`},
		{"date name leading digit", func(m *Metadata) { m.Dates["1st_date"] = "2026-01-01" }, EUnprocessable, `dates key "1st_date"`},
		{"february 30", func(m *Metadata) { m.Dates["due_date"] = "2026-02-30" }, EUnprocessable, `dates.due_date "2026-02-30" is not a day of the calendar`},
		{"february 29 non-leap", func(m *Metadata) { m.Dates["due_date"] = "2027-02-29" }, EUnprocessable, "is not a day of the calendar"},
		{"month 13", func(m *Metadata) { m.Dates["due_date"] = "2026-13-01" }, EUnprocessable, "is not a day of the calendar"},
		{"european format", func(m *Metadata) { m.Dates["due_date"] = "31.12.2026" }, EUnprocessable, `dates.due_date "31.12.2026" is not a date: use YYYY-MM-DD`},
		{"single digit month", func(m *Metadata) { m.Dates["due_date"] = "2026-1-05" }, EUnprocessable, "use YYYY-MM-DD"},
		{"date with time", func(m *Metadata) { m.Dates["due_date"] = "2026-01-05T00:00:00Z" }, EUnprocessable, "use YYYY-MM-DD"},
		{"year typo", func(m *Metadata) { m.Dates["due_date"] = "0226-01-05" }, EUnprocessable, "has the year 226"},

		{"51 tags", func(m *Metadata) { m.Tags = slices.Repeat([]string{"t"}, 51) }, EUnprocessable, "tags has 51 entries: the limit is 50"},
		{"empty tag", func(m *Metadata) { m.Tags = []string{"a", ""} }, EUnprocessable, "tags[1] is empty"},
		{"long tag", func(m *Metadata) { m.Tags = []string{strings.Repeat("x", 65)} }, EUnprocessable, "tags[0] is 65 characters long: the limit is 64"},
		{"tag with tab", func(m *Metadata) { m.Tags = []string{"a\tb"} }, EUnprocessable, "tags[0] contains the control character"},
		{"empty product code", func(m *Metadata) { m.ProductCodes = append(m.ProductCodes, ProductCode{}) }, EUnprocessable, "product_codes[2] has neither gpn nor lpn"},
		{"blank product code", func(m *Metadata) { m.ProductCodes = []ProductCode{{GPN: " "}} }, EUnprocessable, "product_codes[0] has neither"},
		{"gpn only", func(m *Metadata) { m.ProductCodes = []ProductCode{{GPN: "G"}} }, "", ""},

		{"fields array", func(m *Metadata) { m.Fields = json.RawMessage(`[1]`) }, EInvalid, "fields must be a JSON object"},
		{"fields string", func(m *Metadata) { m.Fields = json.RawMessage(`"x"`) }, EInvalid, "fields must be a JSON object"},
		{"fields malformed", func(m *Metadata) { m.Fields = json.RawMessage(`{"a":`) }, EInvalid, "fields is not valid JSON"},
		{"fields too large", func(m *Metadata) {
			m.Fields = json.RawMessage(fmt.Sprintf(`{"a":"%s"}`, strings.Repeat("x", 64<<10)))
		}, EUnprocessable, "fields is 65544 bytes: the limit is 65536 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := validPO()
			tc.change(&m)
			err := m.Validate(specs[m.Kind])
			if tc.wantCode == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Validate = %v, want an *Error", err)
			}
			if e.Code != tc.wantCode {
				t.Errorf("code = %s, want %s (%s)", e.Code, tc.wantCode, e.Message)
			}
			if !strings.Contains(e.Message, tc.wantMsg) {
				t.Errorf("message %q does not contain %q", e.Message, tc.wantMsg)
			}
		})
	}
}

func TestNormalizeAmount(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"012.50", "12.50"},
		{"12.50", "12.50"},
		{"0", "0"},
		{"000", "0"},
		{"00.5", "0.5"},
		{"0.0000", "0.0000"},
		{"100", "100"},
		{"1000000.1", "1000000.1"},
		// Invalid input comes back untouched so that the error shows it.
		{"12,50", "12,50"},
		{"-1", "-1"},
		{".5", ".5"},
		{"", ""},
	}
	for _, tc := range cases {
		if got := NormalizeAmount(tc.in); got != tc.want {
			t.Errorf("NormalizeAmount(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	m := Metadata{Kind: KindOther, Title: "  Scan  ", Number: " 7 ", Currency: " usd", Amount: "007.10"}.Normalize()
	if m.Title != "Scan" || m.Number != "7" || m.Currency != "USD" || m.Amount != "7.10" {
		t.Errorf("Normalize = %+v", m)
	}
	if err := m.Validate(specs[KindOther]); err != nil {
		t.Errorf("normalised metadata invalid: %v", err)
	}
}

func TestCurrencies(t *testing.T) {
	t.Parallel()
	codes := Currencies()
	if len(codes) < 170 {
		t.Errorf("only %d currency codes", len(codes))
	}
	for i, c := range codes {
		if len(c) != 3 || strings.ToUpper(c) != c {
			t.Errorf("code %q is not three upper-case letters", c)
		}
		if i > 0 && codes[i-1] >= c {
			t.Errorf("codes not sorted and unique at %q, %q", codes[i-1], c)
		}
	}
	for _, c := range []string{"EUR", "USD", "CNY", "JPY", "CHF", "GBP", "INR", "BRL", "XOF", "SLE", "ZWG", "VES", "MRU"} {
		if !IsCurrency(c) {
			t.Errorf("IsCurrency(%q) = false", c)
		}
	}
	for _, c := range []string{"", "eur", "DEM", "FRF", "HRK", "SLL", "ZWL", "XXX", "XTS", "EU"} {
		if IsCurrency(c) {
			t.Errorf("IsCurrency(%q) = true", c)
		}
	}
}
