package ucp

import (
	"testing"
	"time"
)

// d writes a date as the tables do: d("2024-03-01").
func d(s string) Date {
	v, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func mustLookup(t *testing.T, code string) Calendar {
	t.Helper()
	c, ok := Lookup(code)
	if !ok {
		t.Fatalf("no calendar %s", code)
	}
	return c
}

func TestPresentationDeadline(t *testing.T) {
	t.Parallel()
	target := Target2()
	saudi := mustLookup(t, "SA")
	cases := []struct {
		name             string
		shipment, expiry string
		days             int
		cal              Calendar
		want             string
	}{
		// Art. 14(c): a bill of lading dated 1 March, 21 days.
		{"21 days after shipment", "2024-03-01", "2024-04-30", 21, target, "2024-03-22"},
		{"no field 48: 21 days", "2024-03-01", "2024-04-30", 0, target, "2024-03-22"},
		{"48 gives 6 days", "2024-03-01", "2024-04-30", 6, target, "2024-03-07"},
		{"capped at the expiry", "2024-03-01", "2024-03-15", 21, target, "2024-03-15"},
		{"expiry on a Sunday moves to Monday", "2024-03-01", "2024-03-17", 21, target, "2024-03-18"},
		{"last day on a Saturday moves to Monday", "2024-03-02", "2024-04-30", 21, target, "2024-03-25"},
		{"expiry before shipment: the expiry", "2024-03-20", "2024-03-15", 21, target, "2024-03-15"},
		{"month end", "2024-01-31", "2024-04-30", 21, target, "2024-02-21"},
		{"over the end of August onto a Saturday", "2024-08-31", "2024-12-31", 21, target, "2024-09-23"},
		{"into 29 February 2028", "2028-02-08", "2028-06-30", 21, target, "2028-02-29"},
		{"one day after 28 February 2028", "2028-02-28", "2028-06-30", 1, target, "2028-02-29"},
		{"over February 2027 (no 29th)", "2027-02-08", "2027-06-30", 21, target, "2027-03-01"},
		{"Good Friday under TARGET2: after Easter Monday", "2024-03-08", "2024-06-30", 21, target, "2024-04-02"},
		{"Christmas under TARGET2: 25 and 26 closed", "2024-12-04", "2025-03-31", 21, target, "2024-12-27"},
		{"expiry on Christmas Day", "2024-11-01", "2024-12-25", 60, target, "2024-12-27"},
		{"German Unity Day in Germany", "2024-09-12", "2024-12-31", 21, mustLookup(t, "DE"), "2024-10-04"},
		{"German Unity Day is no TARGET2 holiday", "2024-09-12", "2024-12-31", 21, target, "2024-10-03"},
		{"England: Christmas on a weekend, closed to Tuesday", "2021-12-04", "2022-03-31", 21, mustLookup(t, "GB"), "2021-12-29"},
		{"Saudi Arabia: last day a Friday, open Sunday", "2024-02-16", "2024-04-30", 21, saudi, "2024-03-10"},
		{"Saudi Arabia: Sunday is a banking day", "2024-02-18", "2024-04-30", 21, saudi, "2024-03-10"},
		{"Eid added as closing days", "2024-03-20", "2024-06-30", 21, saudi.WithClosingDays(d("2024-04-10"), d("2024-04-11")), "2024-04-14"},
		{"no shipment date yet: the expiry", "", "2024-03-17", 21, target, "2024-03-18"},
		{"no expiry: the period alone", "2024-03-01", "", 21, target, "2024-03-22"},
		{"nothing known", "", "", 21, target, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var ship, exp Date
			if c.shipment != "" {
				ship = d(c.shipment)
			}
			if c.expiry != "" {
				exp = d(c.expiry)
			}
			if got := PresentationDeadline(ship, exp, c.days, c.cal); got.String() != c.want {
				t.Errorf("PresentationDeadline(%s, %s, %d, %s) = %s, want %s", c.shipment, c.expiry, c.days, c.cal.Name, got, c.want)
			}
		})
	}
}

func TestExaminationDeadline(t *testing.T) {
	t.Parallel()
	target := Target2()
	cases := []struct {
		name      string
		presented string
		cal       Calendar
		want      string
	}{
		// Art. 14(b): presented on a Monday, five banking days following.
		{"Monday to the next Monday", "2024-03-04", target, "2024-03-11"},
		{"over Easter under TARGET2", "2024-03-28", target, "2024-04-08"},
		{"presented on a Saturday counts from Monday", "2024-03-09", target, "2024-03-18"},
		{"over Christmas and New Year", "2024-12-23", target, "2025-01-02"},
		{"Gulf weekend (Friday, Saturday)", "2024-03-07", mustLookup(t, "SA"), "2024-03-14"},
		{"five banking days excluding Fridays", "2024-03-07", target.WithWeekend(time.Friday), "2024-03-13"},
		{"US: open on the Friday before a Saturday 4 July", "2026-07-02", mustLookup(t, "US"), "2026-07-09"},
		{"US: closed on the Monday after a Sunday 4 July", "2027-07-01", mustLookup(t, "US"), "2027-07-09"},
		{"an added closing day", "2024-03-04", target.WithClosingDays(d("2024-03-06")), "2024-03-12"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := ExaminationDeadline(d(c.presented), c.cal); got.String() != c.want {
				t.Errorf("ExaminationDeadline(%s, %s) = %s, want %s", c.presented, c.cal.Name, got, c.want)
			}
		})
	}
}

func TestRefusalIsLate(t *testing.T) {
	t.Parallel()
	presented := d("2024-03-04") // Monday: the bank has until Monday 11 March
	for refused, late := range map[string]bool{"2024-03-08": false, "2024-03-11": false, "2024-03-12": true} {
		if got := RefusalIsLate(presented, d(refused), Target2()); got != late {
			t.Errorf("refusal on %s late = %v, want %v", refused, got, late)
		}
	}
}

func TestTermsDeadlines(t *testing.T) {
	t.Parallel()
	target := Target2()
	// A latest shipment date on a Saturday is not moved (art. 29(c)): 6 days
	// count from Saturday 15 June to Friday 21 June. Counted from Monday 17
	// June they would end on Sunday 23 and move to Monday 24.
	terms := Terms{Expiry: d("2024-08-31"), LatestShipment: d("2024-06-15"), PresentationDays: 6}
	got := terms.Deadlines(target)
	want := Deadlines{LatestShipment: d("2024-06-15"), Expiry: d("2024-09-02"), Presentation: d("2024-06-21")}
	if got != want {
		t.Errorf("before shipment: %+v, want %+v", got, want)
	}
	// Once shipped, the actual date counts; once presented, the examination.
	terms.ActualShipment, terms.Presented = d("2024-06-03"), d("2024-06-07")
	got = terms.Deadlines(target)
	want = Deadlines{LatestShipment: d("2024-06-15"), Expiry: d("2024-09-02"), Presentation: d("2024-06-10"), Examination: d("2024-06-14")}
	if got != want {
		t.Errorf("after presentation: %+v, want %+v", got, want)
	}
}
