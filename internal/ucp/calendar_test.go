package ucp

import (
	"slices"
	"sync"
	"testing"
	"time"
)

func TestClosedFor(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code, date, why string // why "": a banking day
	}{
		{"TARGET2", "2025-01-01", "New Year's Day"},
		{"TARGET2", "2025-04-18", "Good Friday"},
		{"TARGET2", "2025-04-21", "Easter Monday"},
		{"TARGET2", "2025-05-01", "Labour Day"},
		{"TARGET2", "2025-12-25", "Christmas Day"},
		{"TARGET2", "2025-12-26", "Christmas Holiday"},
		{"TARGET2", "2025-12-24", ""},
		{"TARGET2", "2028-01-01", "Saturday"},
		{"TARGET2", "2028-01-03", ""}, // TARGET2 does not move New Year off a weekend
		{"TARGET2", "2028-02-29", ""},
		{"TARGET2", "2028-03-05", "Sunday"},
		{"DE", "2025-10-03", "Tag der Deutschen Einheit"},
		{"DE", "2025-12-26", "Zweiter Weihnachtsfeiertag"},
		{"FR", "2025-07-14", "Fête Nationale"},
		{"FR", "2025-12-26", "Christmas Holiday"}, // a TARGET2 day in the euro area
		{"FI", "2025-04-18", "Good Friday"},
		{"GB", "2025-08-25", "Summer Bank Holiday"},
		{"GB", "2021-12-27", "Christmas Day"},
		{"US", "2025-11-27", "Thanksgiving Day"},
		{"US", "2026-07-03", ""},
		{"US", "2027-07-05", "Independence Day"},
		{"CH", "2025-08-01", "Bundesfeiertag"},
		{"JP", "2025-01-13", "Coming of Age Day"},
		{"SA", "2025-03-07", "Friday"},
		{"SA", "2025-03-09", ""},
		{"AE", "2025-03-07", ""},
		{"AE", "2025-03-08", "Saturday"},
		{"IR", "2025-03-08", ""},
		{"IR", "2025-03-07", "Friday"},
		{"CN", "2024-02-12", ""}, // the library has no Chinese holidays: added as closing days
	}
	for _, c := range cases {
		cal := mustLookup(t, c.code)
		if got := cal.ClosedFor(d(c.date)); got != c.why {
			t.Errorf("%s %s (%s): closed for %q, want %q", c.code, c.date, d(c.date).Weekday(), got, c.why)
		}
		if cal.IsBankingDay(d(c.date)) != (c.why == "") {
			t.Errorf("%s %s: IsBankingDay disagrees with ClosedFor", c.code, c.date)
		}
	}
}

func TestClosingDaysAreACopy(t *testing.T) {
	t.Parallel()
	cn := mustLookup(t, "CN")
	springFestival := cn.WithClosingDays(d("2024-02-12"), d("2024-02-13"))
	if got := springFestival.ClosedFor(d("2024-02-12")); got != "closing day" {
		t.Errorf("added closing day: %q", got)
	}
	more := springFestival.WithClosingDays(d("2024-02-14"))
	if !springFestival.IsBankingDay(d("2024-02-14")) || more.IsBankingDay(d("2024-02-14")) || !cn.IsBankingDay(d("2024-02-12")) {
		t.Error("WithClosingDays changed the calendar it was called on")
	}
	if got := springFestival.NextBankingDay(d("2024-02-10")); got != d("2024-02-14") {
		t.Errorf("next banking day after the Spring Festival = %s", got)
	}
	if got := springFestival.WithWeekend(time.Friday).Weekend(); !slices.Equal(got, []time.Weekday{time.Friday}) {
		t.Errorf("weekend = %v", got)
	}
}

func TestNoBankingDayAtAll(t *testing.T) {
	t.Parallel()
	never := Target2().WithWeekend(time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday)
	if got := never.NextBankingDay(d("2024-03-01")); got != d("2024-03-01") {
		t.Errorf("NextBankingDay = %s, want the day itself", got)
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	for _, code := range Codes() {
		c, ok := Lookup(code)
		if !ok || c.Name != code {
			t.Errorf("Lookup(%q) = %q, %v", code, c.Name, ok)
		}
		if len(c.Weekend()) == 0 {
			t.Errorf("%s has no weekend", code)
		}
	}
	if c, ok := Lookup(" target "); !ok || c.Name != "TARGET2" {
		t.Errorf("Lookup(target) = %q, %v", c.Name, ok)
	}
	if c, ok := Lookup("de"); !ok || c.Name != "DE" {
		t.Errorf("Lookup(de) = %q, %v", c.Name, ok)
	}
	for _, code := range []string{"", "XX", "EUR", "GERMANY"} {
		if _, ok := Lookup(code); ok {
			t.Errorf("Lookup(%q) found a calendar", code)
		}
	}
}

func TestCalendarFor(t *testing.T) {
	t.Parallel()
	cases := []struct {
		places []string
		want   string
	}{
		{[]string{"AMSTERDAM"}, "NL"},
		{[]string{"IN USA"}, "US"},
		{[]string{"IN U.S.A."}, "US"},
		{[]string{"IN INDONESIA"}, "ID"},
		{[]string{"NORTH HARBOR MANILA (MANILA INTERNATIONAL CONTAINER PORT)"}, "PH"},
		{[]string{"AT THE COUNTERS OF BANK OF CHINA, FRANKFURT"}, "DE"},
		{[]string{"HAMBURG, GERMANY"}, "DE"},
		{[]string{"Jeddah, Kingdom of Saudi Arabia"}, "SA"},
		{[]string{"DUBAI, U.A.E."}, "AE"},
		{[]string{"HONG KONG"}, "HK"},
		{[]string{"AT YOUR COUNTERS", "COBADEFFXXX"}, "DE"},
		{[]string{"AT YOUR COUNTERS", "AMRONL2A"}, "NL"},
		{[]string{"AT YOUR COUNTERS", "gb"}, "GB"},
		{[]string{"AT YOUR COUNTERS"}, "TARGET2"},
		{[]string{"ANY BANK", "SHIPMENT"}, "TARGET2"},
		{nil, "TARGET2"},
	}
	for _, c := range cases {
		if got := CalendarFor(c.places...); got.Name != c.want {
			t.Errorf("CalendarFor(%q) = %s, want %s", c.places, got.Name, c.want)
		}
	}
}

// TestConcurrentUse reads one calendar from many goroutines; with -race it
// proves a shared Calendar needs no lock.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	c := mustLookup(t, "DE").WithClosingDays(d("2024-12-24"))
	var wg sync.WaitGroup
	got := make([]Date, 8)
	for i := range got {
		wg.Go(func() { got[i] = ExaminationDeadline(d("2024-12-20"), c) })
	}
	wg.Wait()
	for _, g := range got {
		// Fri 20: Mon 23 (1), 24-26 closed, Fri 27 (2), Mon 30 (3), Tue 31 (4), Thu 2 Jan (5).
		if g != d("2025-01-02") {
			t.Errorf("ExaminationDeadline = %s, want 2025-01-02", g)
		}
	}
}

func TestDateText(t *testing.T) {
	t.Parallel()
	var x Date
	if err := x.UnmarshalText([]byte("2028-02-29")); err != nil || x != (Date{2028, time.February, 29}) {
		t.Errorf("UnmarshalText = %v, %v", x, err)
	}
	if b, _ := x.MarshalText(); string(b) != "2028-02-29" {
		t.Errorf("MarshalText = %s", b)
	}
	for _, bad := range []string{"2027-02-29", "29.02.2028", "2028-2-29"} {
		if err := x.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("UnmarshalText(%q) accepted", bad)
		}
	}
}
