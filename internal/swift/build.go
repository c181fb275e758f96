package swift

import (
	"fmt"
	"strings"
)

// builder types the fields of one message and records what is wrong.
type builder struct {
	msg *Message
}

func (b *builder) errorf(f rawField, format string, a ...any) {
	b.msg.Errors = append(b.msg.Errors, Problem{Tag: f.tag, Line: f.line, Message: fmt.Sprintf(format, a...)})
}

func (b *builder) warnf(f rawField, format string, a ...any) {
	b.msg.Warnings = append(b.msg.Warnings, Problem{Tag: f.tag, Line: f.line, Message: fmt.Sprintf(format, a...)})
}

// fieldKey names a field the way the standard does, with a lower-case
// letter for the fields that come in several options: 41A and 41D are both
// 41a.
func fieldKey(tag string) string {
	if len(tag) == 3 {
		switch tag[:2] {
		case "41", "51", "52", "53", "57", "58":
			return tag[:2] + "a"
		case "42":
			if tag[2] == 'A' || tag[2] == 'D' {
				return "42a"
			}
		}
	}
	return tag
}

// fieldNames are the fields a clerk looks for, as the standard names them,
// for the messages about missing ones.
var fieldNames = map[string]string{
	"20": "documentary credit number", "21": "receiver's reference", "27": "sequence of total",
	"30": "date of amendment", "31C": "date of issue", "31D": "date and place of expiry",
	"32B": "currency code and amount", "40A": "form of documentary credit", "40E": "applicable rules",
	"41a": "available with … by …", "49": "confirmation instructions", "50": "applicant", "59": "beneficiary",
	"26E": "number of amendment",
}

// firstOnly keeps the first of the fields that appear more than once, which
// the standard does not allow, and says so.
func (b *builder) firstOnly(fields []rawField) (kept []rawField, seen map[string]bool) {
	seen = map[string]bool{}
	for _, f := range fields {
		k := fieldKey(f.tag)
		if seen[k] {
			b.warnf(f, "field %s appears more than once; the first one is read", k)
			continue
		}
		seen[k] = true
		kept = append(kept, f)
	}
	return kept, seen
}

// mandatory reports each missing field of the list as an error.
func (b *builder) mandatory(seen map[string]bool, keys ...string) {
	for _, k := range keys {
		if !seen[k] {
			b.msg.Errors = append(b.msg.Errors, Problem{Tag: k, Message: fmt.Sprintf("mandatory field %s (%s) is missing", k, fieldNames[k])})
		}
	}
}

// bothShipment reports 44C and 44D given together: a credit states a latest
// shipment date or a shipment period, not both.
func (b *builder) bothShipment(fields []rawField) {
	var c, d *rawField
	for i := range fields {
		switch fields[i].tag {
		case "44C":
			c = &fields[i]
		case "44D":
			d = &fields[i]
		}
	}
	if c != nil && d != nil {
		b.errorf(*d, "44C (latest date of shipment) and 44D (shipment period) are both given; only one of them may be")
	}
}

// date reads a field that is a date alone (31C, 44C, 30, 31E).
func (b *builder) date(f rawField) Date {
	d, err := parseDate(strings.Join(nonEmpty(f.lines), ""))
	if err != nil {
		b.errorf(f, "%v", err)
	}
	return d
}

// money reads 32B, 33B or 34B.
func (b *builder) money(f rawField) (Money, bool) {
	m, warns, err := parseMoney(f.lines)
	if err != nil {
		b.errorf(f, "%v", err)
		return Money{}, false
	}
	for _, w := range warns {
		b.warnf(f, "%s", w)
	}
	return m, true
}

// common reads a field MT700 and MT707 share into lc; it reports whether
// the tag is one of them.
func (b *builder) common(lc *LC, f rawField) bool {
	v := f.lines
	switch fieldKey(f.tag) {
	case "27":
		lc.Sequence = Text(strings.Join(strings.Fields(strings.Join(v, "")), ""))
	case "40A":
		lc.Form = Text(joinSpace(v))
	case "40E":
		lc.ApplicableRules = Text(joinSpace(v))
	case "31C":
		lc.IssueDate = b.date(f)
	case "31D":
		d, place, err := parseExpiry(v)
		if err != nil {
			b.errorf(f, "%v", err)
		}
		lc.ExpiryDate, lc.ExpiryPlace = d, Text(place)
		if place == "" && err == nil {
			b.warnf(f, "31D gives no place of expiry")
		}
	case "50":
		lc.Applicant = nonEmpty(v)
	case "59":
		lc.Beneficiary = nonEmpty(v)
	case "51a":
		lc.ApplicantBank = nonEmpty(v)
	case "52a":
		lc.IssuingBank = nonEmpty(v)
	case "57a":
		lc.AdviseThroughBank = nonEmpty(v)
	case "39A":
		p, m, err := parseTolerance(v)
		if err != nil {
			b.errorf(f, "%v", err)
		}
		lc.TolerancePlus, lc.ToleranceMinus = p, m
	case "39C":
		lc.AdditionalAmounts = Text(joinLines(v))
	case "41a":
		with, by := parseAvailable(v)
		lc.AvailableWith, lc.AvailableBy = with, Text(by)
		if by == "" {
			b.warnf(f, "41a does not say how the credit is available (BY PAYMENT, BY NEGOTIATION, …)")
		}
	case "42C":
		lc.DraftsAt = Text(joinSpace(v))
	case "42a":
		lc.Drawee = nonEmpty(v)
	case "43P":
		lc.PartialShipments = Text(joinSpace(v))
	case "43T":
		lc.Transhipment = Text(joinSpace(v))
	case "44A":
		lc.PlaceOfReceipt = Text(joinSpace(v))
	case "44E":
		lc.PortOfLoading = Text(joinSpace(v))
	case "44F":
		lc.PortOfDischarge = Text(joinSpace(v))
	case "44B":
		lc.FinalDestination = Text(joinSpace(v))
	case "44C":
		lc.LatestShipmentDate = b.date(f)
	case "44D":
		lc.ShipmentPeriod = Text(joinLines(v))
	case "48":
		days, text := parsePresentation(v)
		lc.PresentationDays, lc.PresentationText = days, Text(text)
		if days == nil {
			b.warnf(f, "48 names no number of days; UCP 600's 21 days will be counted")
		}
	case "49":
		lc.Confirmation = Text(joinSpace(v))
		switch lc.Confirmation {
		case "CONFIRM", "MAY ADD", "WITHOUT":
		default:
			b.warnf(f, "49 is %q; the standard knows CONFIRM, MAY ADD and WITHOUT", clip(string(lc.Confirmation)))
		}
	case "71D", "71B":
		lc.Charges = Text(joinLines(v))
	case "78":
		lc.Instructions = Text(joinLines(v))
	default:
		return false
	}
	return true
}

// banks fills the issuing and advising banks from the header when the
// fields do not name them.
func (b *builder) banks(lc *LC) {
	if len(lc.IssuingBank) == 0 && b.msg.Sender != "" {
		lc.IssuingBank = []string{b.msg.Sender}
	}
	if b.msg.Receiver != "" {
		lc.AdvisingBank = []string{b.msg.Receiver}
	}
}
