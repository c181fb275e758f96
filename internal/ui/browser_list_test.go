package ui_test

import (
	"strings"
	"testing"

	"dossier/internal/dossier"
)

// rowTitles are the titles of the documents list, top to bottom.
func rowTitles(b *tab) string {
	return strings.Join(eval[[]string](b, `Array.from(document.querySelectorAll("[data-test=documents] tbody tr td:first-child a")).map(a => a.textContent)`), ", ")
}

// TestBrowserListRangesSortAndSharedView filters the documents list by an
// amount and a date range, sorts it by a column, saves it as a shared view,
// and opens that view as another user.
func TestBrowserListRangesSortAndSharedView(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "lea", []dossier.Role{dossier.RoleAdmin}, 0)
	s.AddUser(t, "kim", []dossier.Role{dossier.RoleReviewer}, 0)
	listCorpus(t, s, s.SignIn(t, "lea"))

	b := newTab(t, s)
	b.signIn("lea")
	b.open("/documents")
	b.fill("#f-min", "9.6")
	b.fill("#f-max", "100.00")
	b.fill("#f-from", "2026-01-01")
	b.fill("#f-to", "2026-12-31")
	b.fill("#f-sort", "amount")
	b.submit("form.filters button[type=submit]")
	if got := rowTitles(b); got != "Order tenquarter, Order hundred" {
		t.Fatalf("amounts 9.6 to 100.00 by amount: %q, want 10.25 then 100 (decimals, not text)", got)
	}
	// The title header sorts, and keeps the ranges.
	b.submit("th a.sort-link[href*='sort=title']")
	if got := rowTitles(b); got != "Order hundred, Order tenquarter" {
		t.Fatalf("sorted by title: %q", got)
	}
	if q := eval[string](b, "location.search"); !strings.Contains(q, "amount_min=9.6") || !strings.Contains(q, "date_from=2026-01-01") {
		t.Errorf("sorting by a header lost the filters: %s", q)
	}
	b.fill("#v-name", "Mid-size orders")
	b.do(clickCSS("#v-shared"))
	b.submit("form.save-view button[type=submit]")
	if cur := b.text("[data-test=own-views] a[aria-current=true]"); cur != "Mid-size orders" {
		t.Fatalf("after saving, the current view is %q", cur)
	}
	b.shot("documents-view-saved")

	// A bad amount is refused next to its field.
	b.fill("#f-min", "1,5")
	b.submit("form.filters button[type=submit]")
	if msg := b.text("#f-min + .field-error"); !strings.HasPrefix(msg, "amount_min") {
		t.Errorf("a bad amount: %q under the field, want the service's problem naming amount_min", msg)
	}
	b.shot("documents-bad-amount")

	// Kim sees the shared view with its owner, and it opens the same list.
	b.signIn("kim")
	b.open("/documents")
	if owner := b.text("[data-test=shared-views] li"); !strings.Contains(owner, "Mid-size orders") || !strings.Contains(owner, "Test lea") {
		t.Fatalf("kim's shared views: %q, want lea's view with her name", owner)
	}
	b.submit("[data-test=shared-views] a")
	if got := rowTitles(b); got != "Order hundred, Order tenquarter" {
		t.Fatalf("the shared view as kim: %q", got)
	}
	if n := b.count("[data-test=shared-views] form"); n != 0 {
		t.Errorf("kim is offered %d delete buttons for lea's view", n)
	}
	b.shot("documents-shared-view")
	b.viewport(390, 844)
	b.shot("documents-shared-view")
}
