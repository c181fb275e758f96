package ucp

import (
	"slices"
	"strings"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/ar"
	"github.com/rickar/cal/v2/at"
	"github.com/rickar/cal/v2/be"
	"github.com/rickar/cal/v2/bg"
	"github.com/rickar/cal/v2/br"
	"github.com/rickar/cal/v2/ca"
	"github.com/rickar/cal/v2/ch"
	"github.com/rickar/cal/v2/cz"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/dk"
	"github.com/rickar/cal/v2/ecb"
	"github.com/rickar/cal/v2/es"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/gr"
	"github.com/rickar/cal/v2/hr"
	"github.com/rickar/cal/v2/ie"
	"github.com/rickar/cal/v2/it"
	"github.com/rickar/cal/v2/jp"
	"github.com/rickar/cal/v2/lt"
	"github.com/rickar/cal/v2/lv"
	"github.com/rickar/cal/v2/nl"
	"github.com/rickar/cal/v2/no"
	"github.com/rickar/cal/v2/nz"
	"github.com/rickar/cal/v2/pl"
	"github.com/rickar/cal/v2/ro"
	"github.com/rickar/cal/v2/ru"
	"github.com/rickar/cal/v2/se"
	"github.com/rickar/cal/v2/si"
	"github.com/rickar/cal/v2/sk"
	"github.com/rickar/cal/v2/ua"
	"github.com/rickar/cal/v2/us"
	"github.com/rickar/cal/v2/za"
)

// The calendars by code. The mapping, which the tests pin:
//
//   - TARGET2: the TARGET2 closing days (New Year, Good Friday, Easter
//     Monday, 1 May, 25 and 26 December), Saturday and Sunday. It is the
//     default for a place that names no known country.
//   - A euro-area country: its national holidays where the calendar
//     library knows them, and the TARGET2 closing days, since its banks
//     settle through TARGET2; Saturday and Sunday.
//   - Another country the library knows (GB, US, CH, JP, …): its national
//     holidays (England's bank holidays, the Federal Reserve's holidays);
//     Saturday and Sunday.
//   - The countries whose banks close on Friday and Saturday (Saudi Arabia,
//     Qatar, Kuwait, Bahrain, Oman, Egypt, Jordan, Algeria, Iraq, Israel),
//     Iran (Friday only) and the other countries below: their weekend only;
//     the library has no holidays for them (many follow the lunar year), so
//     an administrator adds them as closing days. The UAE have closed on
//     Saturday and Sunday since 2022.
var (
	satSun = []time.Weekday{time.Saturday, time.Sunday}
	friSat = []time.Weekday{time.Friday, time.Saturday}
	friday = []time.Weekday{time.Friday}

	// euroNational are the euro-area countries with a national list in
	// the library; euroOnly those without one.
	euroNational = map[string][]*cal.Holiday{
		"AT": at.Holidays, "BE": be.Holidays, "DE": de.Holidays, "ES": es.Holidays, "FR": fr.Holidays,
		"GR": gr.Holidays, "HR": hr.Holidays, "IE": ie.Holidays, "IT": it.Holidays, "LT": lt.Holidays,
		"LV": lv.Holidays, "NL": nl.Holidays, "SI": si.Holidays, "SK": sk.Holidays,
	}
	euroOnly = []string{"CY", "EE", "FI", "LU", "MT", "PT"}
	national = map[string][]*cal.Holiday{
		"AR": ar.Holidays, "BG": bg.Holidays, "BR": br.Holidays, "CA": ca.Holidays, "CH": ch.Holidays,
		"CZ": cz.Holidays, "DK": dk.Holidays, "GB": gb.Holidays, "JP": jp.Holidays, "NO": no.Holidays,
		"NZ": nz.Holidays, "PL": pl.Holidays, "RO": ro.Holidays, "RU": ru.Holidays, "SE": se.Holidays,
		"UA": ua.Holidays, "US": fedHolidays(), "ZA": za.Holidays,
	}
	weekendOnly = map[string][]time.Weekday{
		"SA": friSat, "QA": friSat, "KW": friSat, "BH": friSat, "OM": friSat, "EG": friSat,
		"JO": friSat, "DZ": friSat, "IQ": friSat, "IL": friSat, "IR": friday, "AE": satSun,
		"CN": satSun, "HK": satSun, "SG": satSun, "IN": satSun, "PH": satSun, "ID": satSun,
		"PK": satSun, "BD": satSun, "VN": satSun, "TH": satSun, "MY": satSun, "KR": satSun,
		"TW": satSun, "TR": satSun, "MX": satSun, "LK": satSun, "MA": satSun, "TN": satSun,
		"NG": satSun, "KE": satSun, "AU": satSun, "CL": satSun, "CO": satSun, "PE": satSun,
	}
)

// fedHolidays are the US federal holidays as the Federal Reserve keeps
// them, and US banks with it: closed on the Monday after a holiday that
// falls on a Sunday, but open on the Friday before one that falls on a
// Saturday (the library's list moves those to the Friday, as the federal
// government does).
func fedHolidays() []*cal.Holiday {
	sundayOnly := []cal.AltDay{{Day: time.Sunday, Offset: 1}}
	hs := make([]*cal.Holiday, 0, len(us.Holidays))
	for _, h := range us.Holidays {
		if h.Observed != nil {
			h = h.Clone(&cal.Holiday{Observed: sundayOnly})
		}
		hs = append(hs, h)
	}
	return hs
}

// Target2 is the TARGET2 calendar, the default.
func Target2() Calendar { return newCalendar("TARGET2", satSun, ecb.Holidays) }

// Lookup finds a calendar by its code: "TARGET2" (or "TARGET") or an ISO
// country code, in any case. It is how a credit's own choice overrides the
// one its place gives.
func Lookup(code string) (Calendar, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	switch {
	case code == "TARGET2" || code == "TARGET":
		return Target2(), true
	case euroNational[code] != nil:
		return newCalendar(code, satSun, euroNational[code], ecb.Holidays), true
	case slices.Contains(euroOnly, code):
		return newCalendar(code, satSun, ecb.Holidays), true
	case national[code] != nil:
		return newCalendar(code, satSun, national[code]), true
	case weekendOnly[code] != nil:
		return newCalendar(code, weekendOnly[code]), true
	}
	return Calendar{}, false
}

// Codes lists every code Lookup knows, sorted.
func Codes() []string {
	codes := []string{"TARGET2"}
	for _, m := range []map[string][]*cal.Holiday{euroNational, national} {
		for c := range m {
			codes = append(codes, c)
		}
	}
	codes = append(codes, euroOnly...)
	for c := range weekendOnly {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

// CalendarFor chooses the calendar of the bank at the first of places that
// names a known country (see CountryOf): pass the place of expiry, then the
// nominated bank (41a) or the advising bank. Without one, TARGET2.
func CalendarFor(places ...string) Calendar {
	for _, p := range places {
		if code, ok := CountryOf(p); ok {
			if c, ok := Lookup(code); ok {
				return c
			}
		}
	}
	return Target2()
}
