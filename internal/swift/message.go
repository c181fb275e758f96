// Package swift reads the SWIFT messages a bank sends about a documentary
// credit, MT700 (issue) and MT707 (amendment), in every form they reach a
// sales office: FIN syntax (with or without its header blocks, or inside an
// MT798 envelope) and the two SWIFT Alliance text exports, the expanded
// print-out and the Message Details export. It depends on nothing else in
// Dossier, so that it can be fuzzed and reused on its own.
//
// Parse never panics: what it cannot read in a field becomes a Problem naming
// the tag and the line, and the rest of the message is still read. Amounts
// are exact decimal strings and dates civil dates; nothing is a float.
package swift

// Message is one MT700 or MT707 as a clerk reads it. Its JSON form is the
// answer of the parsing endpoint (SPEC §7).
type Message struct {
	MessageType string `json:"message_type"` // "700" or "707"
	// LC holds the terms of the credit; for an MT707 only those the
	// amendment states.
	LC        *LC        `json:"lc"`
	Amendment *Amendment `json:"amendment"` // MT707 only
	Fields    []Field    `json:"fields"`    // every field in order, unknown tags too
	Errors    []Problem  `json:"errors"`
	Warnings  []Problem  `json:"warnings"`

	// Form is how the text was written. Sender and Receiver are the BICs of
	// the message header, empty when the text has none.
	Form     Form   `json:"-"`
	Sender   string `json:"-"`
	Receiver string `json:"-"`
}

// Form is the way a message was written down.
type Form string

// The forms Parse reads.
const (
	FormFIN      Form = "fin"      // {1:}{2:}{4:…-}{5:} blocks
	FormBlock4   Form = "block4"   // the :20: lines alone
	FormMT798    Form = "mt798"    // an MT798 whose 77E carries the message
	FormPrintout Form = "printout" // Alliance expanded print-out
	FormDetails  Form = "details"  // Alliance Message Management "Message Details"
)

// Field is one tag of the message as written: the value's lines trimmed and
// joined with "\n", Line the 1-based line of the input where the tag stands.
type Field struct {
	Tag   string `json:"tag"`
	Value string `json:"value"`
	Line  int    `json:"line"`
}

// Problem is what is wrong with one field (Tag), or missing from the message.
// Line is 0 when the field is missing.
type Problem struct {
	Tag     string `json:"tag"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// LC is the credit's terms, by the fields that state them. Absent values are
// the zero value and marshal as null.
type LC struct {
	Number             Text     `json:"number"`              // 20
	Sequence           Text     `json:"sequence"`            // 27
	Form               Text     `json:"form"`                // 40A
	PreAdviceReference Text     `json:"preadvice_reference"` // 23
	IssueDate          Date     `json:"issue_date"`          // 31C
	ApplicableRules    Text     `json:"applicable_rules"`    // 40E
	ExpiryDate         Date     `json:"expiry_date"`         // 31D
	ExpiryPlace        Text     `json:"expiry_place"`        // 31D
	Applicant          []string `json:"applicant"`           // 50
	Beneficiary        []string `json:"beneficiary"`         // 59
	// IssuingBank is 52a, or else the sender of the message; AdvisingBank
	// is its receiver.
	IssuingBank          []string `json:"issuing_bank"`
	AdvisingBank         []string `json:"advising_bank"`
	ApplicantBank        []string `json:"applicant_bank"`        // 51a
	AdviseThroughBank    []string `json:"advise_through_bank"`   // 57a
	Currency             Text     `json:"currency"`              // 32B
	Amount               Decimal  `json:"amount"`                // 32B
	TolerancePlus        Decimal  `json:"tolerance_plus"`        // 39A, percent
	ToleranceMinus       Decimal  `json:"tolerance_minus"`       // 39A, percent
	AdditionalAmounts    Text     `json:"additional_amounts"`    // 39C
	AvailableWith        []string `json:"available_with"`        // 41a
	AvailableBy          Text     `json:"available_by"`          // 41a: PAYMENT, NEGOTIATION, …
	DraftsAt             Text     `json:"drafts_at"`             // 42C
	Drawee               []string `json:"drawee"`                // 42a
	PartialShipments     Text     `json:"partial_shipments"`     // 43P
	Transhipment         Text     `json:"transhipment"`          // 43T
	PlaceOfReceipt       Text     `json:"place_of_receipt"`      // 44A
	PortOfLoading        Text     `json:"port_of_loading"`       // 44E
	PortOfDischarge      Text     `json:"port_of_discharge"`     // 44F
	FinalDestination     Text     `json:"final_destination"`     // 44B
	LatestShipmentDate   Date     `json:"latest_shipment_date"`  // 44C
	ShipmentPeriod       Text     `json:"shipment_period"`       // 44D
	Goods                Text     `json:"goods"`                 // 45A
	DocumentsRequired    []string `json:"documents_required"`    // 46A, one item each
	AdditionalConditions []string `json:"additional_conditions"` // 47A, one item each
	Charges              Text     `json:"charges"`               // 71D (71B before 2018)
	// PresentationDays is the number of days field 48 gives; nil when 48
	// is absent (UCP 600's 21 days apply) or names no number.
	PresentationDays *int `json:"presentation_days"`
	PresentationText Text `json:"presentation_text"` // 48 as written
	Confirmation     Text `json:"confirmation"`      // 49
	Instructions     Text `json:"instructions"`      // 78
}

// Amendment is what an MT707 changes.
type Amendment struct {
	LCNumber             Text     `json:"lc_number"`              // 20
	ReceiverReference    Text     `json:"receiver_reference"`     // 21
	IssuingBankReference Text     `json:"issuing_bank_reference"` // 23
	AmendmentNumber      *int     `json:"amendment_number"`       // 26E
	AmendmentDate        Date     `json:"amendment_date"`         // 30
	Purpose              Text     `json:"purpose"`                // 22A: ISSU, ICCO, ACNF
	IssueDate            Date     `json:"issue_date"`             // 31C
	NewExpiryDate        Date     `json:"new_expiry_date"`        // 31D (31E before 2018)
	NewExpiryPlace       Text     `json:"new_expiry_place"`       // 31D
	Increase             *Money   `json:"increase"`               // 32B
	Decrease             *Money   `json:"decrease"`               // 33B
	NewAmount            *Money   `json:"new_amount"`             // 34B (before 2018)
	LatestShipmentDate   Date     `json:"latest_shipment_date"`   // 44C
	Changes              []Change `json:"changes"`                // 45B, 46B, 47B, 49M, 49N
	SenderToReceiver     Text     `json:"sender_to_receiver"`     // 72Z
}

// Money is a currency and an exact amount.
type Money struct {
	Currency string  `json:"currency"`
	Amount   Decimal `json:"amount"`
}

// Change is one coded paragraph of 45B, 46B or 47B: Code is /ADD/,
// /DELETE/ or /REPALL/ (empty when the paragraph has none), Text what
// follows it.
type Change struct {
	Tag  string `json:"tag"`
	Code string `json:"code"`
	Text string `json:"text"`
}
