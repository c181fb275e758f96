package lc

import (
	"encoding/json"
	"fmt"
	"strings"

	"dossier/internal/dossier"
	"dossier/internal/swift"
)

// Metadata is the letter-of-credit document an MT700 describes: number,
// amount, currency, the applicant as customer, the dates of the credit, and
// its other terms in fields.
func Metadata(m swift.Message) (dossier.Metadata, error) {
	lc := m.LC
	if m.MessageType != "700" || lc == nil {
		return dossier.Metadata{}, dossier.Errorf(dossier.EUnprocessable,
			"an LC is created from an MT700 (issue of a documentary credit); this is an MT%s", m.MessageType)
	}
	if len(m.Errors) > 0 {
		return dossier.Metadata{}, dossier.Errorf(dossier.EUnprocessable,
			"the MT700 has errors to correct before an LC is made from it: %s", problems(m.Errors))
	}
	applicant := firstLine(lc.Applicant)
	md := dossier.Metadata{
		Kind:     dossier.KindLetterOfCredit,
		Subtype:  subtype(string(lc.AvailableBy), string(lc.DraftsAt)),
		Title:    strings.TrimSpace(fmt.Sprintf("LC %s %s", lc.Number, applicant)),
		Number:   string(lc.Number),
		Customer: applicant,
		Currency: string(lc.Currency),
		Amount:   inCurrency(string(lc.Amount), string(lc.Currency)),
		Dates:    map[string]string{},
	}
	for name, d := range map[string]swift.Date{"issue_date": lc.IssueDate, "expiry_date": lc.ExpiryDate,
		"latest_shipment_date": lc.LatestShipmentDate} {
		if !d.IsZero() {
			md.Dates[name] = d.String()
		}
	}
	fields := map[string]any{}
	// Metadata text holds no line breaks: a field's lines are one line.
	text := func(name string, v string) {
		if v = oneLine(v); v != "" {
			fields[name] = v
		}
	}
	text("issuing_bank", strings.Join(lc.IssuingBank, ", "))
	text("advising_bank", strings.Join(lc.AdvisingBank, ", "))
	text("applicant", strings.Join(lc.Applicant, ", "))
	text("beneficiary", strings.Join(lc.Beneficiary, ", "))
	text("expiry_place", string(lc.ExpiryPlace))
	text("confirmation", string(lc.Confirmation))
	text("form", string(lc.Form))
	text("applicable_rules", string(lc.ApplicableRules))
	text("available_by", string(lc.AvailableBy))
	text("drafts_at", string(lc.DraftsAt))
	text("partial_shipments", string(lc.PartialShipments))
	text("transhipment", string(lc.Transhipment))
	text("port_of_loading", string(lc.PortOfLoading))
	text("port_of_discharge", string(lc.PortOfDischarge))
	text("shipment_period", string(lc.ShipmentPeriod))
	text("goods", string(lc.Goods))
	text("presentation_text", string(lc.PresentationText))
	if lc.PresentationDays != nil {
		fields["presentation_period_days"] = *lc.PresentationDays
	}
	text("tolerance_plus", string(lc.TolerancePlus))
	text("tolerance_minus", string(lc.ToleranceMinus))
	if len(lc.DocumentsRequired) > 0 {
		fields["documents_required"] = oneLines(lc.DocumentsRequired)
	}
	if len(lc.AdditionalConditions) > 0 {
		fields["additional_conditions"] = oneLines(lc.AdditionalConditions)
	}
	raw, err := json.Marshal(fields)
	if err != nil {
		return md, fmt.Errorf("encode the LC's fields: %w", err)
	}
	md.Fields = raw
	return md, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func oneLines(items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = oneLine(s)
	}
	return out
}

// subtype reads the kind of LC from 41a (available by) and 42C (drafts at).
func subtype(availableBy, draftsAt string) string {
	by := strings.ToUpper(availableBy)
	switch {
	case strings.Contains(by, "DEF"):
		return "deferred"
	case strings.Contains(by, "ACCEPT"):
		return "acceptance"
	case strings.Contains(by, "NEGOT"):
		return "negotiation"
	case strings.Contains(by, "PAYMENT"), strings.Contains(strings.ToUpper(draftsAt), "SIGHT"):
		return "sight"
	}
	return ""
}

// inCurrency writes amount with no more decimals than currency has:
// "100000.00" JPY is "100000" (the message writes "JPY100000,").
func inCurrency(amount, currency string) string {
	whole, frac, ok := strings.Cut(amount, ".")
	if !ok {
		return amount
	}
	keep := dossier.MinorUnits(currency)
	for len(frac) > keep && strings.HasSuffix(frac, "0") {
		frac = frac[:len(frac)-1]
	}
	if frac == "" {
		return whole
	}
	return whole + "." + frac
}

// firstLine is the first non-blank line, cut to fit a customer name.
func firstLine(lines []string) string {
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			if r := []rune(l); len(r) > dossier.MaxCustomerLen {
				l = string(r[:dossier.MaxCustomerLen])
			}
			return l
		}
	}
	return ""
}

// bankKey names the issuing bank for telling two credits apart: the BIC of
// the message's sender when it has one (its first 8 characters, the bank
// whatever the branch), else the first line of the issuing bank.
func bankKey(m swift.Message) string {
	if len(m.Sender) >= 8 {
		return strings.ToUpper(m.Sender[:8])
	}
	if m.LC != nil {
		return strings.ToUpper(strings.Join(strings.Fields(firstLine(m.LC.IssuingBank)), " "))
	}
	return ""
}
