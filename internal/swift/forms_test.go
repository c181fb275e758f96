package swift

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// One credit written in every form a sales office receives: each must read
// to the same terms.

const credit700 = `{1:F01DEUTDEFFAXXX0000000000}{2:O7001200191024NBEGEGCXAXXX00000000001910241200N}{3:{108:MUR123}}{4:
:27:1/1
:40A:IRREVOCABLE
:20:LC/DOK 70865/19
:31C:191024
:40E:UCP LATEST VERSION
:31D:200421AT YOUR COUNTERS
:50:EGYPT TRADERS
35 ADABIYAH, ATTAKA, SUEZ - EGYPT.
:59:TRUCK BUSSES GMBH
INDUSTRIESTRASSE 5
70565 STUTTGART
:32B:USD1130500,
:39A:05/05
:41D:ANY BANK
BY NEGOTIATION
:42C:AT SIGHT
:42A:NBEGEGCX
:43P:ALLOWED
:43T:NOT ALLOWED
:44E:HAMBURG
:44F:ALEXANDRIA
:44C:200331
:45A:2 BUSES MODEL X
CIF ALEXANDRIA
:46A:1) SIGNED COMMERCIAL INVOICE IN 3 ORIGINALS
2) FULL SET CLEAN ON BOARD BILLS OF LADING MADE OUT TO ORDER
OF NATIONAL BANK, NOTIFY APPLICANT
3) CERTIFICATE OF ORIGIN
:47A:+ALL DOCUMENTS MUST SHOW THE CREDIT NUMBER
+THIRD PARTY DOCUMENTS ACCEPTABLE
:71D:ALL BANK CHARGES OUTSIDE EGYPT ARE FOR THE BENEFICIARY
:48:NOT LATER THAN 15 DAYS AFTER B/L DATE BUT WITHIN THE VALIDITY OF L/C
:49:CONFIRM
:78:DOCUMENTS TO BE SENT IN ONE LOT BY COURIER
-}{5:{CHK:123456789ABC}}
`

// printout700 is the credit as the Alliance expanded print-out shows it:
// banners, TABs (») and no-break spaces (·), the amount between #.
const printout700 = `
19/10/24-12:00:07»            MTOthers-0001-000001 » 1
_______________________________________________________________________________
»---------------------  Instance Type and Transmission --------------»
       Original received from SWIFT
       Priority          : Normal
»--------------------------- Message Header -------------------------»
       Swift Output                  : FIN 700 Issue of a Documentary Credit
       Sender   : NBEGEGCXXXX
                  NATIONAL BANK
                  CAIRO EG
       Receiver : DEUTDEFFXXX
»--------------------------- Message Text ---------------------------»
        27: Sequence of Total
            1/1
       40A: Form of Documentary Credit
            IRREVOCABLE
        20: Documentary Credit Number
            LC/DOK·70865/19
       31C: Date of Issue
            191024
       40E: Applicable Rules
            UCP LATEST VERSION
       31D: Date and Place of Expiry
            200421AT YOUR COUNTERS
        50: Applicant
            EGYPT TRADERS
            35 ADABIYAH, ATTAKA, SUEZ - EGYPT.
        59: Beneficiary - Name & Address
            TRUCK BUSSES GMBH
            INDUSTRIESTRASSE 5
            70565 STUTTGART
       32B: Currency Code, Amount
            Currency       : USD (US DOLLAR)
            Amount         :                     #1,130,500.00#
       39A: Percentage Credit Amt Tolerance
            05/05
       41D: Available With...By... - Name&Addr
            ANY BANK
            BY NEGOTIATION
       42C: Drafts at...
            AT SIGHT
       42A: Drawee - BIC
            NBEGEGCX
       43P: Partial Shipments
            ALLOWED
       43T: Transhipment
            NOT ALLOWED
       44E: Port of Loading/Airport of Dep.
            HAMBURG
       44F: Port of Dischrge/Airport of Dest
            ALEXANDRIA

19/10/24-12:00:07»            MTOthers-0001-000001 » 2
       44C: Latest Date of Ship.
            200331
       45A: Descriptn of Goods &/or Services
            2 BUSES MODEL X
            CIF ALEXANDRIA
       46A: Documents Required
            1) SIGNED COMMERCIAL INVOICE IN 3 ORIGINALS
            2) FULL SET CLEAN ON BOARD BILLS OF LADING MADE OUT TO ORDER
             OF NATIONAL BANK, NOTIFY APPLICANT
            3) CERTIFICATE OF ORIGIN
       47A: Additional Conditions
            +ALL DOCUMENTS MUST SHOW THE CREDIT NUMBER
            +THIRD PARTY DOCUMENTS ACCEPTABLE
       71D: Charges
            ALL BANK CHARGES OUTSIDE EGYPT ARE FOR THE BENEFICIARY
        48: Period for Presentation
            NOT LATER THAN 15 DAYS AFTER B/L DATE BUT WITHIN THE VALIDITY OF L/C
        49: Confirmation Instructions
            CONFIRM
        78: Instr to Payg/Accptg/Negotg Bank
            DOCUMENTS TO BE SENT IN ONE LOT BY COURIER
»--------------------------- Message Trailer ------------------------»
       {CHK:123456789ABC}
       PKI Signature: MAC-Equivalent
`

// details700 is the credit as Alliance Message Management's "Message
// Details" shows it: F-labels, sub-labels, dates with their echo, a page
// footer between a label and its value, the "Other" section after the text.
const details700 = `Message Details #1
Message Identifier
Unique Message Identifier: O DEUTDEFFXXX 700 LC/DOK 70865/19
Message Header
Format: Swift Sub-Format: Output
Identifier: fin.700 Expansion: Issue of a Documentary Credit
Sender: NBEGEGCXXXX LT: A
Receiver: DEUTDEFFXXX LT: A
Amount: 1,130,500. Currency: USD Value Date:
Message Text
Block 4
F27: Sequence of Total
 Number: 1/
 Total: 1
F40A: Form of Documentary Credit
 IRREVOCABLE
F20: Documentary Credit Number
 LC/DOK 70865/19
F31C: Date of Issue
 191024 2019 Oct 24
F40E: Applicable Rules
 Applicable Rules: UCP LATEST VERSION
F31D: Date and Place of Expiry
 Date: 200421 2020 Apr 21
 Place: AT YOUR COUNTERS
F50: Applicant
 EGYPT TRADERS
 35 ADABIYAH, ATTAKA, SUEZ - EGYPT.
F59: Beneficiary
 Name and Address:
 TRUCK BUSSES GMBH
 INDUSTRIESTRASSE 5
 70565 STUTTGART
F32B: Currency Code, Amount
 Currency: USD US DOLLAR
 Amount: 1130500, #1,130,500.#
F39A: Percentage Credit Amount Tolerance
 05/05
F41D: Available With ... By ... - Name and Address - Code
 Name and Address:
 ANY BANK
 Code: BY NEGOTIATION
F42C: Drafts at ...
 AT SIGHT
F42A: Drawee - Identifier Code
 Identifier Code:
 NBEGEGCX
F43P: Partial Shipments
 ALLOWED
F43T: Transhipment
 NOT ALLOWED
F44E: Port of Loading/Airport of Departure
 HAMBURG
F44F: Port of Discharge/Airport of Destination
 ALEXANDRIA
F44C: Latest Date of Shipment

Page 1 of 2
200331
2020 Mar 31
F45A: Description of Goods and/or Services
 2 BUSES MODEL X
 CIF ALEXANDRIA
F46A: Documents Required
 1.SIGNED COMMERCIAL INVOICE IN 3 ORIGINALS
 .
 2.FULL SET CLEAN ON BOARD BILLS OF LADING MADE OUT TO ORDER
 OF NATIONAL BANK, NOTIFY APPLICANT
 .
 3.CERTIFICATE OF ORIGIN
F47A: Additional Conditions
 Narrative: +ALL DOCUMENTS MUST SHOW THE CREDIT NUMBER
 Narrative: +THIRD PARTY DOCUMENTS ACCEPTABLE
F71D: Charges
 Narrative: ALL BANK CHARGES OUTSIDE EGYPT ARE FOR THE BENEFICIARY
F48: Period for Presentation in Days
 Narrative: NOT LATER THAN 15 DAYS AFTER B/L DATE BUT WITHIN THE VALIDITY OF L/C
F49: Confirmation Instructions
 CONFIRM
F78: Instructions to the Paying/Accepting/Negotiating Bank
 DOCUMENTS TO BE SENT IN ONE LOT BY COURIER
Other
Delivery overdue warning request No
Confirmed Currency:
Page 2 of 2
`

func body(fin string) string {
	start := strings.Index(fin, "{4:\n") + len("{4:\n")
	end := strings.Index(fin, "-}")
	return fin[start:end]
}

func TestFormsReadAlike(t *testing.T) {
	t.Parallel()
	fin := credit700
	indented := "    " + strings.ReplaceAll(strings.TrimSpace(fin), "\n", "\n    ")
	envelope := ":20:ENV-0001\n:12:700\n:77E:\n:27A:1/1\n:21A:CUSTREF-9\n" + body(fin)
	printout := strings.NewReplacer("»", "\t", "·", "\u00a0").Replace(printout700)
	forms := []struct {
		name  string
		text  string
		form  Form
		banks bool // the text names the sender and the receiver
	}{
		{"FIN, LF", fin, FormFIN, true},
		{"FIN, CRLF", strings.ReplaceAll(fin, "\n", "\r\n"), FormFIN, true},
		{"FIN, indented", indented, FormFIN, true},
		{"block 4 alone", body(fin) + "-\n", FormBlock4, false},
		{"block 4 alone, indented, CRLF", strings.ReplaceAll("\t"+strings.ReplaceAll(body(fin), "\n", "\n\t"), "\n", "\r\n"), FormBlock4, false},
		{"MT798 envelope", envelope, FormMT798, false},
		{"print-out", printout, FormPrintout, true},
		{"Message Details", details700, FormDetails, true},
	}
	want, err := Parse(fin)
	if err != nil {
		t.Fatal(err)
	}
	checkClerk(t, want, clerk{
		number: "LC/DOK 70865/19", sequence: "1/1",
		issue: Date{2019, time.October, 24}, expiry: Date{2020, time.April, 21}, expiryPlace: "AT YOUR COUNTERS",
		currency: "USD", amount: "1130500.00", plus: "5", minus: "5",
		applicant:   []string{"EGYPT TRADERS", "35 ADABIYAH, ATTAKA, SUEZ - EGYPT."},
		beneficiary: []string{"TRUCK BUSSES GMBH", "INDUSTRIESTRASSE 5", "70565 STUTTGART"},
		issuingBank: "NBEGEGCXXXX", advBank: "DEUTDEFFXXX",
		availWith: "ANY BANK", availBy: "NEGOTIATION", draftsAt: "AT SIGHT",
		latestShipment: Date{2020, time.March, 31}, loading: "HAMBURG", discharge: "ALEXANDRIA",
		docs: 3, firstDoc: "SIGNED COMMERCIAL INVOICE IN 3 ORIGINALS", lastDoc: "CERTIFICATE OF ORIGIN",
		conds: 2, firstCond: "ALL DOCUMENTS MUST SHOW THE CREDIT NUMBER",
		days: 15, presentation: "NOT LATER THAN 15 DAYS AFTER B/L DATE BUT WITHIN THE VALIDITY OF L/C",
		confirmation: "CONFIRM",
	})
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(f.text)
			if err != nil {
				t.Fatal(err)
			}
			if got.Form != f.form {
				t.Errorf("form = %s, want %s", got.Form, f.form)
			}
			if len(got.Errors)+len(got.Warnings) > 0 {
				t.Errorf("errors %+v, warnings %+v", got.Errors, got.Warnings)
			}
			wantLC := *want.LC
			if !f.banks {
				wantLC.IssuingBank, wantLC.AdvisingBank = nil, nil
			}
			if !reflect.DeepEqual(*got.LC, wantLC) {
				t.Errorf("LC differs from the FIN form's:\n got %+v\nwant %+v", *got.LC, wantLC)
			}
			if tags(got.Fields) != tags(want.Fields) && f.form != FormMT798 {
				t.Errorf("fields %s, want %s", tags(got.Fields), tags(want.Fields))
			}
		})
	}
}

func tags(fs []Field) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Tag + " ")
	}
	return b.String()
}

const amendment707 = `{1:F01DEUTDEFFAXXX0000000000}{2:O7071200191120NBEGEGCXAXXX00000000001911201200N}{4:
:27:1/1
:20:LC/DOK 70865/19
:21:ADV-2019-0042
:23:LC/DOK 70865/19
:52A:NBEGEGCX
:31C:191024
:26E:01
:30:191120
:22A:ISSU
:31D:200531AT YOUR COUNTERS
:32B:USD50000,
:39A:10/10
:44C:200430
:46B:/ADD/+PACKING LIST IN 2 COPIES
/DELETE/+CERTIFICATE OF ORIGIN
:47B:/REPALL/+ALL DOCUMENTS MUST SHOW THE CREDIT NUMBER
AND THE AMENDMENT NUMBER
:71D:ALL CHARGES FOR THE APPLICANT
:72Z:ALL OTHER TERMS UNCHANGED
-}`

const details707 = `Message Details #2
Identifier: fin.707 Expansion: Amendment to a
Documentary Credit
Sender: NBEGEGCXXXX LT: A
Receiver: DEUTDEFFXXX LT: X
Message Text
Block 4
F27: Sequence of Total
Number: 1/
Total: 1
F20: Sender's Reference
LC/DOK 70865/19
F21: Receiver's Reference
ADV-2019-0042
F23: Issuing Bank's Reference
LC/DOK 70865/19
F52A: Issuing Bank - Party Identifier - Identifier Code
Identifier Code:
NBEGEGCX
F31C: Date of Issue
191024 2019 Oct 24
F26E: Number of Amendment
01
F30: Date of Amendment

Page 1931 of 12905
191120
2019 Nov 20
F22A: Purpose of Message
ISSU
F31D: Date and Place of Expiry
Date: 200531 2020 May 31
Place: AT YOUR COUNTERS
F32B: Increase of Documentary Credit Amount
Currency: USD US DOLLAR
Amount: 50000, #50,000.#
F39A: Percentage Credit Amount Tolerance
10/10
F44C: Latest Date of Shipment
200430 2020 Apr 30
F46B: Documents Required
Line1: Line 1
 Code: /ADD/
 Narrative: +PACKING LIST IN 2 COPIES
Lines2to100: Lines 2-100
 Lines2to100: Lines 2-100: Code - Narrative
 Code: /DELETE/
 Narrative1: Narrative: +CERTIFICATE OF ORIGIN
F47B: Additional Conditions
Line 1
Code: /REPALL/
Lines 2-100
Narrative: +ALL DOCUMENTS MUST SHOW THE CREDIT NUMBER
Narrative: AND THE AMENDMENT NUMBER
F71D: Charges
ALL CHARGES FOR THE APPLICANT
F72Z: Sender to Receiver Information
ALL OTHER TERMS UNCHANGED
Other
Delivery overdue warning request No
Page 1932 of 12905
`

func TestAmendment(t *testing.T) {
	t.Parallel()
	want := Amendment{
		LCNumber: "LC/DOK 70865/19", ReceiverReference: "ADV-2019-0042", IssuingBankReference: "LC/DOK 70865/19",
		AmendmentNumber: new(1), AmendmentDate: Date{2019, time.November, 20}, Purpose: "ISSU",
		IssueDate: Date{2019, time.October, 24}, NewExpiryDate: Date{2020, time.May, 31}, NewExpiryPlace: "AT YOUR COUNTERS",
		Increase:           &Money{Currency: "USD", Amount: "50000.00"},
		LatestShipmentDate: Date{2020, time.April, 30},
		Changes: []Change{
			{Tag: "46B", Code: "/ADD/", Text: "+PACKING LIST IN 2 COPIES"},
			{Tag: "46B", Code: "/DELETE/", Text: "+CERTIFICATE OF ORIGIN"},
			{Tag: "47B", Code: "/REPALL/", Text: "+ALL DOCUMENTS MUST SHOW THE CREDIT NUMBER\nAND THE AMENDMENT NUMBER"},
		},
		SenderToReceiver: "ALL OTHER TERMS UNCHANGED",
	}
	for name, text := range map[string]string{"FIN": amendment707, "Message Details": details707, "block 4 alone": body(amendment707 + "\n")} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, err := Parse(text)
			if err != nil {
				t.Fatal(err)
			}
			if m.MessageType != "707" || m.Amendment == nil || m.LC == nil {
				t.Fatalf("type %q, amendment %v, lc %v", m.MessageType, m.Amendment, m.LC)
			}
			if len(m.Errors)+len(m.Warnings) > 0 {
				t.Errorf("errors %+v, warnings %+v", m.Errors, m.Warnings)
			}
			if !reflect.DeepEqual(*m.Amendment, want) {
				t.Errorf("amendment\n got %+v\nwant %+v", *m.Amendment, want)
			}
			// The LC holds only what the amendment states.
			lc := m.LC
			if lc.Number != "LC/DOK 70865/19" || lc.ExpiryDate != want.NewExpiryDate || lc.TolerancePlus != "10" ||
				lc.LatestShipmentDate != want.LatestShipmentDate || lc.Charges != "ALL CHARGES FOR THE APPLICANT" {
				t.Errorf("lc = %+v", *lc)
			}
			if lc.Amount != "" || lc.Currency != "" || lc.Applicant != nil || lc.Form != "" || lc.DocumentsRequired != nil {
				t.Errorf("lc states terms the amendment does not: %+v", *lc)
			}
			if name != "block 4 alone" && !reflect.DeepEqual(lc.IssuingBank, []string{"NBEGEGCX"}) {
				t.Errorf("issuing bank = %q, want 52A's NBEGEGCX", lc.IssuingBank)
			}
		})
	}
}
