package lc

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// Finding is a likely discrepancy between an LC and a document presented
// under it, found before the bank does.
type Finding struct {
	Check      string `json:"check"`    // what was compared
	LCField    string `json:"lc_field"` // the LC's field (its SWIFT tag)
	DocumentID string `json:"document_id,omitempty"`
	Expected   string `json:"expected"`
	Found      string `json:"found"`
}

// String is the finding in one line, for a guard's refusal.
func (f Finding) String() string {
	return fmt.Sprintf("%s (%s): expected %s, found %s", f.Check, f.LCField, f.Expected, f.Found)
}

// presented is a document linked to the LC, with what it says.
type presented struct {
	dossier.Document
	text string // extracted text, upper case
}

// Check compares LC document id with the documents linked to it: their
// metadata and extracted text, and the dates given (presentedOn: the day
// the documents go to the bank, "" for today).
func (s *Service) Check(ctx context.Context, id, presentedOn string) ([]Finding, error) {
	var out []Finding
	err := s.store.Read(ctx, func(tx store.Tx) error {
		d, err := s.letterOfCredit(ctx, tx, id)
		if err != nil {
			return err
		}
		out, err = s.CheckTx(ctx, tx, d, presentedOn)
		return err
	})
	return out, err
}

// CheckTx is Check inside a transaction, on the LC d (the present_to_bank
// guard's way in).
func (s *Service) CheckTx(ctx context.Context, tx store.Tx, d dossier.Document, presentedOn string) ([]Finding, error) {
	if presentedOn == "" {
		presentedOn = civil(s.Now()).String()
	}
	docs, err := linked(ctx, tx, d.ID)
	if err != nil {
		return nil, err
	}
	history, err := tx.History(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	r := row(d, date(presentedOn), history)
	var t struct {
		Goods      string   `json:"goods"`
		Documents  []string `json:"documents_required"`
		Conditions []string `json:"additional_conditions"`
		Applicant  string   `json:"applicant"`
	}
	if len(d.Fields) > 0 {
		_ = json.Unmarshal(d.Fields, &t)
	}
	var out []Finding
	add := func(f Finding) { out = append(out, f) }
	for _, p := range docs {
		out = append(out, moneyChecks(d, r, p)...)
		if shipped := p.Dates["shipment_date"]; shipped != "" && r.LatestShipmentDate != "" && shipped > r.LatestShipmentDate {
			add(Finding{"shipment after the latest shipment date (UCP 600 art. 14(c))", "44C", p.ID, "on or before " + r.LatestShipmentDate, shipped})
		}
		if isInvoice(p) {
			if d.Customer != "" && p.Customer != "" && !sameName(d.Customer, p.Customer) {
				add(Finding{"invoice made out to another party than the applicant (art. 18(a))", "50", p.ID, d.Customer, p.Customer})
			}
			if missing := missingWords(t.Goods, p.text); t.Goods != "" && p.text != "" && len(missing) > 0 {
				add(Finding{"goods description of the invoice does not correspond to the credit (art. 18(c))", "45A", p.ID,
					t.Goods, "no " + strings.Join(missing, ", ")})
			}
		}
	}
	if r.ShipmentDate != "" && r.LatestShipmentDate != "" && r.ShipmentDate > r.LatestShipmentDate {
		add(Finding{"shipment after the latest shipment date", "44C", "", "on or before " + r.LatestShipmentDate, r.ShipmentDate})
	}
	switch {
	case r.ExpiryDate != "" && presentedOn > r.PresentationDeadline && r.PresentationDeadline >= r.ExpiryDate:
		add(Finding{"presentation after the expiry", "31D", "", "by " + r.PresentationDeadline, presentedOn})
	case r.PresentationDeadline != "" && presentedOn > r.PresentationDeadline:
		add(Finding{"presentation after the presentation period (art. 14(c))", "48", "", "by " + r.PresentationDeadline, presentedOn})
	}
	for _, item := range t.Documents {
		if kind := documentKind(item); kind != "" && !slices.ContainsFunc(docs, func(p presented) bool { return kindOf(p) == kind }) {
			add(Finding{"document required by the credit is not among the linked ones", "46A", "", item, "no " + strings.ToLower(kind)})
		}
	}
	if asksForNumber(t.Conditions) {
		for _, p := range docs {
			if p.text != "" && !strings.Contains(p.text, strings.ToUpper(d.Number)) {
				add(Finding{"the credit number must appear on every document (47A)", "47A", p.ID, d.Number, "not on " + p.Title})
			}
		}
	}
	if out == nil {
		out = []Finding{}
	}
	return out, nil
}

// Findings is CheckTx in lines, for the present_to_bank guard.
func (s *Service) Findings(ctx context.Context, tx store.Tx, d dossier.Document, presentedOn string) ([]string, error) {
	fs, err := s.CheckTx(ctx, tx, d, presentedOn)
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.String()
	}
	return out, err
}

func linked(ctx context.Context, tx store.Tx, id string) ([]presented, error) {
	links, err := tx.Links(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []presented
	for _, l := range links {
		other := l.TargetID
		if other == id {
			other = l.DocumentID
		}
		if slices.ContainsFunc(out, func(p presented) bool { return p.ID == other }) {
			continue
		}
		d, err := tx.Document(ctx, other)
		if err != nil {
			return nil, err
		}
		pages, err := tx.Text(ctx, d.ID, d.File.Version)
		if err != nil && dossier.ErrorCode(err) != dossier.ENotFound {
			return nil, err
		}
		out = append(out, presented{Document: d, text: strings.ToUpper(strings.Join(pages, "\n"))})
	}
	return out, nil
}

// moneyChecks compare an invoice's amount and currency with the credit:
// the amount may not exceed the credit's plus its tolerance (art. 18(b), 30).
func moneyChecks(d dossier.Document, r Row, p presented) []Finding {
	if p.Amount == "" || p.Currency == "" || d.Currency == "" {
		return nil
	}
	if p.Currency != d.Currency {
		return []Finding{{"currency of the document differs from the credit's", "32B", p.ID, d.Currency, p.Currency}}
	}
	if !isInvoice(p) {
		return nil
	}
	limit, ok := withTolerance(d.Amount, r.TolerancePlus)
	var amount apd.Decimal
	if _, _, err := amount.SetString(p.Amount); !ok || err != nil {
		return nil
	}
	if amount.Cmp(&limit) > 0 {
		return []Finding{{"invoice amount over the credit and its tolerance (art. 18(b), 30)", "32B/39A", p.ID,
			"at most " + limit.Text('f') + " " + d.Currency, p.Amount + " " + p.Currency}}
	}
	return nil
}

func withTolerance(amount, plusPercent string) (apd.Decimal, bool) {
	var a, pct, out apd.Decimal
	if _, _, err := a.SetString(amount); err != nil {
		return out, false
	}
	if plusPercent == "" {
		return a, true
	}
	if _, _, err := pct.SetString(plusPercent); err != nil {
		return a, true
	}
	ctx := apd.BaseContext.WithPrecision(40)
	var factor, hundred apd.Decimal
	hundred.SetInt64(100)
	_, _ = ctx.Quo(&factor, &pct, &hundred)
	_, _ = ctx.Mul(&factor, &factor, &a)
	_, _ = ctx.Add(&out, &a, &factor)
	return out, true
}

func isInvoice(p presented) bool { return kindOf(p) == "INVOICE" }

// kindOf is the sort of document p is, by its kind, title and tags.
func kindOf(p presented) string {
	if p.Kind == dossier.KindToolingInvoice {
		return "INVOICE"
	}
	return documentKind(p.Title + " " + strings.Join(p.Tags, " "))
}

// documentKind names the sort of document a 46A item or a title speaks of.
func documentKind(s string) string {
	up := strings.ToUpper(s)
	for _, k := range []struct{ kind, word string }{
		{"BILL OF LADING", "BILL OF LADING"}, {"BILL OF LADING", "B/L"}, {"BILL OF LADING", "BILLS OF LADING"},
		{"PACKING LIST", "PACKING LIST"}, {"CERTIFICATE OF ORIGIN", "CERTIFICATE OF ORIGIN"},
		{"INSURANCE", "INSURANCE"}, {"INVOICE", "INVOICE"},
	} {
		if strings.Contains(up, k.word) {
			return k.kind
		}
	}
	return ""
}

func asksForNumber(conditions []string) bool {
	for _, c := range conditions {
		up := strings.ToUpper(c)
		if strings.Contains(up, "CREDIT NUMBER") || strings.Contains(up, "L/C NO") || strings.Contains(up, "LC NO") ||
			strings.Contains(up, "L/C NUMBER") || strings.Contains(up, "CREDIT NO") {
			return true
		}
	}
	return false
}

// missingWords are the goods' significant words the text lacks, when it
// lacks more than half of them.
func missingWords(goods, text string) []string {
	var words, missing []string
	for _, w := range strings.FieldsFunc(strings.ToUpper(goods), func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') }) {
		if len(w) >= 4 && !slices.Contains(words, w) && !slices.Contains([]string{"PACKED", "WITH", "FROM", "EACH", "UNDER"}, w) {
			words = append(words, w)
		}
	}
	for _, w := range words {
		if !strings.Contains(text, w) {
			missing = append(missing, strings.ToLower(w))
		}
	}
	if len(missing)*2 <= len(words) {
		return nil
	}
	return missing
}

func sameName(a, b string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToUpper(s)), " ") }
	return strings.HasPrefix(norm(b), norm(a)) || strings.HasPrefix(norm(a), norm(b))
}
