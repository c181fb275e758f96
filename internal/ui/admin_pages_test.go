package ui_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/followup"
	"dossier/internal/store"
)

// find returns the first submatch of pattern in page, failing the test without one.
func find(t *testing.T, page, pattern, what string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("%s: no match of %s in %s", what, pattern, page)
	}
	return m[1]
}

// fieldError matches the message the service gave, shown under field.
func fieldError(field string) *regexp.Regexp {
	return regexp.MustCompile(`data-error-for="` + regexp.QuoteMeta(field) + `"><p class="field-error" role="alert">([^<]+)</p>`)
}

// TestAdminCreatesAUserAndASecondAdminConfirms: a new approver's role and
// level wait for a second admin; the page says who asked and who may
// confirm, the asker cannot confirm, the other admin can.
func TestAdminCreatesAUserAndASecondAdminConfirms(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "ann", []dossier.Role{dossier.RoleAdmin}, 0)
	s.AddUser(t, "bob", []dossier.Role{dossier.RoleAdmin}, 0)
	ann, bob := newBrowser(t, s), newBrowser(t, s)
	ann.signIn("ann")
	bob.signIn("bob")

	_, page := ann.get("/admin/users")
	if !strings.Contains(page, `data-user="bob"`) || !strings.Contains(page, `action="/admin/users"`) {
		t.Fatalf("the users page lacks a user or the create form: %s", page)
	}
	// A bad username is refused under its field; the other values stay.
	form := url.Values{"_csrf": {ann.csrf}, "username": {"Zed Zero"}, "display_name": {"Zed"}, "password": {"zed-password"},
		"roles": {"approver", "reviewer"}, "approval_level": {"2"}}
	resp, page := ann.post("/admin/users", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !fieldError("username").MatchString(page) || !strings.Contains(page, `value="Zed"`) {
		t.Fatalf("a username with a space: status %d, want 422 with the message under username: %s", resp.StatusCode, page)
	}
	form.Set("username", "zed")
	resp, _ = ann.post("/admin/users", form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(loc, "?done=created_pending") {
		t.Fatalf("create zed: %d to %q, want 303 to the new user's page saying a grant waits", resp.StatusCode, loc)
	}
	userPage := strings.TrimSuffix(loc, "?done=created_pending")
	_, page = ann.get(loc)
	for _, want := range []string{"wait for a second admin", "Asked by Test ann", "may confirm: Test bob", `data-test="cancel"`} {
		if !strings.Contains(page, want) {
			t.Errorf("zed's page as ann lacks %q", want)
		}
	}
	if strings.Contains(page, `data-test="confirm"`) {
		t.Error("ann, who asked, is offered to confirm her own request")
	}
	if got := find(t, page, `data-test="roles">([^<]*)<`, "roles"); got != "Reviewer" {
		t.Errorf("zed's roles before the confirmation: %q, want only Reviewer", got)
	}
	grant := find(t, page, `data-grant="([^"]+)"`, "grant")

	// Ann confirming by hand is refused with the service's reason.
	resp, page = ann.post(userPage+"/grants/"+grant+"/confirm", url.Values{"_csrf": {ann.csrf}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "dual control") {
		t.Fatalf("ann confirms her own request: status %d, want 403 saying dual control: %s", resp.StatusCode, page)
	}
	_, page = bob.get("/admin/users")
	if !strings.Contains(page, `data-test="pending-count"`) || !strings.Contains(page, `data-test="confirm"`) {
		t.Fatalf("bob's list of users does not offer to confirm the waiting grant: %s", page)
	}
	resp, _ = bob.post(userPage+"/grants/"+grant+"/confirm", url.Values{"_csrf": {bob.csrf}, "back": {"/admin/users"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/users?done=confirmed" {
		t.Fatalf("bob confirms: %d to %q, want back to the list", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = bob.get(userPage)
	if got := find(t, page, `data-test="roles">([^<]*)<`, "roles"); got != "Reviewer, Approver" {
		t.Errorf("zed's roles after the confirmation: %q", got)
	}
	if got := find(t, page, `data-test="level">([^<]*)<`, "level"); got != "2" {
		t.Errorf("zed's level after the confirmation: %q, want 2", got)
	}

	// Ann raises the level to 3 on zed's page; it waits, and bob withdraws it.
	_, page = ann.get(userPage)
	form = url.Values{"_csrf": {ann.csrf}, "version": {find(t, page, `name="version" value="(\d+)"`, "version")},
		"display_name": {"Zed"}, "roles": {"reviewer", "approver"}, "approval_level": {"3"}}
	if resp, _ := ann.post(userPage, form); !strings.HasSuffix(resp.Header.Get("Location"), "?done=pending") {
		t.Fatalf("raising the level: %d to %q, want it to wait for a second admin", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = bob.get(userPage)
	grant = find(t, page, `data-grant="([^"]+)" data-state="pending"`, "the raise")
	resp, _ = bob.post(userPage+"/grants/"+grant+"/cancel", url.Values{"_csrf": {bob.csrf}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != userPage+"?done=withdrawn" {
		t.Fatalf("bob withdraws the raise: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = bob.get(userPage + "?done=withdrawn")
	if got := find(t, page, `data-test="level">([^<]*)<`, "level"); got != "2" || !strings.Contains(page, "The grant was withdrawn") {
		t.Errorf("after the withdrawal zed's level is %q, want still 2, and the page saying so", got)
	}
}

// TestStaleUserFormSaysSomeoneElseChangedIt: the change form carries the
// version it was read at; a change made meanwhile refuses it readably.
func TestStaleUserFormSaysSomeoneElseChangedIt(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "cy", []dossier.Role{dossier.RoleAdmin}, 0)
	amy := s.AddUser(t, "amy", []dossier.Role{dossier.RoleApprover}, 3)
	b := newBrowser(t, s)
	b.signIn("cy")
	_, page := b.get("/admin/users/" + amy.ID)
	version := find(t, page, `name="version" value="(\d+)"`, "version")
	form := url.Values{"_csrf": {b.csrf}, "version": {version}, "display_name": {"Amy"}, "roles": {"approver"}, "approval_level": {"1"}}

	// Another admin lowers the level through the API meanwhile.
	resp := s.Do(t, http.MethodPatch, "/api/v1/users/"+amy.ID, s.SignIn(t, "cy"), strings.NewReader(`{"approval_level":2}`))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the API's PATCH: %d %s", resp.StatusCode, s.Body(t, resp))
	}
	resp, page = b.post("/admin/users/"+amy.ID, form)
	if resp.StatusCode != http.StatusPreconditionFailed || !strings.Contains(page, "Someone else changed this user") {
		t.Fatalf("a stale form: status %d, want 412 saying someone else changed the user: %s", resp.StatusCode, page)
	}
	if got := find(t, page, `data-test="level">([^<]*)<`, "level"); got != "2" {
		t.Errorf("after the refusal the page shows level %q, want the user as they are now (2)", got)
	}
	// A level without the approver role is refused next to the level.
	form.Set("version", find(t, page, `name="version" value="(\d+)"`, "version"))
	form["roles"] = []string{"reviewer"}
	resp, page = b.post("/admin/users/"+amy.ID, form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !fieldError("approval_level").MatchString(page) {
		t.Fatalf("a level for a reviewer: status %d, want 422 under approval_level: %s", resp.StatusCode, page)
	}
	// Lowering the level takes effect at once, and the page warns that
	// nobody is left to approve level 2.
	form["roles"] = []string{"approver"}
	resp, page = b.post("/admin/users/"+amy.ID, form)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `data-test="warning"`) || !strings.Contains(page, "Saved.") {
		t.Fatalf("lowering the only level 2: status %d %v, want 200 with the service's warning: %s", resp.StatusCode, resp.Header, page)
	}
	if find(t, page, `data-test="level">([^<]*)<`, "level") != "1" || !strings.Contains(page, "<h1>Amy</h1>") {
		t.Error("the saved change does not show: want level 1 and the new display name")
	}
}

// TestAuditorReadsUsersButChangesNothing: the API lets auditors read users
// and grants; the pages show them without forms.
func TestAuditorReadsUsersButChangesNothing(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "aud", []dossier.Role{dossier.RoleAuditor}, 0)
	rex := s.AddUser(t, "rex", []dossier.Role{dossier.RoleReviewer}, 0)
	b := newBrowser(t, s)
	b.signIn("aud")
	for _, path := range []string{"/admin/users", "/admin/users/" + rex.ID} {
		resp, page := b.get(path)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "rex") || strings.Contains(page, `method="post" action="/admin/users`) {
			t.Errorf("%s as an auditor: status %d; want the user shown and no form: %s", path, resp.StatusCode, page)
		}
	}
}

func TestFXRateFormPutsTheProblemNextToTheField(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "fx", []dossier.Role{dossier.RoleAdmin}, 0)
	b := newBrowser(t, s)
	b.signIn("fx")
	_, _ = b.get("/admin/fx-rates")
	for _, c := range []struct{ currency, rate, field string }{
		{"USD", "1,0834", "rate"},
		{"USD", "-2", "rate"},
		{"DOLLAR", "1.0834", "currency"},
		{"EUR", "1", "currency"}, // the base currency
	} {
		resp, page := b.post("/admin/fx-rates", url.Values{"_csrf": {b.csrf}, "currency": {c.currency}, "rate": {c.rate}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !fieldError(c.field).MatchString(page) {
			t.Errorf("%s at %s: status %d, want 422 with the message under %s: %s", c.currency, c.rate, resp.StatusCode, c.field, page)
		}
		if !strings.Contains(page, `value="`+c.rate+`"`) {
			t.Errorf("%s at %s: the form does not keep what was typed", c.currency, c.rate)
		}
	}
	resp, _ := b.post("/admin/fx-rates", url.Values{"_csrf": {b.csrf}, "currency": {"usd"}, "rate": {"0.923456"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good rate: status %d, want 303", resp.StatusCode)
	}
	_, page := b.get("/admin/fx-rates")
	if !strings.Contains(page, `data-currency="USD"`) || !strings.Contains(page, "<code>0.923456</code>") || !strings.Contains(page, "Test fx") {
		t.Fatalf("the rate is not listed exactly as typed, with who set it: %s", page)
	}
}

// TestParkedJobRetryAndDismiss parks a job as a handler does with input it
// can never process, then retries and dismisses it from the page.
func TestParkedJobRetryAndDismiss(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "ops", []dossier.Role{dossier.RoleAdmin}, 0)
	err := s.App.Store.Write(t.Context(), func(tx store.Tx) error {
		return tx.Enqueue(t.Context(), store.Job{Kind: followup.Deliver, Payload: json.RawMessage(`["not a delivery"]`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	s.WaitJobs(t)
	b := newBrowser(t, s)
	b.signIn("ops")
	_, page := b.get("/admin/jobs")
	job := find(t, page, `data-job="(\d+)"`, "parked job")
	if !strings.Contains(page, followup.Deliver) || !strings.Contains(page, "deliver:") {
		t.Fatalf("the parked job's kind or error is missing: %s", page)
	}
	resp, _ := b.post("/admin/jobs/"+job+"/retry", url.Values{"_csrf": {b.csrf}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("retry: status %d", resp.StatusCode)
	}
	s.WaitJobs(t) // it fails again, for good, and is parked again
	_, page = b.get("/admin/jobs")
	if find(t, page, `data-job="(\d+)"`, "parked again") != job {
		t.Fatal("after the retry the job is not parked again")
	}
	resp, _ = b.post("/admin/jobs/"+job+"/dismiss", url.Values{"_csrf": {b.csrf}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("dismiss: status %d", resp.StatusCode)
	}
	if _, page = b.get("/admin/jobs"); !strings.Contains(page, `data-test="no-jobs"`) {
		t.Fatalf("the dismissed job is still listed: %s", page)
	}
	if resp, _ := b.post("/admin/jobs/"+job+"/retry", url.Values{"_csrf": {b.csrf}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("retrying a dismissed job: status %d, want 404", resp.StatusCode)
	}
}

// TestDelegationsFromBothPages: an approver's own delegation takes effect
// at once; one an admin makes for them waits for a second admin.
func TestDelegationsFromBothPages(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "adm", []dossier.Role{dossier.RoleAdmin}, 0)
	s.AddUser(t, "ap3", []dossier.Role{dossier.RoleApprover}, 3)
	ap3 := s.AddUser(t, "ap1", []dossier.Role{dossier.RoleApprover}, 1)
	lead := newBrowser(t, s)
	lead.signIn("ap3")
	_, page := lead.get("/delegations")
	if !strings.Contains(page, `action="/delegations"`) || !strings.Contains(page, `value="`+ap3.ID+`"`) {
		t.Fatalf("the approver's delegations page lacks the form or the other approver: %s", page)
	}
	form := url.Values{"_csrf": {lead.csrf}, "to_user_id": {ap3.ID}, "from": {"2026-12-10"}, "until": {"2026-12-01"}}
	resp, page := lead.post("/delegations", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !fieldError("until").MatchString(page) {
		t.Fatalf("until before from: status %d, want 422 under until: %s", resp.StatusCode, page)
	}
	form.Set("until", "2026-12-24")
	if resp, _ := lead.post("/delegations", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delegate: status %d", resp.StatusCode)
	}
	_, page = lead.get("/delegations?done=delegated")
	id := find(t, page, `data-delegation="([^"]+)"`, "delegation")
	if !strings.Contains(page, "Test ap1") || !strings.Contains(page, "The delegation is in force") {
		t.Fatalf("the delegation is not listed as in force: %s", page)
	}
	if resp, _ := lead.post("/delegations/"+id+"/revoke", url.Values{"_csrf": {lead.csrf}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: status %d", resp.StatusCode)
	}
	if _, page = lead.get("/delegations"); strings.Contains(page, `data-delegation="`) {
		t.Fatal("the revoked delegation is still listed")
	}

	adm := newBrowser(t, s)
	adm.signIn("adm")
	lead3 := regexp.MustCompile(`href="/admin/users/([^"]+)">ap3<`)
	_, page = adm.get("/admin/users")
	ap3Page := "/admin/users/" + lead3.FindStringSubmatch(page)[1]
	form.Set("_csrf", adm.csrf)
	resp, _ = adm.post(ap3Page+"/delegations", form)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "done=delegation_pending") {
		t.Fatalf("an admin's delegation: %d to %q, want it to wait for a second admin", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, path := range []string{"/admin/users", ap3Page} {
		if _, page := adm.get(path); !strings.Contains(page, "Delegation from Test ap3 (ap3) to Test ap1 (ap1)") {
			t.Errorf("%s: the waiting delegation is not among the grants: %s", path, page)
		}
	}
}

// TestWorkflowDiagramIsAnSVG: Graphviz draws each kind's definition; under
// CI=true a missing dot is a failure.
func TestWorkflowDiagramIsAnSVG(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("dot"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("dot is not installed: scripts/test.sh installs graphviz")
		}
		t.Skip("dot is not installed: install graphviz to draw the workflows")
	}
	s := startServer(t)
	s.AddUser(t, "wf", []dossier.Role{dossier.RoleReviewer}, 0)
	b := newBrowser(t, s)
	b.signIn("wf")
	_, page := b.get("/admin/workflows")
	if !strings.Contains(page, `src="/admin/workflows/purchase_order.svg"`) || !strings.Contains(page, "<caption>Events of Purchase order</caption>") {
		t.Fatalf("the workflows page lacks the diagram or the table of events: %s", page)
	}
	resp, svg := b.get("/admin/workflows/purchase_order.svg")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(svg, "<svg") ||
		!strings.Contains(svg, "pending_approval") {
		t.Fatalf("the diagram: status %d, type %q: %.300s", resp.StatusCode, resp.Header.Get("Content-Type"), svg)
	}
	for _, bad := range []string{"/admin/workflows/nothing.svg", "/admin/workflows/purchase_order.png"} {
		if resp, _ := b.get(bad); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", bad, resp.StatusCode)
		}
	}
}
