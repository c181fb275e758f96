package swift

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"dossier/internal/swift/swifttest"
)

func readSample(tb testing.TB, name string) string {
	tb.Helper()
	return swifttest.Sample(tb, name)
}

// clerk is what a trade-finance clerk reads from a credit; the zero value of
// a member is "not checked".
type clerk struct {
	form                 Form
	number, sequence     string
	issue, expiry        Date
	expiryPlace          string
	currency, amount     string
	plus, minus          string
	applicant            []string
	beneficiary          []string
	issuingBank, advBank string
	availWith, availBy   string
	draftsAt             string
	latestShipment       Date
	loading, discharge   string
	docs                 int
	firstDoc, lastDoc    string
	conds                int
	firstCond            string
	days                 int // -1: field 48 absent
	presentation         string
	confirmation         string
	errorTags            []string
	warnings             int
}

func TestSamples(t *testing.T) {
	t.Parallel()
	cases := map[string]clerk{
		"src01_mt700.txt": {
			form: FormFIN, number: "12345", sequence: "1/1",
			issue: Date{2003, time.May, 17}, expiry: Date{2003, time.July, 30}, expiryPlace: "AMSTERDAM",
			currency: "EUR", amount: "100000.00",
			applicant:   []string{"ABC COMPANY", "KAERNTNERSTRASSE 3", "VIENNA"},
			beneficiary: []string{"AMDAM COMPANY", "PO BOX 123", "AMSTERDAM"},
			issuingBank: "CARBVEC0XXX", advBank: "BICPDVSAXXX",
			availWith: "AMRONL2A", availBy: "PAYMENT",
			docs: 3, firstDoc: "SIGNED COMMERCIAL INVOICE IN QUINTUPLICATE", lastDoc: "ADDRESSED TO THE APPLICANT",
			days: 6, presentation: "WITHIN 6 DAYS OF ISSUANCE OF FCR", confirmation: "CONFIRM",
		},
		"src03_mt700.txt": {
			form: FormFIN, number: "FX56202011005203", sequence: "1/1",
			issue: Date{2011, time.August, 3}, expiry: Date{2011, time.October, 2}, expiryPlace: "IN USA",
			currency: "USD", amount: "100.00",
			applicant: []string{"MIGHTY CORP MIGHTY CORP"}, beneficiary: []string{"LETTY MANILA"},
			issuingBank: "UCPBPHMMXXX", advBank: "PNBPUS33PHL",
			availWith: "ANY BANK", availBy: "NEGOTIATION", draftsAt: "SIGHT",
			latestShipment: Date{2011, time.October, 2}, loading: "USA", discharge: "MLA",
			docs: 3, firstDoc: "SIGNED COMMERCIAL INVOICE IN TRIPLICATE",
			lastDoc: "ONE FULL SET OF AT LEAST THREE ORIGINAL CLEAN 'ON BOARD' OCEAN BILLS OF LADING IN NEGOTIABLE AND " +
				"TRANSFERABLE FORM AND ONE NON-NEGOTIABLE COPY ISSUED TO THE ORDER OF UNITED COCONUT PLANTERS BANK " +
				"MARKED FREIGHT COLLECT NOTIFY APPLICANT",
			conds: 5, firstCond: "OCEAN BILL OF LADING MUST BE DATED WITHIN THE VALIDITY PERIOD OF THIS CREDIT",
			days: -1, confirmation: "WITHOUT",
		},
		"src04_mt700.txt": {
			form: FormFIN, number: "FX56202011005190",
			issue: Date{2011, time.August, 3}, expiry: Date{2011, time.September, 5}, expiryPlace: "IN USA",
			currency: "USD", amount: "100.00", plus: "10", minus: "10",
			applicant: []string{"MIGHTY CORP MIGHTY CORP", "CAVITE"}, beneficiary: []string{"LETTY MANILA"},
			availWith: "PNBPUS33PHL", availBy: "PAYMENT", draftsAt: "SIGHT",
			latestShipment: Date{2011, time.September, 5}, loading: "USA", discharge: "MANILA",
			docs: 3, firstDoc: "SIGNED COMMERCIAL INVOICE IN TRIPLICATE",
			conds: 5, days: -1, confirmation: "CONFIRM",
		},
		"src09_mt798_mt700.txt": {
			// The envelope's own 20 (FOOI102794-02) is not the credit's
			// number; the message it carries is cut off after 31C.
			form: FormMT798, number: "FOOI102794", sequence: "1/1", issue: Date{2015, time.August, 27},
			days: -1, errorTags: []string{"40E", "31D", "50", "59", "32B", "41a", "49"},
		},
		"src10_mt700.txt": {
			form: FormPrintout, number: "TEST202008004972", sequence: "1/1",
			issue: Date{2008, time.November, 4}, expiry: Date{2008, time.December, 4}, expiryPlace: "IN INDONESIA",
			currency: "USD", amount: "1.00", plus: "10", minus: "10",
			applicant:   []string{"JJED PHILIPPINES INC.", "54 P. CRUZ ST., MANDALUYONG CITY,", "PHILIPPINES 1501"},
			beneficiary: []string{"PT. THE UNIVENUS", "JL. RAYA SERANG KM. 12, CIKUPA", "TANGERANG, INDONESIA"},
			issuingBank: "UCPBPHM0XXX", advBank: "UCPBPHM0XXX",
			availWith: "ANY BANK", availBy: "ACCEPTANCE", draftsAt: "90 DAYS FROM B/L DATE",
			loading: "ANY INDONESIAN PORT", discharge: "NORTH HARBOR MANILA (MANILA INTERNATIONAL CONTAINER PORT)",
			docs: 5, firstDoc: "SIGNED COMMERCIAL INVOICE IN TRIPLICATE",
			lastDoc: "BENEF'S CERTIFICATE THAT COPIES OF COMMERCIAL INVOICE, PACKING LIST AND ONE FULL SET OF " +
				"NON-NEGOTIABLE SHIPPING DOCUMENTS HAVE BEEN AIRMAILED DIRECTLY TO BUYER INCLUDING ORIGINAL, " +
				"DUPLICATE, TRIPLICATE CERTIFICATE OF ORIGIN VIA DHL.",
			conds: 8, firstCond: "OCEAN BILL OF LADING MUST BE DATED WITHIN THE VALIDITY PERIOD OF THIS CREDIT",
			days: -1, confirmation: "WITHOUT",
		},
	}
	entries, err := os.ReadDir(swifttest.Dir(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".txt") {
			if _, ok := cases[e.Name()]; !ok {
				t.Errorf("sample %s has no expected values here", e.Name())
			}
		}
	}
	for name, want := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, err := Parse(readSample(t, name))
			if err != nil {
				t.Fatal(err)
			}
			checkClerk(t, m, want)
		})
	}
}

func checkClerk(t *testing.T, m Message, want clerk) {
	t.Helper()
	if m.MessageType != "700" || m.LC == nil || m.Amendment != nil {
		t.Fatalf("type %q, lc %v, amendment %v; want an MT700", m.MessageType, m.LC != nil, m.Amendment != nil)
	}
	lc := m.LC
	str := func(what string, got Text, want string) {
		t.Helper()
		if want != "" && string(got) != want {
			t.Errorf("%s = %q, want %q", what, got, want)
		}
	}
	date := func(what string, got, want Date) {
		t.Helper()
		if !want.IsZero() && got != want {
			t.Errorf("%s = %s, want %s", what, got, want)
		}
	}
	lines := func(what string, got, want []string) {
		t.Helper()
		if want != nil && !slices.Equal(got, want) {
			t.Errorf("%s = %q, want %q", what, got, want)
		}
	}
	if want.form != "" && m.Form != want.form {
		t.Errorf("form = %s, want %s", m.Form, want.form)
	}
	str("number (20)", lc.Number, want.number)
	str("sequence (27)", lc.Sequence, want.sequence)
	date("issue date (31C)", lc.IssueDate, want.issue)
	date("expiry date (31D)", lc.ExpiryDate, want.expiry)
	str("expiry place (31D)", lc.ExpiryPlace, want.expiryPlace)
	str("currency (32B)", lc.Currency, want.currency)
	str("amount (32B)", Text(lc.Amount), want.amount)
	str("tolerance plus (39A)", Text(lc.TolerancePlus), want.plus)
	str("tolerance minus (39A)", Text(lc.ToleranceMinus), want.minus)
	lines("applicant (50)", lc.Applicant, want.applicant)
	lines("beneficiary (59)", lc.Beneficiary, want.beneficiary)
	if want.issuingBank != "" {
		lines("issuing bank", lc.IssuingBank, []string{want.issuingBank})
	}
	if want.advBank != "" {
		lines("advising bank", lc.AdvisingBank, []string{want.advBank})
	}
	if want.availWith != "" {
		lines("available with (41a)", lc.AvailableWith, []string{want.availWith})
	}
	str("available by (41a)", lc.AvailableBy, want.availBy)
	str("drafts at (42C)", lc.DraftsAt, want.draftsAt)
	date("latest shipment (44C)", lc.LatestShipmentDate, want.latestShipment)
	str("port of loading (44E)", lc.PortOfLoading, want.loading)
	str("port of discharge (44F)", lc.PortOfDischarge, want.discharge)
	if len(lc.DocumentsRequired) != want.docs {
		t.Errorf("46A has %d items, want %d: %q", len(lc.DocumentsRequired), want.docs, lc.DocumentsRequired)
	} else if want.docs > 0 {
		str("46A first item", Text(lc.DocumentsRequired[0]), want.firstDoc)
		str("46A last item", Text(lc.DocumentsRequired[want.docs-1]), want.lastDoc)
	}
	if len(lc.AdditionalConditions) != want.conds {
		t.Errorf("47A has %d items, want %d: %q", len(lc.AdditionalConditions), want.conds, lc.AdditionalConditions)
	} else if want.conds > 0 {
		str("47A first item", Text(lc.AdditionalConditions[0]), want.firstCond)
	}
	switch {
	case want.days < 0 && lc.PresentationDays != nil:
		t.Errorf("presentation days (48) = %d, want none", *lc.PresentationDays)
	case want.days > 0 && (lc.PresentationDays == nil || *lc.PresentationDays != want.days):
		t.Errorf("presentation days (48) = %v, want %d", lc.PresentationDays, want.days)
	}
	str("presentation text (48)", lc.PresentationText, want.presentation)
	str("confirmation (49)", lc.Confirmation, want.confirmation)
	var tags []string
	for _, p := range m.Errors {
		tags = append(tags, p.Tag)
	}
	if !slices.Equal(tags, want.errorTags) {
		t.Errorf("errors on %q, want on %q: %+v", tags, want.errorTags, m.Errors)
	}
	if len(m.Warnings) != want.warnings {
		t.Errorf("warnings: %+v, want %d", m.Warnings, want.warnings)
	}
}
