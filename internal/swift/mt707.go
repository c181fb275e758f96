package swift

import (
	"strconv"
	"strings"
)

// known707 are the fields of an MT707 (SWIFT standards 2018 to 2023, and the
// 31E, 34B, 72 and 79 of earlier years).
var known707 = set("27", "20", "21", "23", "52a", "50B", "31C", "26E", "30", "22A", "23S",
	"40A", "40E", "31D", "31E", "50", "59", "32B", "33B", "34B", "39A", "39B", "39C", "41a",
	"42C", "42a", "42M", "42P", "43P", "43T", "44A", "44E", "44F", "44B", "44C", "44D", "45B",
	"46B", "47B", "49M", "49N", "71D", "71N", "48", "49", "58a", "53a", "78", "57a", "72Z",
	"72", "79", "27A", "21A")

// mandatory707 are the fields every MT707 has had, before and after the
// 2018 standards.
var mandatory707 = []string{"20", "21", "30"}

// mt707 types the fields of an amendment. LC receives the terms the
// amendment states; Amendment what identifies it and what it changes.
func (b *builder) mt707(fields []rawField) {
	lc := &LC{}
	a := &Amendment{Changes: []Change{}}
	b.msg.LC, b.msg.Amendment = lc, a
	kept, seen := b.firstOnly(fields)
	b.mandatory(seen, mandatory707...)
	if !seen["26E"] {
		b.msg.Warnings = append(b.msg.Warnings, Problem{Tag: "26E", Message: "the amendment does not give its number (26E)"})
	}
	b.bothShipment(kept)
	for _, f := range kept {
		if b.common(lc, f) {
			b.amended(a, lc, f)
			continue
		}
		v := f.lines
		switch fieldKey(f.tag) {
		case "20":
			a.LCNumber = Text(joinSpace(v))
			lc.Number = a.LCNumber
		case "21":
			a.ReceiverReference = Text(joinSpace(v))
		case "23":
			a.IssuingBankReference = Text(joinSpace(v))
		case "26E":
			s := joinSpace(v)
			if n, err := strconv.Atoi(s); err == nil && n >= 0 && allDigits(s) {
				a.AmendmentNumber = &n
			} else {
				b.errorf(f, "%q is not a number of amendment", clip(s))
			}
		case "30":
			a.AmendmentDate = b.date(f)
		case "22A":
			a.Purpose = Text(joinSpace(v))
			switch a.Purpose {
			case "ISSU", "ICCO", "ACNF":
			default:
				b.warnf(f, "22A is %q; the standard knows ISSU, ICCO and ACNF", clip(string(a.Purpose)))
			}
		case "31E":
			a.NewExpiryDate = b.date(f)
			lc.ExpiryDate = a.NewExpiryDate
		case "32B", "33B", "34B":
			b.amount(a, lc, f)
		case "45B", "46B", "47B", "49M", "49N":
			changes, uncoded := parseChanges(f.tag, v)
			if uncoded {
				b.warnf(f, "%s has text without a code (/ADD/, /DELETE/ or /REPALL/) before it", f.tag)
			}
			a.Changes = append(a.Changes, changes...)
		case "72Z":
			a.SenderToReceiver = Text(joinLines(v))
		default:
			if !known707[fieldKey(f.tag)] {
				b.warnf(f, "field %s is not part of an MT707; it is kept as written", f.tag)
			}
		}
	}
	b.banks(lc)
}

// amended copies into the amendment the shared fields it names on its own.
func (b *builder) amended(a *Amendment, lc *LC, f rawField) {
	switch f.tag {
	case "31C":
		a.IssueDate = lc.IssueDate
	case "31D":
		a.NewExpiryDate, a.NewExpiryPlace = lc.ExpiryDate, lc.ExpiryPlace
	case "44C":
		a.LatestShipmentDate = lc.LatestShipmentDate
	}
}

// amount reads 32B (increase), 33B (decrease) and 34B (the new amount,
// before 2018).
func (b *builder) amount(a *Amendment, lc *LC, f rawField) {
	m, ok := b.money(f)
	if !ok {
		return
	}
	switch f.tag {
	case "32B":
		a.Increase = &m
	case "33B":
		a.Decrease = &m
	case "34B":
		a.NewAmount = &m
		lc.Currency, lc.Amount = Text(m.Currency), m.Amount
	}
	if strings.TrimLeft(strings.ReplaceAll(string(m.Amount), ".", ""), "0") == "" && f.tag != "34B" {
		b.warnf(f, "%s changes the amount by zero", f.tag)
	}
}
