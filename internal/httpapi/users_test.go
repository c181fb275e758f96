package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
)

// changedUser is a user as PATCH, POST /users and confirm answer.
type changedUser struct {
	dossier.User
	Pending  *dossier.Grant `json:"pending_grant"`
	Warnings []string       `json:"warnings"`
}

func (b *bundle) send(t *testing.T, method, path, token, body string, wantStatus int, v any, headers ...string) {
	t.Helper()
	var resp *http.Response
	if body == "" {
		resp = b.Do(t, method, path, token, nil, headers...)
	} else {
		resp = b.Do(t, method, path, token, strings.NewReader(body), append([]string{"Content-Type", "application/json"}, headers...)...)
	}
	if resp.StatusCode != wantStatus {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, wantStatus, b.Body(t, resp))
	}
	if v != nil {
		b.JSON(t, resp, v)
	} else {
		b.Body(t, resp)
	}
}

// toPendingApproval uploads a purchase order as uploader, submits it and
// has reviewer pass its review.
func (b *bundle) toPendingApproval(t *testing.T, uploader, reviewer string, amount string) document {
	t.Helper()
	po := b.upload(t, "po.pdf", pdfOf(t, 1, "po"), poMetadata(t, map[string]any{"amount": amount}))
	if uploader != b.admin {
		t.Fatal("toPendingApproval uploads as the bundle's admin")
	}
	b.fireOK(t, uploader, po.ID, `{"event":"submit"}`)
	return b.fireOK(t, reviewer, po.ID, passReview)
}

// TestDualControlOfAuthority: an admin who creates an approver cannot sign
// in as them and approve their own upload (SPEC §6): the authority waits
// for a second admin, and the requester then counts as involved in what the
// grantee approves. Raising a level and an admin's delegation wait too.
func TestDualControlOfAuthority(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		b.AddUser(t, "admin2", []dossier.Role{dossier.RoleAdmin}, 0)
		b.AddUser(t, "rita", []dossier.Role{dossier.RoleReviewer}, 0)
		bea := b.AddUser(t, "bea", []dossier.Role{dossier.RoleApprover}, 2)
		alan := b.AddUser(t, "alan", []dossier.Role{dossier.RoleApprover}, 1)
		admin2, rita := b.SignIn(t, "admin2"), b.SignIn(t, "rita")

		var mal changedUser
		b.send(t, http.MethodPost, "/api/v1/users", b.admin,
			`{"username":"mallory","password":"mallory-password","roles":["approver"],"approval_level":3}`, http.StatusCreated, &mal)
		if mal.HasRole(dossier.RoleApprover) || mal.ApprovalLevel != 0 || mal.Pending == nil ||
			!slices.Equal(mal.Pending.Roles, []dossier.Role{dossier.RoleApprover}) || mal.Pending.ApprovalLevel != 3 || mal.Pending.State != dossier.GrantPending {
			t.Fatalf("created through the API: %+v pending %+v; want no authority yet and a pending grant of approver level 3", mal.User, mal.Pending)
		}
		malT := b.SignIn(t, "mallory") // the admin knows the password they set
		po := b.toPendingApproval(t, b.admin, rita, "50000.00")
		p := b.RequireProblem(t, b.fire(t, malT, po.ID, `{"event":"approve"}`), http.StatusForbidden)
		if !strings.Contains(p.Detail, "role") {
			t.Errorf("approve before the grant: %q", p.Detail)
		}

		confirm := "/api/v1/users/" + mal.ID + "/grants/" + mal.Pending.ID + "/confirm"
		p = b.RequireProblem(t, b.Do(t, http.MethodPost, confirm, b.admin, nil), http.StatusForbidden)
		if !strings.Contains(p.Detail, "second admin") {
			t.Errorf("the requester confirming: %q", p.Detail)
		}
		b.RequireProblem(t, b.Do(t, http.MethodPost, confirm, malT, nil), http.StatusForbidden)
		var pending struct{ Items []dossier.Grant }
		b.send(t, http.MethodGet, "/api/v1/grants?state=pending", admin2, "", http.StatusOK, &pending)
		if len(pending.Items) != 1 || pending.Items[0].ID != mal.Pending.ID {
			t.Errorf("pending grants = %+v, want mallory's", pending.Items)
		}
		var now changedUser
		b.send(t, http.MethodPost, confirm, admin2, "", http.StatusOK, &now)
		if !now.HasRole(dossier.RoleApprover) || now.ApprovalLevel != 3 {
			t.Fatalf("after confirmation: %+v", now.User)
		}
		b.RequireProblem(t, b.Do(t, http.MethodPost, confirm, admin2, nil), http.StatusConflict) // once only

		// The requester uploaded and submitted po: mallory may not approve it.
		p = b.RequireProblem(t, b.fire(t, malT, po.ID, `{"event":"approve"}`), http.StatusUnprocessableEntity)
		if !strings.Contains(p.Detail, "admin requested mallory's approval authority") || !strings.Contains(p.Detail, "segregation of duties") {
			t.Errorf("mallory approving what her requester uploaded: %q", p.Detail)
		}
		var panel struct {
			Eligible []string `json:"eligible"`
			Nobody   []string `json:"nobody_because"`
		}
		b.getJSON(t, b.admin, "/api/v1/documents/"+po.ID+"/approvals", &panel)
		if slices.Contains(panel.Eligible, "mallory") || !slices.Contains(panel.Eligible, "alan") {
			t.Errorf("eligible = %v, want alan and not mallory", panel.Eligible)
		}

		// Raising a level waits; lowering one takes effect at once.
		var raised changedUser
		b.send(t, http.MethodPatch, "/api/v1/users/"+alan.ID, b.admin, `{"approval_level":3}`, http.StatusOK, &raised)
		if raised.ApprovalLevel != 1 || raised.Pending == nil || raised.Pending.ApprovalLevel != 3 {
			t.Fatalf("raising alan: %+v pending %+v", raised.User, raised.Pending)
		}
		b.send(t, http.MethodDelete, "/api/v1/users/"+alan.ID+"/grants/"+raised.Pending.ID, admin2, "", http.StatusNoContent, nil)
		b.RequireProblem(t, b.Do(t, http.MethodPost, "/api/v1/users/"+alan.ID+"/grants/"+raised.Pending.ID+"/confirm", admin2, nil), http.StatusConflict)
		var lowered changedUser
		b.send(t, http.MethodPatch, "/api/v1/users/"+mal.ID, b.admin, `{"approval_level":1}`, http.StatusOK, &lowered)
		if lowered.ApprovalLevel != 1 || lowered.Pending != nil {
			t.Errorf("lowering mallory: %+v pending %+v", lowered.User, lowered.Pending)
		}
		// Making someone admin waits too: a second admin of one's own would defeat dual control.
		var promoted changedUser
		b.send(t, http.MethodPatch, "/api/v1/users/"+mal.ID, b.admin, `{"roles":["approver","admin"]}`, http.StatusOK, &promoted)
		if promoted.HasRole(dossier.RoleAdmin) || promoted.Pending == nil || !slices.Contains(promoted.Pending.Roles, dossier.RoleAdmin) {
			t.Errorf("making mallory admin: %+v pending %+v", promoted.User, promoted.Pending)
		}

		// An admin's delegation for an approver waits for the second admin.
		var dl struct {
			dossier.Delegation
			Pending *dossier.Grant `json:"pending_grant"`
		}
		b.send(t, http.MethodPost, "/api/v1/users/"+bea.ID+"/delegations", b.admin,
			`{"to_user_id":"`+alan.ID+`","from":"2026-01-01","until":"2099-12-31"}`, http.StatusCreated, &dl)
		if dl.Pending == nil || dl.Pending.Kind != dossier.GrantDelegation {
			t.Fatalf("admin's delegation: %+v", dl)
		}
		var list struct{ Items []dossier.Delegation }
		b.getJSON(t, b.admin, "/api/v1/users/"+bea.ID+"/delegations", &list)
		if len(list.Items) != 0 {
			t.Errorf("an unconfirmed delegation is in force: %+v", list.Items)
		}
		b.send(t, http.MethodPost, "/api/v1/users/"+alan.ID+"/grants/"+dl.Pending.ID+"/confirm", admin2, "", http.StatusOK, nil)
		b.getJSON(t, b.admin, "/api/v1/users/"+bea.ID+"/delegations", &list)
		if len(list.Items) != 1 || list.Items[0].ConfirmedBy == "" || list.Items[0].CreatedBy != b.adminUser.ID {
			t.Errorf("after confirmation: %+v", list.Items)
		}

		var trail struct{ Items []dossier.AuditEvent }
		b.getJSON(t, b.admin, "/api/v1/audit?actor=admin2", &trail)
		if n := countActions(trail.Items, "grant.confirm"); n != 2 {
			t.Errorf("%d grant.confirm events by admin2, want 2", n)
		}
		b.getJSON(t, b.admin, "/api/v1/audit?actor=admin", &trail)
		if n := countActions(trail.Items, "grant.request"); n != 4 {
			t.Errorf("%d grant.request events by admin, want 4", n)
		}
	})
}

func countActions(events []dossier.AuditEvent, action string) int {
	n := 0
	for _, e := range events {
		if e.Action == action {
			n++
		}
	}
	return n
}

// TestChangeUser: an admin reads and changes a user; disabling and a new
// password end the user's sessions at once; If-Match is checked strongly;
// a change that changes nothing writes nothing.
func TestChangeUser(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		bea := b.AddUser(t, "bea", []dossier.Role{dossier.RoleApprover}, 3)
		b.AddUser(t, "aud", []dossier.Role{dossier.RoleAuditor}, 0)
		b.AddUser(t, "rita", []dossier.Role{dossier.RoleReviewer}, 0)
		beaT, audT, rita := b.SignIn(t, "bea"), b.SignIn(t, "aud"), b.SignIn(t, "rita")
		path := "/api/v1/users/" + bea.ID

		var got dossier.User
		for _, token := range []string{b.admin, audT, beaT} {
			resp := b.getJSON(t, token, path, &got)
			if got.Username != "bea" || resp.Header.Get("ETag") != `"1"` {
				t.Errorf("GET user: %+v ETag %s", got, resp.Header.Get("ETag"))
			}
		}
		b.RequireProblem(t, b.Do(t, http.MethodGet, path, rita, nil), http.StatusForbidden)
		b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/users/nobody", b.admin, nil), http.StatusNotFound)

		var ch changedUser
		b.send(t, http.MethodPatch, path, b.admin, `{"display_name":"Bea Lang"}`, http.StatusOK, &ch, "If-Match", `"1"`)
		if ch.DisplayName != "Bea Lang" || ch.Version != 2 {
			t.Errorf("after PATCH: %+v", ch.User)
		}
		b.RequireProblem(t, b.Do(t, http.MethodPatch, path, b.admin, strings.NewReader(`{"display_name":"x"}`), "If-Match", `"1"`), http.StatusPreconditionFailed)
		b.RequireProblem(t, b.Do(t, http.MethodPatch, path, b.admin, strings.NewReader(`{"display_name":"x"}`), "If-Match", `W/"2"`), http.StatusPreconditionFailed)
		b.RequireProblem(t, b.Do(t, http.MethodPatch, path, b.admin, strings.NewReader(`{"nickname":"x"}`)), http.StatusBadRequest)
		b.RequireProblem(t, b.Do(t, http.MethodPatch, path, b.admin, strings.NewReader(`{"roles":["pope"]}`)), http.StatusUnprocessableEntity)
		b.RequireProblem(t, b.Do(t, http.MethodPatch, path, b.admin, strings.NewReader(`{"password":"short"}`)), http.StatusUnprocessableEntity)
		b.RequireProblem(t, b.Do(t, http.MethodPatch, path, b.admin, strings.NewReader(`{"departments":["sales"]}`)), http.StatusUnprocessableEntity)
		b.send(t, http.MethodPatch, path, b.admin, `{"display_name":"Bea Lang"}`, http.StatusOK, &ch)
		if ch.Version != 2 {
			t.Errorf("a PATCH that changes nothing moved the version to %d", ch.Version)
		}

		// A new password ends bea's sessions; the admin who set it counts
		// as involved in what bea approves, since they could sign in as her.
		b.send(t, http.MethodPatch, path, b.admin, `{"password":"a-new-password"}`, http.StatusOK, nil)
		b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/me", beaT, nil), http.StatusUnauthorized)
		b.RequireProblem(t, b.Do(t, http.MethodPost, "/api/v1/session", "", strings.NewReader(`{"username":"bea","password":"`+apptest.Password("bea")+`"}`)), http.StatusUnauthorized)
		var signed struct{ Token string }
		b.send(t, http.MethodPost, "/api/v1/session", "", `{"username":"bea","password":"a-new-password"}`, http.StatusOK, &signed)
		po := b.toPendingApproval(t, b.admin, rita, "50000.00")
		p := b.RequireProblem(t, b.fire(t, signed.Token, po.ID, `{"event":"approve"}`), http.StatusUnprocessableEntity)
		if !strings.Contains(p.Detail, "admin set bea's password") {
			t.Errorf("bea approving the upload of the admin who set her password: %q", p.Detail)
		}

		// Disabling ends the sessions at once and refuses sign-in; the only
		// level-3 approver leaving is warned about.
		b.send(t, http.MethodPatch, path, b.admin, `{"disabled":true}`, http.StatusOK, &ch)
		if !ch.Disabled || len(ch.Warnings) != 3 || !strings.Contains(ch.Warnings[2], "level 3") {
			t.Errorf("disabling the only approver: %+v warnings %q", ch.User, ch.Warnings)
		}
		b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/me", signed.Token, nil), http.StatusUnauthorized)
		p = b.RequireProblem(t, b.Do(t, http.MethodPost, "/api/v1/session", "", strings.NewReader(`{"username":"bea","password":"a-new-password"}`)), http.StatusUnauthorized)
		if !strings.Contains(p.Detail, "disabled") {
			t.Errorf("signing in disabled: %q", p.Detail)
		}
		b.send(t, http.MethodPatch, path, b.admin, `{"disabled":false}`, http.StatusOK, nil)
		b.send(t, http.MethodPost, "/api/v1/session", "", `{"username":"bea","password":"a-new-password"}`, http.StatusOK, nil)

		// Nobody disables themselves, and the last admin stays one.
		b.RequireProblem(t, b.Do(t, http.MethodPatch, "/api/v1/users/"+b.adminUser.ID, b.admin, strings.NewReader(`{"disabled":true}`)), http.StatusUnprocessableEntity)
		b.RequireProblem(t, b.Do(t, http.MethodPatch, "/api/v1/users/"+b.adminUser.ID, b.admin, strings.NewReader(`{"roles":["auditor"]}`)), http.StatusConflict)

		var trail struct{ Items []dossier.AuditEvent }
		b.getJSON(t, audT, "/api/v1/audit?actor=admin", &trail)
		var changes []string
		for _, e := range trail.Items {
			if e.Action == "user.update" {
				var d struct{ Changes map[string]json.RawMessage }
				if err := json.Unmarshal(e.Details, &d); err != nil {
					t.Fatal(err)
				}
				for k, v := range d.Changes {
					changes = append(changes, k+"="+string(v))
				}
			}
		}
		slices.Sort(changes)
		want := []string{`disabled={"new":false,"old":true}`, `disabled={"new":true,"old":false}`,
			`display_name={"new":"Bea Lang","old":"Test bea"}`, `password="set"`}
		if !slices.Equal(changes, want) {
			t.Errorf("user.update changes = %q, want %q", changes, want)
		}
	})
}

// TestReviewersBelongToDepartments: once a department has members, only
// they sign off its review; a member signs off no other department.
func TestReviewersBelongToDepartments(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		tess := b.AddUser(t, "tess", []dossier.Role{dossier.RoleReviewer}, 0)
		b.AddUser(t, "rita", []dossier.Role{dossier.RoleReviewer}, 0)
		tessT, rita := b.SignIn(t, "tess"), b.SignIn(t, "rita")
		b.send(t, http.MethodPatch, "/api/v1/users/"+tess.ID, b.admin, `{"departments":["technical"]}`, http.StatusOK, nil)
		fa := b.newPO(t, map[string]any{"kind": "framework_agreement", "subtype": nil})
		b.fireOK(t, b.admin, fa.ID, `{"event":"submit"}`)
		review := func(token, dep string, want int) {
			t.Helper()
			resp := b.Do(t, http.MethodPost, "/api/v1/documents/"+fa.ID+"/reviews", token,
				strings.NewReader(`{"department":"`+dep+`","decision":"approve","comment":"ok"}`), "Content-Type", "application/json")
			if resp.StatusCode != want {
				t.Errorf("review %s: %d, want %d: %s", dep, resp.StatusCode, want, b.Body(t, resp))
			} else {
				b.Body(t, resp)
			}
		}
		review(tessT, "finance", http.StatusForbidden)  // not her department
		review(rita, "technical", http.StatusForbidden) // technical has a member now
		review(tessT, "technical", http.StatusCreated)
		review(rita, "finance", http.StatusCreated) // finance has no members yet: any reviewer
	})
}

// TestConcurrentUserChanges: admins changing one user at the same time never
// overwrite each other silently: each change is 200 and bumps the version,
// or 409.
func TestConcurrentUserChanges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		u := b.AddUser(t, "rita", []dossier.Role{dossier.RoleReviewer}, 0)
		const n = 8
		codes := make(chan int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp := b.Do(t, http.MethodPatch, "/api/v1/users/"+u.ID, b.admin,
					strings.NewReader(fmt.Sprintf(`{"display_name":"Rita %d"}`, i)), "Content-Type", "application/json")
				b.Body(t, resp)
				codes <- resp.StatusCode
			}()
		}
		wg.Wait()
		close(codes)
		ok := 0
		for c := range codes {
			switch c {
			case http.StatusOK:
				ok++
			case http.StatusConflict:
			default:
				t.Errorf("concurrent PATCH answered %d", c)
			}
		}
		var got dossier.User
		b.getJSON(t, b.admin, "/api/v1/users/"+u.ID, &got)
		if ok == 0 || got.Version != 1+ok {
			t.Errorf("%d changes succeeded but the version is %d", ok, got.Version)
		}
	})
}
