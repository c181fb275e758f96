package ui_test

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chooseLanguage picks lang in the header's switch, which submits itself
// and keeps the choice in a cookie.
func (b *tab) chooseLanguage(lang string) {
	b.t.Helper()
	js := `(() => { const s = document.querySelector("#lang-select"); s.value = "` + lang + `";
		s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`
	if _, err := chromedp.Run(b.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Evaluate[bool](js))); err != nil {
		b.t.Fatalf("choose %s: %v", lang, err)
	}
}

// TestBrowserPagesInEachLanguage switches the language to Chinese, Spanish
// and French and reads the inbox, the documents, an LC's page and the LC
// register in it: the html lang, translated headings, and the locale's
// dates and amounts; at desk and phone widths, with the accessibility
// checks (the Chinese screenshots need a CJK font, which scripts/test.sh
// installs).
func TestBrowserPagesInEachLanguage(t *testing.T) {
	t.Parallel()
	s := lcServer(t)
	b := newTab(t, s)
	b.signIn("lena")
	b.open("/letters-of-credit")
	b.fill("#lc-msg", sampleCredit(t))
	b.submit("#new-lc button[type=submit]")
	doc := eval[string](b, "location.pathname")

	for _, lang := range []struct {
		code, inbox, documents, lcTitle, register, amount, expiry, daysLeft string
	}{
		{"zh", "等待我处理", "文件", "信用证", "信用证", "USD 100.00", "2011年9月5日", "剩余 27 天"},
		{"es", "Esperando por mí", "Documentos", "Carta de crédito", "Cartas de crédito", "100,00 USD", "5 sept 2011", "quedan 27 días"},
		{"fr", "En attente de moi", "Documents", "Lettre de crédit", "Lettres de crédit", "100,00 USD", "5 sept. 2011", "27 jours restants"},
	} {
		b.open("/inbox")
		b.chooseLanguage(lang.code)
		pages := []struct {
			name, path, wait string
			want             map[string]string
		}{
			{"inbox", "/inbox", "", map[string]string{"h1": lang.inbox}},
			{"documents", "/documents", "", map[string]string{"h1": lang.documents}},
			{"lc-page", doc, "[data-test=lc-fields]", map[string]string{"#h-lc": lang.lcTitle, "[data-test=amount]": lang.amount}},
			{"letters-of-credit", "/letters-of-credit", "", map[string]string{"h1": lang.register, "[data-test=days]": lang.daysLeft}},
		}
		for _, p := range pages {
			b.open(p.path)
			if got := eval[string](b, "document.documentElement.lang"); got != lang.code {
				t.Errorf("%s in %s: <html lang=%q>", p.name, lang.code, got)
			}
			if p.wait != "" {
				b.waitFor(`document.querySelector("` + p.wait + `")`)
				if got := b.text("[data-test=lc-deadlines] dd"); !strings.HasPrefix(got, lang.expiry) {
					t.Errorf("the LC's expiry in %s reads %q, want it to start with %q", lang.code, got, lang.expiry)
				}
			}
			for sel, want := range p.want {
				if got := strings.TrimSpace(b.text(sel)); got != want {
					t.Errorf("%s in %s: %s reads %q, want %q", p.name, lang.code, sel, got, want)
				}
			}
			b.shot(lang.code + "-" + p.name)
			b.viewport(390, 844)
			b.shot(lang.code + "-" + p.name)
			b.viewport(1280, 900)
		}
	}
}
