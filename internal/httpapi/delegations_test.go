package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
)

// TestDelegationsListAndRevoke: an approver sees the delegations they lent
// and hold, and revokes theirs at once; nobody else revokes them but an
// admin, and the audit trail keeps what was lent.
func TestDelegationsListAndRevoke(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		ann := b.AddUser(t, "ann", []dossier.Role{dossier.RoleApprover}, 3)
		bob := b.AddUser(t, "bob", []dossier.Role{dossier.RoleApprover}, 1)
		b.AddUser(t, "rita", []dossier.Role{dossier.RoleReviewer}, 0)
		annT, bobT, ritaT := b.SignIn(t, "ann"), b.SignIn(t, "bob"), b.SignIn(t, "rita")
		resp := b.Do(t, http.MethodPost, "/api/v1/users/"+ann.ID+"/delegations", annT,
			strings.NewReader(`{"to_user_id":"`+bob.ID+`","from":"2026-01-01","until":"2026-12-31"}`))
		var dl dossier.Delegation
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("delegate: %d %s", resp.StatusCode, b.Body(t, resp))
		}
		b.JSON(t, resp, &dl)
		// bob's level 1 lends ann nothing she lacks: said, not refused.
		var lent struct {
			Warnings []string `json:"warnings"`
		}
		b.send(t, http.MethodPost, "/api/v1/users/"+bob.ID+"/delegations", bobT,
			`{"to_user_id":"`+ann.ID+`","from":"2026-01-01","until":"2026-01-02"}`, http.StatusCreated, &lent)
		if len(lent.Warnings) != 1 || !strings.Contains(lent.Warnings[0], "ann already holds level 3") {
			t.Errorf("a delegation that lends nothing: warnings %q", lent.Warnings)
		}

		var list struct {
			Items []dossier.Delegation `json:"items"`
		}
		for _, token := range []string{annT, b.admin} {
			b.getJSON(t, token, "/api/v1/users/"+ann.ID+"/delegations", &list)
			if len(list.Items) != 2 || list.Items[0].ID != dl.ID {
				t.Errorf("ann's delegations = %+v, want the one lent to bob and the one bob lent her", list.Items)
			}
		}
		b.getJSON(t, bobT, "/api/v1/users/"+bob.ID+"/delegations", &list)
		if len(list.Items) != 2 || list.Items[0].ToUserID != bob.ID {
			t.Errorf("bob's delegations = %+v, want the one he holds and the one he lent", list.Items)
		}
		b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/users/"+ann.ID+"/delegations", ritaT, nil), http.StatusForbidden)

		path := "/api/v1/users/" + ann.ID + "/delegations/" + dl.ID
		b.RequireProblem(t, b.Do(t, http.MethodDelete, path, bobT, nil), http.StatusForbidden) // the delegate cannot end it
		b.RequireProblem(t, b.Do(t, http.MethodDelete, "/api/v1/users/"+bob.ID+"/delegations/"+dl.ID, bobT, nil), http.StatusNotFound)
		if resp := b.Do(t, http.MethodDelete, path, annT, nil); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("revoke: %d %s", resp.StatusCode, b.Body(t, resp))
		}
		b.RequireProblem(t, b.Do(t, http.MethodDelete, path, annT, nil), http.StatusNotFound)
		b.getJSON(t, annT, "/api/v1/users/"+ann.ID+"/delegations", &list)
		if len(list.Items) != 1 {
			t.Errorf("after revoking, ann's delegations = %+v", list.Items)
		}
		var trail struct {
			Items []dossier.AuditEvent `json:"items"`
		}
		b.getJSON(t, b.admin, "/api/v1/audit?actor=ann", &trail) // a user name, as an auditor knows it
		found := false
		for _, e := range trail.Items {
			found = found || e.Action == "delegation.revoke" && strings.Contains(string(e.Details), dl.ID) && strings.Contains(string(e.Details), bob.ID)
		}
		if !found {
			t.Errorf("no delegation.revoke event naming the delegation and bob in %+v", trail.Items)
		}
	})
}
