package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
)

type newToken struct {
	dossier.APIToken
	Token string `json:"token"`
}

// TestAPITokens: a user makes a named token for an integration, shown once;
// it works like a session, its uses are attributed to its name in the audit
// trail, it is listed without its secret, and it stops at once when revoked
// or when its user is disabled. An admin makes and revokes anyone's.
func TestAPITokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		bl := b.AddUser(t, "bl", []dossier.Role{dossier.RoleBankLiaison}, 0)
		b.AddUser(t, "rita", []dossier.Role{dossier.RoleReviewer}, 0)
		blT, rita := b.SignIn(t, "bl"), b.SignIn(t, "rita")

		var k newToken
		b.send(t, http.MethodPost, "/api/v1/tokens", blT, `{"name":"bank portal sync","expires_in_days":30}`, http.StatusCreated, &k)
		if !strings.HasPrefix(k.Token, "dsk_") || k.UserID != bl.ID || k.ExpiresAt == nil || k.ExpiresAt.Sub(k.CreatedAt).Hours() != 30*24 {
			t.Fatalf("new token: %+v", k)
		}
		var me dossier.User
		b.getJSON(t, k.Token, "/api/v1/me", &me)
		if me.ID != bl.ID {
			t.Errorf("the token signs in as %s", me.Username)
		}
		b.send(t, http.MethodDelete, "/api/v1/session", k.Token, "", http.StatusNoContent, nil) // touches the trail as the token
		var list struct{ Items []dossier.APIToken }
		b.getJSON(t, blT, "/api/v1/tokens", &list)
		if len(list.Items) != 1 || list.Items[0].LastUsedAt == nil || list.Items[0].Name != "bank portal sync" {
			t.Errorf("listed tokens: %+v", list.Items)
		}
		b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/tokens?user_id="+bl.ID, rita, nil), http.StatusForbidden)
		b.RequireProblem(t, b.Do(t, http.MethodPost, "/api/v1/tokens", rita, strings.NewReader(`{"name":"x","user_id":"`+bl.ID+`"}`)), http.StatusForbidden)
		b.RequireProblem(t, b.Do(t, http.MethodDelete, "/api/v1/tokens/"+k.ID, rita, nil), http.StatusNotFound)
		b.RequireProblem(t, b.Do(t, http.MethodPost, "/api/v1/tokens", blT, strings.NewReader(`{"name":""}`)), http.StatusUnprocessableEntity)
		b.RequireProblem(t, b.Do(t, http.MethodPost, "/api/v1/tokens", blT, strings.NewReader(`{"name":"x","expires_in_days":10000}`)), http.StatusUnprocessableEntity)

		var trail struct{ Items []dossier.AuditEvent }
		b.getJSON(t, b.admin, "/api/v1/audit?actor=bl", &trail)
		viaToken := 0
		for _, e := range trail.Items {
			if strings.Contains(string(e.Details), `"token":"bank portal sync"`) {
				viaToken++
			}
		}
		if viaToken != 1 {
			t.Errorf("%d events attributed to the token, want 1 (its session.delete): %+v", viaToken, trail.Items)
		}

		// Revoked: refused at once; revoking twice is a conflict.
		b.send(t, http.MethodDelete, "/api/v1/tokens/"+k.ID, blT, "", http.StatusNoContent, nil)
		p := b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/me", k.Token, nil), http.StatusUnauthorized)
		if !strings.Contains(p.Detail, "revoked") {
			t.Errorf("a revoked token: %q", p.Detail)
		}
		b.RequireProblem(t, b.Do(t, http.MethodDelete, "/api/v1/tokens/"+k.ID, blT, nil), http.StatusConflict)

		// An admin's token for bl, which never expires, stops when bl is disabled.
		var forBL newToken
		b.send(t, http.MethodPost, "/api/v1/tokens", b.admin, `{"name":"nightly","user_id":"`+bl.ID+`","expires_in_days":0}`, http.StatusCreated, &forBL)
		if forBL.ExpiresAt != nil || forBL.CreatedBy != b.adminUser.ID {
			t.Errorf("admin's token for bl: %+v", forBL.APIToken)
		}
		b.getJSON(t, forBL.Token, "/api/v1/me", &me)
		b.send(t, http.MethodPatch, "/api/v1/users/"+bl.ID, b.admin, `{"disabled":true}`, http.StatusOK, nil)
		b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/me", forBL.Token, nil), http.StatusUnauthorized)
		b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/me", "dsk_not-a-token", nil), http.StatusUnauthorized)
	})
}
