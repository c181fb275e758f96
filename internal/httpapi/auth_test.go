package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
)

// signIn posts credentials to /api/v1/session.
func (b *bundle) signIn(t *testing.T, username, password string) *http.Response {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	return b.Do(t, http.MethodPost, "/api/v1/session", "", strings.NewReader(string(body)))
}

func TestSignIn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		want := b.AddUser(t, "anna", []dossier.Role{dossier.RoleApprover, dossier.RoleReviewer}, 2)

		resp := b.signIn(t, "anna", apptest.Password("anna"))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("sign in: status %d: %s", resp.StatusCode, b.Body(t, resp))
		}
		var raw struct {
			Token string                     `json:"token"`
			User  map[string]json.RawMessage `json:"user"`
		}
		b.JSON(t, resp, &raw)
		if len(raw.Token) < 32 {
			t.Errorf("token %q is too short to be unguessable", raw.Token)
		}
		for _, k := range []string{"id", "username", "roles", "approval_level"} {
			if _, ok := raw.User[k]; !ok {
				t.Errorf("user has no member %q: %v", k, raw.User)
			}
		}
		for k := range raw.User {
			if strings.Contains(k, "password") || strings.Contains(k, "hash") {
				t.Errorf("user carries %q: secrets must not leave the server", k)
			}
		}
		var user dossier.User
		userJSON, _ := json.Marshal(raw.User)
		if err := json.Unmarshal(userJSON, &user); err != nil {
			t.Fatal(err)
		}
		if user.ID != want.ID || user.Username != "anna" || user.ApprovalLevel != 2 ||
			!slices.Equal(user.Roles, []dossier.Role{dossier.RoleApprover, dossier.RoleReviewer}) {
			t.Errorf("user = %+v, want %+v", user, want)
		}

		var me dossier.User
		b.getJSON(t, raw.Token, "/api/v1/me", &me)
		if me.ID != want.ID || me.Username != "anna" || me.ApprovalLevel != 2 || me.PasswordHash != "" {
			t.Errorf("GET /me = %+v, want anna", me)
		}

		wrong := b.RequireProblem(t, b.signIn(t, "anna", "not-her-password"), http.StatusUnauthorized)
		unknown := b.RequireProblem(t, b.signIn(t, "nobody", "whatever-password"), http.StatusUnauthorized)
		if wrong.Detail != unknown.Detail {
			t.Errorf("a wrong password says %q, an unknown user %q: the answers must not tell them apart", wrong.Detail, unknown.Detail)
		}

		resp = b.Do(t, http.MethodDelete, "/api/v1/session", raw.Token, nil)
		if body := b.Body(t, resp); resp.StatusCode != http.StatusNoContent || len(body) != 0 {
			t.Fatalf("DELETE /session: status %d body %q, want 204 and no body", resp.StatusCode, body)
		}
		b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/me", raw.Token, nil), http.StatusUnauthorized)
		b.RequireProblem(t, b.Do(t, http.MethodDelete, "/api/v1/session", raw.Token, nil), http.StatusUnauthorized)
		if resp := b.Do(t, http.MethodGet, "/api/v1/me", b.admin, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("another session after a sign-out: status %d, want 200", resp.StatusCode)
		}
	})
}

func TestUsers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		create := func(body string) *http.Response {
			return b.Do(t, http.MethodPost, "/api/v1/users", b.admin, strings.NewReader(body))
		}
		resp := create(`{"username":"rita","password":"rita-password","display_name":"Rita Reviewer","roles":["reviewer"]}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST /users: status %d: %s", resp.StatusCode, b.Body(t, resp))
		}
		raw := b.Body(t, resp)
		if strings.Contains(string(raw), "password") || strings.Contains(string(raw), "$2") {
			t.Errorf("the created user leaks its password or hash: %s", raw)
		}
		var rita dossier.User
		if err := json.Unmarshal(raw, &rita); err != nil {
			t.Fatal(err)
		}
		if rita.ID == "" || rita.Username != "rita" || rita.DisplayName != "Rita Reviewer" ||
			!slices.Equal(rita.Roles, []dossier.Role{dossier.RoleReviewer}) || rita.ApprovalLevel != 0 {
			t.Errorf("POST /users gave %+v", rita)
		}
		if token := b.SignIn(t, "rita"); token == "" {
			t.Error("the new user cannot sign in")
		}

		for _, tc := range []struct {
			name, body string
			status     int
		}{
			{"duplicate", `{"username":"rita","password":"other-password","roles":["auditor"]}`, http.StatusConflict},
			{"invalid role", `{"username":"rex","password":"rex-password","roles":["king"]}`, http.StatusUnprocessableEntity},
			{"no role", `{"username":"rex","password":"rex-password","roles":[]}`, http.StatusUnprocessableEntity},
			{"approver without level", `{"username":"rex","password":"rex-password","roles":["approver"]}`, http.StatusUnprocessableEntity},
			{"approver level 4", `{"username":"rex","password":"rex-password","roles":["approver"],"approval_level":4}`, http.StatusUnprocessableEntity},
			{"level without approver", `{"username":"rex","password":"rex-password","roles":["reviewer"],"approval_level":1}`, http.StatusUnprocessableEntity},
			{"short password", `{"username":"rex","password":"short","roles":["reviewer"]}`, http.StatusUnprocessableEntity},
			{"bad username", `{"username":"Rex Smith","password":"rex-password","roles":["reviewer"]}`, http.StatusUnprocessableEntity},
			{"level as a string", `{"username":"rex","password":"rex-password","roles":["approver"],"approval_level":"2"}`, http.StatusBadRequest},
			{"unknown member", `{"username":"rex","password":"rex-password","roles":["reviewer"],"is_root":true}`, http.StatusBadRequest},
		} {
			t.Run(tc.name, func(t *testing.T) {
				b.RequireProblem(t, create(tc.body), tc.status)
			})
		}

		resp = create(`{"username":"paul","password":"paul-password","roles":["approver"],"approval_level":3}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST /users approver: status %d: %s", resp.StatusCode, b.Body(t, resp))
		}

		// paul's level waits for a second admin (dual control).
		var list struct {
			Items []dossier.User `json:"items"`
		}
		b.getJSON(t, b.admin, "/api/v1/users", &list)
		if want := map[string]int{"admin": 0, "paul": 0, "rita": 0}; fmt.Sprint(levelsOf(list.Items)) != fmt.Sprint(want) {
			t.Errorf("GET /users lists %v before confirmation, want %v (and no refused user)", levelsOf(list.Items), want)
		}
		b.AddUser(t, "admin2", []dossier.Role{dossier.RoleAdmin}, 0)
		var grants struct{ Items []dossier.Grant }
		b.getJSON(t, b.admin, "/api/v1/grants?state=pending", &grants)
		if len(grants.Items) != 1 {
			t.Fatalf("pending grants: %+v", grants.Items)
		}
		g := grants.Items[0]
		if resp := b.Do(t, http.MethodPost, "/api/v1/users/"+g.UserID+"/grants/"+g.ID+"/confirm", b.SignIn(t, "admin2"), nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("confirm: %d %s", resp.StatusCode, b.Body(t, resp))
		}
		b.getJSON(t, b.admin, "/api/v1/users", &list)
		if want := map[string]int{"admin": 0, "admin2": 0, "paul": 3, "rita": 0}; fmt.Sprint(levelsOf(list.Items)) != fmt.Sprint(want) {
			t.Errorf("GET /users lists %v, want %v", levelsOf(list.Items), want)
		}
	})
}

func levelsOf(users []dossier.User) map[string]int {
	levels := map[string]int{}
	for _, u := range users {
		levels[u.Username] = u.ApprovalLevel
	}
	return levels
}

// TestSignInRateLimit: failed sign-ins are limited to 10 in the window; the
// 11th attempt is refused even with the right password, and successful
// sign-ins neither count nor are ever refused before the limit is reached.
func TestSignInRateLimit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		b.AddUser(t, "victim", []dossier.Role{dossier.RoleReviewer}, 0)
		right := apptest.Password("victim")
		for i := range 20 {
			if resp := b.signIn(t, "victim", right); resp.StatusCode != http.StatusOK {
				t.Fatalf("successful sign-in %d: status %d, want 200", i+1, resp.StatusCode)
			}
		}
		for i := range 9 {
			b.RequireProblem(t, b.signIn(t, "victim", fmt.Sprintf("guess-%d-password", i)), http.StatusUnauthorized)
		}
		if resp := b.signIn(t, "victim", right); resp.StatusCode != http.StatusOK {
			t.Fatalf("the right password after 9 failures: status %d, want 200 (not limited yet)", resp.StatusCode)
		}
		b.RequireProblem(t, b.signIn(t, "victim", "guess-10-password"), http.StatusUnauthorized)
		resp := b.signIn(t, "victim", right)
		if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 900 {
			t.Errorf("429 Retry-After = %q, want the seconds until the oldest failure leaves the 15-minute window", resp.Header.Get("Retry-After"))
		}
		p := b.RequireProblem(t, resp, http.StatusTooManyRequests)
		if !strings.Contains(strings.ToLower(p.Detail), "sign-in") && !strings.Contains(strings.ToLower(p.Detail), "try again") {
			t.Errorf("429 detail %q does not say what happened", p.Detail)
		}
		b.RequireProblem(t, b.signIn(t, "victim", "guess-11-password"), http.StatusTooManyRequests)
		// A session made before the limit keeps working: the limit is on signing in.
		if resp := b.Do(t, http.MethodGet, "/api/v1/me", b.admin, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("an existing session during the lock-out: status %d, want 200", resp.StatusCode)
		}
	})
}
