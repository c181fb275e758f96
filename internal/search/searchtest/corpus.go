package searchtest

import (
	"fmt"
	"strings"
	"time"

	"dossier/internal/search"
)

// The customers of the corpus. The last one has quotes, an apostrophe, an
// ampersand and a backslash: a filter on it must reach the index intact.
const (
	borealis = "Borealis Maschinenbau GmbH"
	nordlich = "Nordlicht Automotive AG"
	huaxin   = "Shenzhen Huaxin Precision Co., Ltd."
	meridian = "Meridian Rail Systems S.A."
	acme     = `Acme "Ltd" & O'Neil\Söhne`
)

// probes are the words the tests search for and whose hits they predict from
// the corpus alone. An engine with typo tolerance or prefix matching
// (Meilisearch) would find more than the exact word, so no other word of the
// corpus may be within two edits of a probe or start with one; testCorpus
// checks that.
var probes = []string{
	"zirconium", "heliotrope", "marzipan", "tungsten", "obsidian", "kestrel", "incoterms",
	"borealis", "santander", "hydraulic", "kanban", "provisional", "definitive", "wolframite",
}

// filler is realistic page text that holds none of the probes.
var filler = []string{
	"The buyer confirms the quantities and unit prices stated in the quotation of the previous month.",
	"Delivery dates are calculated from the receipt of the signed order and the released drawings.",
	"All parts shall be packed in returnable containers approved by the logistics department.",
	"The supplier keeps the production part approval documents available for audit at any time.",
	"Payment is due sixty days after the invoice date unless another term is agreed in writing.",
	"Changes to the engineering specification require a written change request and a revised quotation.",
	"The customer part number and the supplier part number appear on every delivery note.",
	"Quality claims must be reported within ten working days after the goods arrive at the plant.",
	"Prices are fixed for the calendar year and reviewed against the raw material index each quarter.",
	"The tool remains the property of the customer and is marked with its asset number.",
	"Partial deliveries are accepted when the planner confirms them in the scheduling portal.",
	"Warranty covers defects in material and workmanship for twenty four months from installation.",
	"The order acknowledgement lists the confirmed dates, the batch sizes and the shipping terms.",
	"Any deviation from the agreed tolerances has to be approved by the engineering team beforehand.",
	"Freight is arranged by the supplier and charged at cost according to the agreed conditions.",
	"Documents presented under this credit must be issued in English and signed by the shipper.",
	"The purchasing manager and the sales administrator review the file before it is released.",
	"Spare parts remain available for ten years after the end of serial production.",
	"Samples from the first production lot are measured and the report is attached to the shipment.",
	"The controller checks the amount against the approved budget and the cost centre.",
	"This document supersedes all earlier versions exchanged between the parties.",
	"Questions about this file are answered by the sales administration office in the main plant.",
}

// docID returns the id of corpus document n; ids sort like n, as ULIDs do.
func docID(n int) string { return fmt.Sprintf("01JSEARCHTEST%013d", n) }

// page returns about 150 words of filler for document n, page p, with extra
// sentences in the middle.
func page(n, p int, extra ...string) string {
	var b strings.Builder
	for i := range 9 {
		if i == 4 {
			for _, e := range extra {
				b.WriteString(e + " ")
			}
		}
		b.WriteString(filler[(n*7+p*3+i)%len(filler)] + " ")
	}
	return strings.TrimSpace(b.String())
}

// pages returns two pages of filler for document n; extra goes on page 1.
func pages(n int, extra ...string) []string {
	return []string{page(n, 1, extra...), page(n, 2)}
}

// doc is the factory of corpus documents: n fixes the id, the rest is what
// the tests filter and count on.
func doc(n int, kind, subtype, state, customer, currency, amount, date, title, number string, text []string) search.Doc {
	return search.Doc{
		ID: docID(n), Kind: kind, Subtype: subtype, State: state, Title: title, Number: number,
		Customer: customer, Amount: amount, Currency: currency, Date: date,
		Dates:     map[string]string{"issue_date": date},
		Tags:      []string{},
		Fields:    map[string]string{},
		Pages:     text,
		UpdatedAt: time.Date(2026, 7, 1, 12, 0, n, 0, time.UTC),
	}
}

func withTags(d search.Doc, tags ...string) search.Doc { d.Tags = tags; return d }

func withFields(d search.Doc, kv ...string) search.Doc {
	d.Fields = map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		d.Fields[kv[i]] = kv[i+1]
	}
	return d
}

const incoterms = "Deliveries are made FCA Stuttgart under Incoterms 2020 unless the order says otherwise."

// eurDocs is how many corpus documents are in EUR: the pagination test pages
// through them.
const eurDocs = 12

// corpus returns the shared documents: every kind, several states, five
// customers, three currencies and none, amounts on the edges of the range
// tests, dates across 2025 and 2026 with ties, and probes placed where the
// tests expect them.
func corpus() []search.Doc {
	return []search.Doc{
		withTags(doc(1, "purchase_order", "serial", "approved", borealis, "EUR", "12500.00", "2025-01-15",
			"Serial supply of brake calipers", "PO-2025-0041", pages(1, incoterms)), "serial", "kanban"),
		withTags(doc(2, "purchase_order", "tooling", "in_review", borealis, "EUR", "99.50", "2025-02-28",
			"Tooling change for housing mould", "PO-2025-0042", pages(2)), "tooling"),
		doc(3, "purchase_order", "prototype", "received", nordlich, "EUR", "150000", "2025-03-01",
			"Prototype batch of sensor brackets", "PO-2025-0043",
			pages(3, "The brackets are coated with a zirconium nitride layer for wear resistance.", incoterms)),
		doc(4, "contract", "", "signed", nordlich, "EUR", "1000000.00", "2025-03-14",
			"Supply contract for gearbox housings 2025-2027", "CTR-2025-007",
			[]string{page(4, 1), page(4, 2), page(4, 3, "Annex C fixes the heliotrope colour code for the painted covers.")}),
		doc(5, "framework_agreement", "", "approved", meridian, "EUR", "100000.00", "2025-03-14",
			"Framework agreement for bogie components", "FA-2025-001", pages(5)),
		withFields(doc(6, "letter_of_credit", "sight", "submitted_to_bank", huaxin, "USD", "250000.00", "2025-03-14",
			"Documentary credit for CNC machining centres", "LC-HX-2025-0107", pages(6, incoterms)),
			"applicant", huaxin, "beneficiary", "Valdor Industrial Components GmbH",
			"issuing_bank", "Bank of China Shenzhen Branch", "advising_bank", "Deutsche Bank AG"),
		withFields(doc(7, "letter_of_credit", "deferred", "paid", meridian, "USD", "100000.01", "2025-04-01",
			"Deferred payment credit for rail dampers", "LC-MR-2025-0033", pages(7)),
			"applicant", meridian, "beneficiary", "Valdor Industrial Components GmbH",
			"issuing_bank", "Banco Santander S.A."),
		doc(8, "tooling_invoice", "tooling", "issued", borealis, "EUR", "99999.99", "2025-04-30",
			"Invoice for injection mould T-4471", "INV-2025-1180", pages(8)),
		doc(9, "customs", "", "received", huaxin, "CNY", "880000.00", "2025-05-05",
			"Export declaration for machining centres", "EXD-2025-55120", pages(9, incoterms)),
		doc(10, "other", "", "received", "", "", "", "2025-05-06",
			"Meeting minutes of the quality review", "", pages(10)),
		doc(11, "purchase_order", "serial", "approved", huaxin, "CNY", "1250000.00", "2025-06-10",
			"Serial order of spindle motors", "PO-HX-77120", pages(11, incoterms)),
		doc(12, "purchase_order", "packaging", "rejected", nordlich, "EUR", "250.75", "2025-06-10",
			"Returnable packaging for door modules", "PO-2025-0050", pages(12)),
		doc(13, "contract", "", "archived", meridian, "EUR", "480000.00", "2025-07-01",
			"Maintenance contract for test benches", "CTR-2025-012", pages(13, incoterms)),
		doc(14, "tooling_invoice", "prototype", "paid", nordlich, "EUR", "18400.00", "2025-08-19",
			"Prototype tooling invoice for sensor brackets", "INV-2025-1299", pages(14)),
		withFields(doc(15, "letter_of_credit", "negotiation", "discrepant", huaxin, "USD", "75000.00", "2025-09-30",
			"Negotiation credit for spare parts", "LC-HX-2025-0150", pages(15)),
			"applicant", huaxin, "issuing_bank", "Industrial and Commercial Bank of China"),
		doc(16, "purchase_order", "rnd", "pending_approval", acme, "USD", "42000.00", "2025-10-02",
			"R&D order for coating trials", "PO-ACME-311",
			pages(16, `Lab note <script>alert(1)</script> marzipan coloured samples & "wet" trials.`)),
		doc(17, "framework_agreement", "", "draft", acme, "", "", "2025-11-11",
			"Framework agreement draft for aftermarket parts", "FA-2025-009", pages(17)),
		doc(18, "customs", "", "archived", nordlich, "EUR", "3120.40", "2025-12-31",
			"Import declaration for measuring equipment", "IMD-2025-8812", pages(18)),
		doc(19, "purchase_order", "serial", "approved", meridian, "EUR", "100000.00", "2026-01-05",
			"Call-off order for damper brackets", "PO-MR-2026-001", pages(19, incoterms)),
		doc(20, "contract", "", "pending_approval", huaxin, "CNY", "2000000.00", "2026-01-05",
			"Joint development contract for hydraulic valves", "CTR-HX-2026-002", pages(20)),
		doc(21, "tooling_invoice", "tooling", "approved", acme, "USD", "12500.00", "2026-02-14",
			"Tungsten carbide punches for stamping tools", "INV-2026-0102",
			pages(21, "Tungsten carbide keeps its edge: each tungsten punch is ground twice.",
				"The tungsten inserts are brazed.", "Scrap tungsten is returned to the mill.")),
		doc(22, "purchase_order", "tooling", "in_review", borealis, "USD", "8800.00", "2026-03-01",
			"Replacement punches for progressive die", "PO-2026-0007",
			pages(22, "One insert may be made of tungsten if the die shop agrees.", incoterms)),
		withFields(doc(23, "letter_of_credit", "acceptance", "approved", nordlich, "EUR", "320000.00", "2026-03-31",
			"Acceptance credit for gearbox housings", "LC-NL-2026-0004",
			pages(23, "The obsidian finish and the kestrel logo are checked at the final inspection.")),
			"applicant", nordlich, "issuing_bank", "Commerzbank AG"),
		doc(24, "other", "", "archived", borealis, "", "", "2026-04-15",
			"Correspondence on the delivery schedule", "",
			pages(24, "The kestrel project team asked for an earlier slot.")),
		doc(25, "customs", "", "received", meridian, "CNY", "56000.00", "2026-05-20",
			"Transit declaration for bogie frames", "TD-2026-3310", pages(25)),
		doc(26, "purchase_order", "serial", "approved", nordlich, "USD", "64000.00", "2026-06-30",
			"Annual order of door hinges", "PO-2026-0100", pages(26, incoterms)),
	}
}

// find returns the corpus document with id.
func find(docs []search.Doc, id string) search.Doc {
	for _, d := range docs {
		if d.ID == id {
			return d
		}
	}
	panic("searchtest: no corpus document " + id)
}
