package ui_test

import (
	"strings"
	"testing"
)

// TestBrowserLetterOfCreditPage creates an LC from a bank's published
// MT700, reads it on its page as the bank wrote it, records an MT707, has
// bank liaison accept it, and checks a presentation; at desk and phone
// widths, with the accessibility checks.
func TestBrowserLetterOfCreditPage(t *testing.T) {
	t.Parallel()
	s := lcServer(t)
	b := newTab(t, s)
	b.signIn("lena")

	b.open("/letters-of-credit")
	b.fill("#lc-msg", sampleCredit(t))
	b.submit("#new-lc button[type=submit]")
	if !strings.HasPrefix(eval[string](b, "location.pathname"), "/documents/") {
		t.Fatalf("creating the LC did not open its page: %s", b.text("main"))
	}
	b.waitFor(`document.querySelector("[data-test=lc-fields]")`)
	for sel, want := range map[string]string{
		`dd[data-tag="20"]`: sampleLCNumber, `dd[data-tag="32B"]`: "USD100,00", `dt[data-tag="46A"]`: "46A Documents required",
		"[data-test=amount]": "USD 100.00", "[data-test=lc-days]": "27 days left",
	} {
		if got := strings.TrimSpace(b.text(sel)); got != want {
			t.Errorf("%s reads %q, want %q", sel, got, want)
		}
	}
	// A field of several lines keeps its line breaks.
	if got := b.text(`dd[data-tag="41A"] pre`); got != "PNBPUS33PHL\nBY PAYMENT" {
		t.Errorf("41A reads %q, want its two lines", got)
	}
	b.shot("lc-page")

	b.fill("#lc-mt707", sampleMT707("01"))
	b.submit("[data-test=amend-button]")
	b.waitFor(`document.querySelector("[data-test=amendment-accept]")`)
	if got := b.text("[data-test=amendment-state]"); got != "Pending" {
		t.Errorf("the new amendment is %q, want Pending", got)
	}
	b.submit("[data-test=amendment-accept]")
	b.waitFor(`document.querySelector("[data-test=amendment-state]")`)
	if got := b.text("[data-test=amendment-state]"); got != "Accepted" {
		t.Errorf("the accepted amendment is %q", got)
	}
	if got := b.text("[data-test=lc-days]"); got != "51 days left" {
		t.Errorf("after the amendment (expiry 30 Sep 2011) the LC has %q", got)
	}

	b.fill("#lc-on", "2011-10-15")
	b.submit("[data-test=check-button]")
	if got := b.text("[data-test=check-result]"); !strings.Contains(got, "presentation after the expiry") {
		t.Errorf("a presentation after the expiry is not found: %q", got)
	}
	b.waitFor(`document.querySelector("[data-test=lc-fields]")`)
	b.shot("lc-page-checked")
	b.viewport(390, 844)
	b.shot("lc-page-checked")
	b.viewport(1280, 900)
}
