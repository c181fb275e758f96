package ui_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/followup"
	"dossier/internal/store"
)

// TestBrowserAdminPages visits every admin page as an admin, at a desk and
// on a phone: each passes the accessibility check, and the workflow
// diagrams load as images.
func TestBrowserAdminPages(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("dot"); err != nil && os.Getenv("CI") != "true" {
		t.Skip("dot is not installed: install graphviz to draw the workflows")
	}
	s := startServer(t)
	s.AddUser(t, "ann", []dossier.Role{dossier.RoleAdmin}, 0)
	s.AddUser(t, "bob", []dossier.Role{dossier.RoleAdmin}, 0)
	s.AddUser(t, "apo", []dossier.Role{dossier.RoleApprover}, 3)
	s.AddUser(t, "ada", []dossier.Role{dossier.RoleApprover}, 1)
	// Something on every page: a rate, a grant waiting for bob, a parked job.
	if _, err := s.App.Engine.SetFXRate(t.Context(), "", "USD", "0.9234"); err != nil {
		t.Fatal(err)
	}
	err := s.App.Store.Write(t.Context(), func(tx store.Tx) error {
		return tx.Enqueue(t.Context(), store.Job{Kind: followup.Deliver, Payload: json.RawMessage(`["not a delivery"]`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	s.WaitJobs(t)

	b := newTab(t, s)
	b.signIn("ann")
	b.open("/admin/users")
	b.fill("#nu-username", "zoe")
	b.fill("#nu-display", "Zoë Approver")
	b.fill("#nu-password", "zoe-password")
	b.do(clickCSS("#nu-role-approver"))
	b.fill("#nu-level", "2")
	b.submit("#new-user button[type=submit]")
	if got := b.text("[data-test=notice]"); got == "" {
		t.Fatal("creating zoe says nothing")
	}
	userPage := eval[string](b, "location.pathname")

	pages := []struct{ name, path string }{
		{"admin-users", "/admin/users"},
		{"admin-user", userPage},
		{"admin-fx", "/admin/fx-rates"},
		{"admin-workflows", "/admin/workflows"},
		{"admin-jobs", "/admin/jobs"},
	}
	for _, w := range []int64{1280, 390} {
		b.viewport(w, 900)
		for _, p := range pages {
			b.open(p.path)
			if p.name == "admin-workflows" {
				b.waitFor(`Array.from(document.querySelectorAll("img[data-test=diagram]")).every(i => i.complete)`)
				n := eval[int](b, `document.querySelectorAll("img[data-test=diagram]").length`)
				loaded := eval[int](b, `Array.from(document.querySelectorAll("img[data-test=diagram]")).filter(i => i.naturalWidth > 0).length`)
				if n == 0 || loaded != n {
					t.Errorf("at %d px %d of %d workflow diagrams loaded", w, loaded, n)
				}
			}
			b.shot(p.name)
		}
	}
	if b.count("nav.main a[data-test=nav-admin]") != 1 {
		t.Error("the header has no Admin entry for an admin")
	}
	// An approver lends their authority on their own page.
	b.signIn("apo")
	for _, w := range []int64{1280, 390} {
		b.viewport(w, 900)
		b.open("/delegations")
		b.shot("admin-delegations")
	}
}
