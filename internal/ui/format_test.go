package ui

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"dossier/web"
)

func localeFor(t *testing.T, acceptLanguage, cookie string) *locale {
	t.Helper()
	cats, err := loadCatalogs(web.Locales)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept-Language", acceptLanguage)
	if cookie != "" {
		req.Header.Set("Cookie", langCookie+"="+cookie)
	}
	return cats.localeOf(echo.New().NewContext(req, httptest.NewRecorder()))
}

func TestLanguageChoice(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ accept, cookie, want string }{
		{"", "", "en"},
		{"zh-CN,zh;q=0.9,en;q=0.8", "", "zh"},
		{"es-MX", "", "es"},
		{"fr-CH, de;q=0.7", "", "fr"},
		{"de-DE", "", "en"},
		{"zh-CN", "fr", "fr"}, // the switch wins over the browser
		{"es", "xx", "es"},    // a cookie naming no language is ignored
	} {
		if got := localeFor(t, c.accept, c.cookie).Lang(); got != c.want {
			t.Errorf("Accept-Language %q, cookie %q: %s, want %s", c.accept, c.cookie, got, c.want)
		}
	}
}

func TestFormatsFollowTheLanguage(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 3, 5, 14, 7, 0, 0, time.UTC)
	paris, _ := time.LoadLocation("Europe/Paris")
	for _, c := range []struct {
		lang                     string
		amount, date, dateTime   string
		negative, withoutCurrecy string
	}{
		{"en", "EUR 1,234,567.50", "5 Mar 2026", "5 Mar 2026, 15:07", "-1,000", "12.5"},
		{"zh", "CNY 1,234,567.50", "2026年3月5日", "2026年3月5日 15:07", "-1,000", "12.5"},
		{"es", "1.234.567,50 EUR", "5 mar 2026", "5 mar 2026, 15:07", "-1.000", "12,5"},
		{"fr", "1\u202f234\u202f567,50 EUR", "5 mars 2026", "5 mars 2026 à 15:07", "-1\u202f000", "12,5"},
	} {
		l := localeFor(t, c.lang, "")
		currency := "EUR"
		if c.lang == "zh" {
			currency = "CNY"
		}
		if got := l.Amount("1234567.50", currency); got != c.amount {
			t.Errorf("%s: amount %q, want %q", c.lang, got, c.amount)
		}
		if got := l.Date("2026-03-05"); got != c.date {
			t.Errorf("%s: date %q, want %q", c.lang, got, c.date)
		}
		if got := l.DateTime(day, paris); got != c.dateTime {
			t.Errorf("%s: time %q, want %q (in Paris)", c.lang, got, c.dateTime)
		}
		if got := l.Number("-1000"); got != c.negative {
			t.Errorf("%s: number %q, want %q", c.lang, got, c.negative)
		}
		if got := l.Amount("12.5", ""); got != c.withoutCurrecy {
			t.Errorf("%s: amount without currency %q, want %q", c.lang, got, c.withoutCurrecy)
		}
	}
	// A decimal far beyond float64 keeps every digit.
	if got := localeFor(t, "en", "").Number("123456789012345678901.000000001"); got != "123,456,789,012,345,678,901.000000001" {
		t.Errorf("a long decimal lost digits: %s", got)
	}
}

func TestAgesArePlural(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		lang string
		ago  time.Duration
		want string
	}{
		{"en", 1 * time.Minute, "1 minute"},
		{"en", 5 * time.Hour, "5 hours"},
		{"en", 72 * time.Hour, "3 days"},
		{"fr", 24 * time.Hour, "24 heures"},
		{"es", 1 * time.Hour, "1 hora"},
		{"zh", 72 * time.Hour, "3 天"},
	} {
		if got := localeFor(t, c.lang, "").Age(now.Add(-c.ago), now); got != c.want {
			t.Errorf("%s, %v ago: %q, want %q", c.lang, c.ago, got, c.want)
		}
	}
}
