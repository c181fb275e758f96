// Package ucp counts the days of a documentary credit under UCP 600: the
// last day to present the documents, the expiry as the bank keeps it, and
// the days the bank has to examine them. Banking days depend on the place:
// its weekend, its holidays (from github.com/rickar/cal where the library
// knows the place, TARGET2 for the euro area) and the closing days an
// administrator adds. It depends on nothing else in Dossier.
package ucp

// DefaultPresentationDays is the presentation period when the credit states
// none (field 48 absent): 21 calendar days after shipment (art. 14(c)).
const DefaultPresentationDays = 21

// ExaminationDays is the banking days a bank has to examine a presentation
// (art. 14(b)).
const ExaminationDays = 5

// ExpiryDeadline is the last day of the credit at the bank: the expiry date,
// or the first banking day after it when the bank is closed that day
// (art. 29(a)).
func ExpiryDeadline(expiry Date, c Calendar) Date {
	return c.NextBankingDay(expiry)
}

// PresentationDeadline is the last day to present the documents: the
// shipment date plus the presentation period (periodDays; 0 or less when the
// credit states none, then 21 days), never later than the expiry (art.
// 14(c)). A last day on which the bank is closed moves to the next banking
// day, and so does the expiry (art. 29(a)); the shipment date itself never
// moves (art. 29(c)). Without a shipment date (a credit with a shipment
// period, before shipment) the deadline is the expiry; without an expiry,
// the presentation period alone.
func PresentationDeadline(shipment, expiry Date, periodDays int, c Calendar) Date {
	if periodDays <= 0 {
		periodDays = DefaultPresentationDays
	}
	last := expiry
	if !shipment.IsZero() {
		last = shipment.AddDays(periodDays)
		if !expiry.IsZero() && expiry.Before(last) {
			last = expiry
		}
	}
	if last.IsZero() {
		return Date{}
	}
	// Moving to the next banking day keeps the order of days, so moving the
	// earlier of the two is the earlier of the two moved.
	return c.NextBankingDay(last)
}

// ShipmentBasis is the shipment date the presentation period runs from: the
// actual one once it is known, the latest shipment date (44C) until then.
func ShipmentBasis(actual, latest Date) Date {
	if !actual.IsZero() {
		return actual
	}
	return latest
}

// ExaminationDeadline is the last day the bank may refuse a presentation:
// the fifth banking day following the day of presentation (art. 14(b)).
// Documents presented on a day the bank is closed are presented on its next
// banking day (art. 33: a bank need not accept them outside its hours).
func ExaminationDeadline(presented Date, c Calendar) Date {
	return c.AddBankingDays(c.NextBankingDay(presented), ExaminationDays)
}

// RefusalIsLate reports whether a refusal given on refused comes after the
// examination period of a presentation made on presented: the bank is then
// precluded from claiming that the documents do not comply (art. 16(f)).
func RefusalIsLate(presented, refused Date, c Calendar) bool {
	return refused.After(ExaminationDeadline(presented, c))
}

// Terms are the dates of a credit its deadlines come from.
type Terms struct {
	Expiry           Date // 31D
	LatestShipment   Date // 44C; zero when the credit gives a period (44D)
	ActualShipment   Date // once known (present_to_bank, record_shipment)
	PresentationDays int  // 48; 0 when absent
	Presented        Date // the day of presentation, zero before it
}

// Deadlines are a credit's days at one bank.
type Deadlines struct {
	LatestShipment Date // as written: never moved (art. 29(c))
	Expiry         Date // moved off a closed day (art. 29(a))
	Presentation   Date
	Examination    Date // zero before presentation
}

// Deadlines counts the credit's days on the calendar of the bank.
func (t Terms) Deadlines(c Calendar) Deadlines {
	d := Deadlines{
		LatestShipment: t.LatestShipment,
		Presentation:   PresentationDeadline(ShipmentBasis(t.ActualShipment, t.LatestShipment), t.Expiry, t.PresentationDays, c),
	}
	if !t.Expiry.IsZero() {
		d.Expiry = ExpiryDeadline(t.Expiry, c)
	}
	if !t.Presented.IsZero() {
		d.Examination = ExaminationDeadline(t.Presented, c)
	}
	return d
}
