package swift

import "strings"

// known700 are the fields of an MT700 (SWIFT standards 2018 to 2023, and the
// 39B, 71B and 72 of earlier years); 27A and 21A index an MT798's content.
var known700 = set("27", "40A", "20", "23", "31C", "40E", "31D", "51a", "50", "59", "32B",
	"39A", "39B", "39C", "41a", "42C", "42a", "42M", "42P", "43P", "43T", "44A", "44E", "44F",
	"44B", "44C", "44D", "45A", "46A", "47A", "49G", "49H", "71D", "71B", "48", "49", "58a",
	"53a", "78", "57a", "72Z", "72", "52a", "27A", "21A")

// mandatory700 are the fields every MT700 has.
var mandatory700 = []string{"27", "40A", "20", "31C", "40E", "31D", "50", "59", "32B", "41a", "49"}

// mt700 types the fields of an issue of a documentary credit.
func (b *builder) mt700(fields []rawField) {
	lc := &LC{}
	b.msg.LC = lc
	kept, seen := b.firstOnly(fields)
	b.mandatory(seen, mandatory700...)
	b.bothShipment(kept)
	for _, f := range kept {
		if b.common(lc, f) {
			continue
		}
		v := f.lines
		switch fieldKey(f.tag) {
		case "20":
			lc.Number = Text(joinSpace(v))
		case "23":
			lc.PreAdviceReference = Text(joinSpace(v))
		case "32B":
			if m, ok := b.money(f); ok {
				lc.Currency, lc.Amount = Text(m.Currency), m.Amount
			}
		case "45A":
			lc.Goods = Text(joinLines(v))
		case "46A":
			lc.DocumentsRequired = splitItems(v)
		case "47A":
			lc.AdditionalConditions = splitItems(v)
		default:
			if !known700[fieldKey(f.tag)] {
				b.warnf(f, "field %s is not part of an MT700; it is kept as written", f.tag)
			}
		}
	}
	for _, f := range kept {
		if s := string(lc.Sequence); f.tag == "27" && s != "1/1" {
			b.warnf(f, "sequence %q: the rest of the credit comes in MT701 messages, which are not read here", clip(s))
		}
	}
	b.banks(lc)
}

func set(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[strings.TrimSpace(k)] = true
	}
	return m
}
