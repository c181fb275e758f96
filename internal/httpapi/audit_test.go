package httpapi_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
)

type auditPage struct {
	Items []dossier.AuditEvent `json:"items"`
}

// isSubsequence reports whether want appears in got in order, not necessarily adjacent.
func isSubsequence(want, got []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

func actionsOf(events []dossier.AuditEvent) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.Action)
	}
	return out
}

// TestAuditTrail: what the API does shows up in GET /api/v1/audit, and the
// chain verifies.
func TestAuditTrail(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be) // signs the admin in: session.create
		b.AddUser(t, "aude", []dossier.Role{dossier.RoleAuditor}, 0)
		auditor := b.SignIn(t, "aude")

		d := b.newPO(t, nil)
		other := b.newPO(t, map[string]any{"number": "other"})
		resp := b.Do(t, http.MethodGet, "/api/v1/documents/"+d.ID+"/content", b.admin, nil)
		if b.Body(t, resp); resp.StatusCode != http.StatusOK {
			t.Fatalf("download: status %d", resp.StatusCode)
		}
		resp = b.Do(t, http.MethodPatch, "/api/v1/documents/"+d.ID, b.admin, strings.NewReader(`{"title":"audited edit"}`), "If-Match", `"1"`)
		if b.Body(t, resp); resp.StatusCode != http.StatusOK {
			t.Fatalf("patch: status %d", resp.StatusCode)
		}
		resp = b.Do(t, http.MethodPost, "/api/v1/users", b.admin,
			strings.NewReader(`{"username":"newbie","password":"newbie-password","roles":["reviewer"]}`))
		if b.Body(t, resp); resp.StatusCode != http.StatusCreated {
			t.Fatalf("create user: status %d", resp.StatusCode)
		}

		var all auditPage
		b.getJSON(t, auditor, "/api/v1/audit", &all)
		byAction := map[string][]dossier.AuditEvent{}
		for i, e := range all.Items {
			byAction[e.Action] = append(byAction[e.Action], e)
			if e.Hash == "" || e.Seq == 0 || (i > 0 && e.Seq <= all.Items[i-1].Seq) {
				t.Errorf("event %d %+v: want a hash and a seq above the previous one", i, e)
			}
		}
		for _, action := range []string{"session.create", "document.upload", "document.download", "document.edit", "user.create"} {
			events := byAction[action]
			if len(events) == 0 {
				t.Errorf("no %s event in %v", action, actionsOf(all.Items))
				continue
			}
			last := events[len(events)-1]
			if action != "session.create" && last.Actor != b.adminUser.ID {
				t.Errorf("%s by actor %q, want the admin %s", action, last.Actor, b.adminUser.ID)
			}
		}
		if n := len(byAction["document.upload"]); n != 2 {
			t.Errorf("%d document.upload events, want 2", n)
		}
		if e := byAction["document.edit"]; len(e) == 1 && e[0].DocumentID != d.ID {
			t.Errorf("document.edit is about %q, want %s", e[0].DocumentID, d.ID)
		}

		var mine auditPage
		b.getJSON(t, auditor, "/api/v1/audit?document_id="+url.QueryEscape(d.ID), &mine)
		// Background jobs may add events of their own; these three come in this order.
		if got, want := actionsOf(mine.Items), []string{"document.upload", "document.download", "document.edit"}; !isSubsequence(want, got) {
			t.Errorf("events of %s: %v, want %v among them in that order", d.ID, got, want)
		}
		for _, e := range mine.Items {
			if e.DocumentID != d.ID || e.Stream != d.ID {
				t.Errorf("filter document_id=%s returned %+v", d.ID, e)
			}
		}
		var others auditPage
		b.getJSON(t, auditor, "/api/v1/audit?document_id="+url.QueryEscape(other.ID), &others)
		if got := actionsOf(others.Items); len(got) == 0 || got[0] != "document.upload" || slices.Contains(got, "document.edit") {
			t.Errorf("events of the other document: %v, want its upload and not the first one's edit", got)
		}
		for _, e := range others.Items {
			if e.DocumentID != other.ID {
				t.Errorf("filter document_id=%s returned %+v", other.ID, e)
			}
		}
		var byAdmin auditPage
		b.getJSON(t, auditor, "/api/v1/audit?actor="+url.QueryEscape(b.adminUser.ID), &byAdmin)
		for _, e := range byAdmin.Items {
			if e.Actor != b.adminUser.ID {
				t.Errorf("filter actor=%s returned %+v", b.adminUser.ID, e)
			}
		}
		if len(byAdmin.Items) < 5 {
			t.Errorf("%d events by the admin, want at least 5", len(byAdmin.Items))
		}

		var verify map[string]any
		b.getJSON(t, auditor, "/api/v1/audit/verify", &verify)
		if checked, _ := verify["checked"].(float64); verify["ok"] != true || int(checked) < len(all.Items) {
			t.Errorf("verify = %v, want ok true and checked at least the %d events listed", verify, len(all.Items))
		}
	})
}
