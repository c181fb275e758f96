package ui_test

import (
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
	"dossier/internal/pdf/pdftest"
)

// The shipped purchase-order workflow's names, as a person sees them on
// buttons; tests may name them (TestNoCodeNamesAState exempts tests).
const (
	evSubmit     = "submit"
	evPassReview = "pass_review"
	evApprove    = "approve"
	evArchive    = "archive"
)

// buttons lists the events the page offers as buttons.
func (b *tab) buttons() []string {
	b.t.Helper()
	return eval[[]string](b, `Array.from(document.querySelectorAll("form.event-form")).map(f => f.dataset.event)`)
}

// sees checks whether the page offers event as a button.
func (b *tab) sees(who, event string, want bool) {
	b.t.Helper()
	got := b.buttons()
	has := false
	for _, e := range got {
		has = has || e == event
	}
	if has != want {
		b.t.Fatalf("%s sees the buttons %v: %s there is %v, want %v", who, got, event, has, want)
	}
}

func (b *tab) wantButtons(who string, want ...string) {
	b.t.Helper()
	got := b.buttons()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		b.t.Fatalf("%s sees the buttons %v, want %v", who, got, want)
	}
}

// fire presses the button of event on the document page.
func (b *tab) fire(event string) {
	b.t.Helper()
	b.submit(`form.event-form[data-event="` + event + `"] button[type=submit]`)
	if b.count("[data-test=event-error]") > 0 {
		b.t.Fatalf("%s was refused: %s", event, b.text("[data-test=event-error]"))
	}
}

func (b *tab) state() string {
	b.t.Helper()
	return eval[string](b, `document.querySelector(".doc-sub .badge").dataset.state`)
}

// TestBrowserPurchaseOrderFromUploadToArchive takes a purchase order of
// EUR 250,000 (two DOA levels) through review and two approvals by two
// people to the archive, checking at each step which buttons each person
// sees, and that the uploader may not approve and is told why.
func TestBrowserPurchaseOrderFromUploadToArchive(t *testing.T) {
	t.Parallel()
	for _, backend := range apptest.Backends() {
		t.Run(backend.Name, func(t *testing.T) {
			t.Parallel()
			purchaseOrderToArchive(t, apptest.Start(t, backend.Config(t)), backend.Name)
		})
	}
}

func purchaseOrderToArchive(t *testing.T, s *apptest.Server, backend string) {
	// The uploader is also an approver of the highest level: segregation of
	// duties, not a lack of authority, keeps them from approving.
	s.AddUser(t, "sales", []dossier.Role{dossier.RoleAdmin, dossier.RoleApprover}, 3)
	s.AddUser(t, "rita", []dossier.Role{dossier.RoleReviewer}, 0)
	s.AddUser(t, "alex", []dossier.Role{dossier.RoleApprover}, 1)
	s.AddUser(t, "bea", []dossier.Role{dossier.RoleApprover}, 2)
	b := newTab(t, s)
	if backend != apptest.Backends()[0].Name {
		b.prefix = backend + "-"
	}

	b.signIn("sales")
	b.open("/upload?kind=" + string(dossier.KindPurchaseOrder))
	b.do(clickCSS("#up-subtype"))
	b.fill("#up-subtype", "serial")
	b.fill("#up-title", "PO 4500012345 Nordwerk brackets")
	b.fill("#up-number", "4500012345")
	b.fill("#up-customer", "Nordwerk GmbH")
	b.fill("#up-amount", "250000.00")
	b.fill("#up-currency", "EUR")
	b.dropFiles(map[string][]byte{"po-4500012345.pdf": pdftest.Make(t, 1, "Purchase order 4500012345: 5000 brackets")})
	b.do(clickCSS("[data-upload-start]"))
	b.waitFor(`document.querySelector(".upload-row.done a")`)
	b.submit(".upload-row.done a")
	b.waitFor(`document.querySelector("[data-test=approvals]")`)
	if got := b.text("[data-test=amount]"); got != "EUR 250,000.00" {
		t.Errorf("the amount reads %q, want EUR 250,000.00", got)
	}
	b.wantButtons("the uploader, before submitting", evSubmit)
	b.shot("document-received")
	b.fire(evSubmit)
	b.wantButtons("the uploader, in review")
	docURL := eval[string](b, "location.pathname")

	b.signIn("rita")
	if inbox := b.text("[data-test=inbox]"); !strings.Contains(inbox, "PO 4500012345") || !strings.Contains(inbox, "Pass review") {
		t.Fatalf("the reviewer's inbox lacks the PO and its action: %s", inbox)
	}
	b.waitFor(`document.querySelector("[data-test=inbox-count] .count")`)
	if n := b.text("[data-test=inbox-count]"); n != "1" {
		t.Errorf("the inbox count in the navigation is %q, want 1", n)
	}
	b.shot("inbox")
	b.open(docURL)
	b.waitFor(`document.querySelector("[data-test=history] li")`)
	if b.count(`form.event-form[data-event="`+evPassReview+`"] input[type=checkbox]`) != 3 {
		t.Fatalf("pass review shows %d checklist boxes, want the definition's 3", b.count(`form.event-form[data-event="`+evPassReview+`"] input[type=checkbox]`))
	}
	// Without the checklist the guard refuses, and says which box is open, as it is labelled.
	b.submit(`form.event-form[data-event="` + evPassReview + `"] button[type=submit]`)
	if msg := b.text("[data-test=event-error]"); !strings.Contains(msg, "The price matches the quotation") {
		t.Fatalf("pass review without the checklist: %q, want the missing item named", msg)
	}
	for _, item := range []string{"price_matches_quotation", "delivery_date_confirmed", "gpn_lpn_verified"} {
		b.do(clickCSS("#ck-" + item))
	}
	b.shot("document-review")
	b.fire(evPassReview)
	if b.state() != "pending_approval" {
		t.Fatalf("after the review the state is %s", b.state())
	}

	// The uploader holds level 3 but uploaded and submitted the PO: no
	// approve button, and asking why gives the engine's reason.
	b.signIn("sales")
	b.open(docURL)
	b.wantButtons("the uploader, pending approval")
	b.do(clickCSS("details.blocked summary"))
	b.submit(`form.blocked-form[data-blocked="` + evApprove + `"] button`)
	why := b.text("[data-test=why-not]")
	if !strings.Contains(why, "segregation of duties") {
		t.Fatalf("the uploader is not told why they may not approve: %q", why)
	}
	b.shot("document-why-not")

	b.signIn("alex")
	b.open(docURL)
	b.sees("the level 1 approver", evApprove, true)
	b.fire(evApprove)
	b.waitFor(`document.querySelector("[data-test=approvals] .levels")`)
	if panel := b.text("[data-test=approvals]"); !strings.Contains(panel, "approved by Test alex") {
		t.Fatalf("the DOA panel does not show level 1 approved by alex: %s", panel)
	}
	b.sees("the level 1 approver, after approving", evApprove, false)
	if b.state() != "pending_approval" {
		t.Fatalf("after level 1 of 2 the state is %s, want it still pending approval", b.state())
	}

	b.signIn("bea")
	b.open(docURL)
	b.sees("the level 2 approver", evApprove, true)
	b.waitFor(`document.querySelector("[data-test=approvals] .levels")`)
	b.shot("document-approval")
	b.fire(evApprove)
	if b.state() != "approved" {
		t.Fatalf("after both levels the state is %s, want approved", b.state())
	}
	b.wantButtons("the level 2 approver, after approving")

	b.signIn("sales")
	b.open(docURL)
	b.wantButtons("the uploader, approved", evArchive)
	b.fire(evArchive)
	if b.state() != "archived" {
		t.Fatalf("after archiving the state is %s", b.state())
	}
	b.wantButtons("the uploader, archived")
	b.waitFor(`document.querySelectorAll("[data-test=history] li").length >= 5`)
	b.shot("document-archived")

	// The same pages at phone width.
	b.viewport(390, 844)
	b.open(docURL)
	b.waitFor(`document.querySelectorAll("[data-test=history] li").length >= 5`)
	b.shot("document-archived")
	b.open("/documents")
	b.shot("documents")
}
