package ui_test

import (
	"strings"
	"testing"
	"time"

	"dossier/internal/dossier"
)

// mt700 is a credit in block-4 form: number 20, expiry 31D, latest shipment 44C.
func mt700(number, expiry, latestShipment string) string {
	return ":27:1/1\n:40A:IRREVOCABLE\n:20:" + number + "\n:31C:260201\n:40E:UCP LATEST VERSION\n:31D:" + expiry +
		"\n:50:BREMSEN WERK GMBH\nBREMEN\n:59:DOSSIER PARTS SA\nMADRID\n:52A:COBADEFF\n:32B:EUR500000,00\n:39A:10/10\n" +
		":41A:COBADEFF\nBY PAYMENT\n:44C:" + latestShipment + "\n:45A:+BRAKE DISCS\n:46A:+SIGNED COMMERCIAL INVOICE\n+PACKING LIST\n" +
		":48:21 DAYS AFTER SHIPMENT\n:49:WITHOUT\n"
}

// TestBrowserLetterOfCreditFromMT700 creates an LC from a pasted MT700
// and reads its deadlines in the register, coloured by urgency; an admin's
// upload form is filled from the same kind of message.
func TestBrowserLetterOfCreditFromMT700(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.App.LC.Now = func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) } // a Monday
	s.AddUser(t, "lena", []dossier.Role{dossier.RoleBankLiaison}, 0)
	s.AddUser(t, "ann", []dossier.Role{dossier.RoleAdmin}, 0)
	b := newTab(t, s)

	b.signIn("lena")
	b.open("/letters-of-credit")
	b.fill("#lc-msg", "not a SWIFT message")
	b.submit("#new-lc button[type=submit]")
	if msg := b.text("#lc-msg-err"); msg == "" {
		t.Fatal("a text that is no MT700 is not refused next to the message box")
	}
	b.fill("#lc-msg", mt700("LC-BRW-0042", "260322MADRID", "260310"))
	b.submit("#new-lc button[type=submit]")
	if !strings.Contains(eval[string](b, "location.pathname"), "/documents/") {
		t.Fatalf("creating the LC did not open its page: %s", b.text("main"))
	}
	if got := b.text("[data-test=amount]"); got != "EUR 500,000.00" {
		t.Errorf("the LC's amount reads %q", got)
	}
	b.open("/letters-of-credit")
	row := b.text("[data-test=register] tbody tr")
	for _, want := range []string{"LC-BRW-0042", "BREMSEN WERK GMBH", "22 Mar 2026", "21 days left"} {
		if !strings.Contains(row, want) {
			t.Errorf("the register row lacks %q: %s", want, row)
		}
	}
	if got := eval[string](b, `document.querySelector("[data-test=register] tbody tr").dataset.urgency`); got != "30d" {
		t.Errorf("urgency %q, want 30d for an expiry in 21 days", got)
	}
	b.shot("letters-of-credit")
	b.viewport(390, 844)
	b.shot("letters-of-credit")
	b.viewport(1280, 900)

	// The admin's upload form, filled from a message.
	b.signIn("ann")
	b.open("/upload?kind=" + string(dossier.KindLetterOfCredit))
	b.fill("#up-mt700", mt700("LC-BRW-0043", "260430MADRID", "260415"))
	b.submit("[data-test=mt700-fill]")
	for sel, want := range map[string]string{"#up-number": "LC-BRW-0043", "#up-amount": "500000.00", "#up-currency": "EUR",
		"#up-customer": "BREMSEN WERK GMBH", "#up-dates\\.expiry_date": "2026-04-30"} {
		if got := eval[string](b, `document.querySelector("`+strings.ReplaceAll(sel, `\`, `\\`)+`").value`); got != want {
			t.Errorf("after reading the MT700, %s holds %q, want %q", sel, got, want)
		}
	}
	b.shot("upload-lc")
}

// TestBrowserAuditVerify shows the trail and verifies its chain.
func TestBrowserAuditVerify(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "audrey", []dossier.Role{dossier.RoleAuditor}, 0)
	b := newTab(t, s)
	b.signIn("audrey")
	b.open("/audit")
	if rows := b.count("[data-test=audit] tbody tr"); rows < 2 {
		t.Fatalf("the audit log shows %d events, want the user's creation and sign-in at least", rows)
	}
	b.do(clickCSS("[data-test=verify]"))
	b.waitFor(`document.querySelector("[data-test=verify-result]")`)
	if got := b.text("[data-test=verify-result]"); !strings.HasPrefix(got, "The chain is intact") {
		t.Fatalf("verify: %q", got)
	}
	b.shot("audit")
}
