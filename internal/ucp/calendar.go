package ucp

import (
	"maps"
	"time"

	"github.com/rickar/cal/v2"
)

// Calendar says on which days a bank is open: not on its weekend, not on
// its place's holidays, not on the extra closing days an administrator adds.
// A Calendar is a value; the With methods return a changed copy, and one
// Calendar may be used by many goroutines.
type Calendar struct {
	// Name is the calendar's code: "TARGET2", or the ISO country code of
	// the place ("DE", "AE").
	Name     string
	weekend  [7]bool
	holidays *cal.Calendar // nil: the place's holidays are not known
	closed   map[Date]bool
}

func newCalendar(name string, weekend []time.Weekday, holidays ...[]*cal.Holiday) Calendar {
	c := Calendar{Name: name}
	for _, d := range weekend {
		c.weekend[d] = true
	}
	var all []*cal.Holiday
	for _, h := range holidays {
		all = append(all, h...)
	}
	if len(all) > 0 {
		// Not Cacheable: the cache is a map written on reads, which would
		// make a shared Calendar unsafe for concurrent use.
		c.holidays = &cal.Calendar{Name: name, Holidays: all}
	}
	return c
}

// WithClosingDays is c with more days on which the bank is closed (a strike,
// a holiday the library does not know, a lunar holiday of the year).
func (c Calendar) WithClosingDays(days ...Date) Calendar {
	closed := make(map[Date]bool, len(c.closed)+len(days))
	maps.Copy(closed, c.closed)
	for _, d := range days {
		closed[d] = true
	}
	c.closed = closed
	return c
}

// WithWeekend is c with another weekend: WithWeekend(time.Friday) for a bank
// that pays "five banking days excluding Fridays".
func (c Calendar) WithWeekend(days ...time.Weekday) Calendar {
	c.weekend = [7]bool{}
	for _, d := range days {
		c.weekend[d] = true
	}
	return c
}

// Weekend is the days of the week the bank is closed.
func (c Calendar) Weekend() []time.Weekday {
	var days []time.Weekday
	for d, closed := range c.weekend {
		if closed {
			days = append(days, time.Weekday(d))
		}
	}
	return days
}

// ClosedFor says why the bank is closed on d ("Sunday", "Christmas Day",
// "closing day"), or "" when d is a banking day.
func (c Calendar) ClosedFor(d Date) string {
	if c.weekend[d.Weekday()] {
		return d.Weekday().String()
	}
	if c.closed[d] {
		return "closing day"
	}
	if c.holidays != nil {
		// A holiday is closed on the day it is observed: the US close on
		// Friday 3 July when the 4th is a Saturday.
		if _, observed, h := c.holidays.IsHoliday(d.time()); observed {
			return h.Name
		}
	}
	return ""
}

// IsBankingDay reports whether the bank is open on d.
func (c Calendar) IsBankingDay(d Date) bool { return c.ClosedFor(d) == "" }

// maxClosedRun bounds the search for an open day: a calendar closed on
// every day of the week (WithWeekend of all seven) has none.
const maxClosedRun = 366

// NextBankingDay is d when the bank is open on d, else the first banking day
// after it. A calendar without any banking day gives d back.
func (c Calendar) NextBankingDay(d Date) Date {
	for i, e := 0, d; i < maxClosedRun; i, e = i+1, e.AddDays(1) {
		if c.IsBankingDay(e) {
			return e
		}
	}
	return d
}

// AddBankingDays is the n-th banking day after d (d itself not counted).
func (c Calendar) AddBankingDays(d Date, n int) Date {
	for ; n > 0; n-- {
		d = c.NextBankingDay(d.AddDays(1))
	}
	return d
}
