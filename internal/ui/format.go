package ui

import (
	"strconv"
	"strings"
	"time"
)

// The formats of dates, numbers and amounts are data of each catalog
// (format.*, month.*), so a language brings its own with its words.

// Date formats a calendar date, given as YYYY-MM-DD or a time.
func (l *locale) Date(v any) string {
	var t time.Time
	switch v := v.(type) {
	case string:
		p, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return v
		}
		t = p
	case time.Time:
		t = v
	case *time.Time:
		if v == nil {
			return ""
		}
		t = *v
	default:
		return ""
	}
	return l.T("format.date", "Day", t.Day(), "Month", l.T("month."+strconv.Itoa(int(t.Month()))),
		"MonthNum", int(t.Month()), "Year", t.Year())
}

// DateTime formats an instant in the time zone zone.
func (l *locale) DateTime(t time.Time, zone *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(zone)
	return l.T("format.datetime", "Date", l.Date(t), "Time", t.Format("15:04"))
}

// Number formats an exact decimal written as a string ("-12345.50") with
// the language's separators; it never goes through a float.
func (l *locale) Number(dec string) string {
	if dec == "" {
		return ""
	}
	sign := ""
	if strings.HasPrefix(dec, "-") {
		sign, dec = "-", dec[1:]
	}
	whole, frac, hasFrac := strings.Cut(dec, ".")
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return sign + dec // not a decimal: shown as stored
		}
	}
	group := l.T("format.group")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	out := sign + b.String()
	if hasFrac {
		out += l.T("format.decimal") + frac
	}
	return out
}

// Amount formats an amount with its ISO 4217 currency code. Codes rather
// than symbols: "$" would not tell US from Hong Kong dollars on an LC.
func (l *locale) Amount(dec, currency string) string {
	if dec == "" {
		return ""
	}
	if currency == "" {
		return l.Number(dec)
	}
	return l.T("format.amount", "Number", l.Number(dec), "Currency", currency)
}

// Age says how long ago t was, in the largest whole unit.
func (l *locale) Age(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Hour:
		return l.T("age.minutes", "Count", int(d/time.Minute))
	case d < 48*time.Hour:
		return l.T("age.hours", "Count", int(d/time.Hour))
	default:
		return l.T("age.days", "Count", int(d/(24*time.Hour)))
	}
}
