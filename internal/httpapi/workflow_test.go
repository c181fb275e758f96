package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
)

// fire posts an event and returns the response; headers are name, value pairs.
func (b *bundle) fire(t *testing.T, token, id, body string, headers ...string) *http.Response {
	t.Helper()
	return b.Do(t, http.MethodPost, "/api/v1/documents/"+id+"/events", token, strings.NewReader(body),
		append([]string{"Content-Type", "application/json"}, headers...)...)
}

func (b *bundle) fireOK(t *testing.T, token, id, body string) document {
	t.Helper()
	resp := b.fire(t, token, id, body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("fire %s: %d %s", body, resp.StatusCode, b.Body(t, resp))
	}
	var d document
	b.JSON(t, resp, &d)
	return d
}

const passReview = `{"event":"pass_review","payload":{"price_matches_quotation":true,"delivery_date_confirmed":true,"gpn_lpn_verified":true}}`

// TestPurchaseOrderThroughTheAPI drives a 150,000 EUR purchase order from
// upload to archive over HTTP and checks the statuses, the approvals panel,
// the history, the stamped rendition and the archive lock on the way.
func TestPurchaseOrderThroughTheAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		b.AddUser(t, "rita", []dossier.Role{dossier.RoleReviewer}, 0)
		b.AddUser(t, "alan", []dossier.Role{dossier.RoleApprover}, 1)
		b.AddUser(t, "bea", []dossier.Role{dossier.RoleApprover}, 2)
		b.AddUser(t, "auditor", []dossier.Role{dossier.RoleAuditor}, 0)
		rita, alan, bea, auditor := b.SignIn(t, "rita"), b.SignIn(t, "alan"), b.SignIn(t, "bea"), b.SignIn(t, "auditor")
		pdf := pdfOf(t, 2, "workflow")
		po := b.upload(t, "po.pdf", pdf, poMetadata(t, map[string]any{"amount": "150000.00"}))

		b.RequireProblem(t, b.fire(t, rita, po.ID, `{"event":"submit"}`), http.StatusForbidden)
		b.RequireProblem(t, b.fire(t, b.admin, po.ID, `{"event":"approve"}`), http.StatusForbidden)
		b.RequireProblem(t, b.fire(t, b.admin, po.ID, `{"event":"fly"}`), http.StatusUnprocessableEntity)
		b.RequireProblem(t, b.fire(t, b.admin, po.ID, `{"event":`), http.StatusBadRequest)
		b.RequireProblem(t, b.fire(t, b.admin, po.ID, `{"event":"submit"}`, "If-Match", `"7"`), http.StatusConflict)
		d := b.fireOK(t, b.admin, po.ID, `{"event":"submit","comment":"please check"}`)
		if d.State != "in_review" || d.Version != 2 {
			t.Fatalf("after submit: %s v%d", d.State, d.Version)
		}
		b.RequireProblem(t, b.fire(t, b.admin, po.ID, `{"event":"submit"}`), http.StatusConflict)
		resp := b.Do(t, http.MethodPatch, "/api/v1/documents/"+po.ID, b.admin, strings.NewReader(`{"amount":"5000000.00"}`),
			"Content-Type", "application/merge-patch+json", "If-Match", `"2"`)
		if p := b.RequireProblem(t, resp, http.StatusConflict); !strings.Contains(p.Detail, "amount") {
			t.Errorf("changing the amount after submission: detail %q", p.Detail)
		}
		p := b.RequireProblem(t, b.fire(t, rita, po.ID, `{"event":"pass_review","payload":{"price_matches_quotation":true}}`), http.StatusUnprocessableEntity)
		if !strings.Contains(p.Detail, "checklist") || !strings.Contains(p.Detail, "gpn_lpn_verified") {
			t.Errorf("checklist failure detail %q names neither the guard nor the item", p.Detail)
		}
		b.fireOK(t, rita, po.ID, passReview)

		var approvals struct {
			Required []int    `json:"required_levels"`
			Next     int      `json:"next_level"`
			Eligible []string `json:"eligible"`
		}
		b.getJSON(t, auditor, "/api/v1/documents/"+po.ID+"/approvals", &approvals)
		if len(approvals.Required) != 2 || approvals.Next != 1 || len(approvals.Eligible) != 2 {
			t.Fatalf("approvals before the first: %+v", approvals)
		}
		d = b.fireOK(t, alan, po.ID, `{"event":"approve"}`)
		if d.State != "pending_approval" {
			t.Fatalf("after level 1 of 2 the state is %s", d.State)
		}
		p = b.RequireProblem(t, b.fire(t, alan, po.ID, `{"event":"approve"}`), http.StatusUnprocessableEntity)
		if !strings.Contains(p.Detail, "doa") {
			t.Errorf("second approval by one person: detail %q does not name the doa guard", p.Detail)
		}
		d = b.fireOK(t, bea, po.ID, `{"event":"approve"}`)
		if d.State != "approved" {
			t.Fatalf("after both levels the state is %s", d.State)
		}
		stamped := b.waitForStamp(t, po.ID, "approved")
		if text := pdfText(t, stamped); !strings.Contains(text, po.ID) || !strings.Contains(text, "alan") ||
			!strings.Contains(text, "file "+po.File.SHA256[:12]) {
			t.Errorf("the stamped rendition's text lacks the id or the approver:\n%s", text)
		}
		if got := b.Body(t, b.Do(t, http.MethodGet, "/api/v1/documents/"+po.ID+"/content", b.admin, nil)); !bytes.Equal(got, pdf) {
			t.Error("stamping changed the original bytes")
		}

		d = b.fireOK(t, b.admin, po.ID, `{"event":"archive"}`)
		if d.State != "archived" || d.ArchivedAt == nil {
			t.Fatalf("after archive: %s, archived_at %v", d.State, d.ArchivedAt)
		}
		b.waitForStamp(t, po.ID, "archived")
		resp = b.Do(t, http.MethodPatch, "/api/v1/documents/"+po.ID, b.admin, strings.NewReader(`{"title":"changed"}`),
			"Content-Type", "application/merge-patch+json", "If-Match", `"`+itoa(d.Version)+`"`)
		b.RequireProblem(t, resp, http.StatusConflict)
		b.RequireProblem(t, b.Multipart(t, b.admin, "/api/v1/documents/"+po.ID+"/versions", "v2.pdf", pdfOf(t, 1, "v2"), ""), http.StatusConflict)
		b.waitForLock(t, po.File.SHA256)

		var history struct {
			Items []dossier.HistoryEntry      `json:"items"`
			Users map[string]dossier.UserName `json:"users"`
		}
		b.getJSON(t, auditor, "/api/v1/documents/"+po.ID+"/history", &history)
		for _, h := range history.Items {
			if n := history.Users[h.Actor]; n.Username == "" || n.DisplayName == "" {
				t.Errorf("history names no user for actor %s of %s: %+v", h.Actor, h.Event, history.Users)
			}
		}
		if n := history.Users[history.Items[len(history.Items)-2].Actor]; n.Username != "bea" || n.DisplayName != "Test bea" {
			t.Errorf("the second approver is named %+v, want bea", n)
		}
		var final struct {
			Approvals []dossier.Approval          `json:"approvals"`
			Users     map[string]dossier.UserName `json:"users"`
		}
		b.getJSON(t, auditor, "/api/v1/documents/"+po.ID+"/approvals", &final)
		if len(final.Approvals) != 2 || final.Users[final.Approvals[0].ApproverID].Username != "alan" {
			t.Errorf("approvals %+v name %+v, want alan first", final.Approvals, final.Users)
		}
		var events []string
		for _, h := range history.Items {
			events = append(events, h.Event)
		}
		if got := strings.Join(events, ","); got != "submit,pass_review,approve,approve,archive" {
			t.Errorf("history = %s", got)
		}
		var verify struct{ OK bool }
		b.getJSON(t, auditor, "/api/v1/audit/verify", &verify)
		if !verify.OK {
			t.Error("the audit chain does not verify after the workflow")
		}
	})
}

// waitForStamp waits for the background jobs, then returns the stamped
// rendition, which must show state.
func (b *bundle) waitForStamp(t *testing.T, id, state string) []byte {
	t.Helper()
	b.WaitJobs(t)
	resp := b.Do(t, http.MethodGet, "/api/v1/documents/"+id+"/content?rendition=stamped", b.admin, nil)
	body := b.Body(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(pdfText(t, body), "State: "+state) {
		t.Fatalf("no stamped rendition in state %s once the jobs ran (status %d)", state, resp.StatusCode)
	}
	return body
}

// waitForLock waits for the background jobs; the blob of sha must then be
// retained by the archive job.
func (b *bundle) waitForLock(t *testing.T, sha string) {
	t.Helper()
	b.WaitJobs(t)
	until, _, err := b.App.Blobs.Lock(t.Context(), sha)
	if err != nil {
		t.Fatal(err)
	}
	if !until.After(time.Now().AddDate(9, 0, 0)) {
		t.Fatalf("blob %s is not retained once the jobs ran (until %v)", sha, until)
	}
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return string(out)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestDelegationsFXAndLegalHold covers the admin side of the workflow API.
func TestDelegationsFXAndLegalHold(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		carl := b.AddUser(t, "carl", []dossier.Role{dossier.RoleApprover}, 2)
		dina := b.AddUser(t, "dina", []dossier.Role{dossier.RoleApprover}, 1)
		dinaToken := b.SignIn(t, "dina")
		json := func(s string) *strings.Reader { return strings.NewReader(s) }
		ct := []string{"Content-Type", "application/json"}

		today := time.Now().UTC().Format(time.DateOnly)
		resp := b.Do(t, http.MethodPost, "/api/v1/users/"+carl.ID+"/delegations", dinaToken,
			json(`{"to_user_id":"`+dina.ID+`","from":"`+today+`","until":"`+today+`"}`), ct...)
		b.RequireProblem(t, resp, http.StatusForbidden) // dina may not lend carl's authority
		resp = b.Do(t, http.MethodPost, "/api/v1/users/"+carl.ID+"/delegations", b.admin,
			json(`{"to_user_id":"`+dina.ID+`","from":"`+today+`","until":"`+today+`"}`), ct...)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("delegation: %d %s", resp.StatusCode, b.Body(t, resp))
		}
		resp = b.Do(t, http.MethodPost, "/api/v1/users/"+carl.ID+"/delegations", b.admin,
			json(`{"to_user_id":"`+dina.ID+`","from":"2026-05-02","until":"2026-05-01"}`), ct...)
		b.RequireProblem(t, resp, http.StatusUnprocessableEntity)

		resp = b.Do(t, http.MethodPut, "/api/v1/fx-rates/USD", b.admin, json(`{"rate_to_base":"0.9"}`), ct...)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("fx: %d %s", resp.StatusCode, b.Body(t, resp))
		}
		b.RequireProblem(t, b.Do(t, http.MethodPut, "/api/v1/fx-rates/USD", b.admin, json(`{"rate_to_base":"-1"}`), ct...), http.StatusUnprocessableEntity)
		b.RequireProblem(t, b.Do(t, http.MethodPut, "/api/v1/fx-rates/XYZ", b.admin, json(`{"rate_to_base":"1"}`), ct...), http.StatusUnprocessableEntity)
		b.RequireProblem(t, b.Do(t, http.MethodPut, "/api/v1/fx-rates/USD", dinaToken, json(`{"rate_to_base":"1"}`), ct...), http.StatusForbidden)

		po := b.newPO(t, map[string]any{"amount": "200000.00", "currency": "USD"}) // 180,000 EUR: levels 1 and 2
		b.RequireProblem(t, b.Do(t, http.MethodPost, "/api/v1/documents/"+po.ID+"/legal-hold", b.admin, json(`{"on":true}`), ct...), http.StatusUnprocessableEntity)
		resp = b.Do(t, http.MethodPost, "/api/v1/documents/"+po.ID+"/legal-hold", b.admin, json(`{"on":true,"reason":"dispute 2026-17"}`), ct...)
		var held document
		b.JSON(t, resp, &held)
		if !held.LegalHold || held.Version != po.Version+1 {
			t.Fatalf("legal hold: %+v", held.Document)
		}
		b.WaitJobs(t)
		if _, on, err := b.App.Blobs.Lock(t.Context(), po.File.SHA256); err != nil || !on {
			t.Fatalf("the blob is not held once the jobs ran: %v, %v", on, err)
		}
		resp = b.Do(t, http.MethodPost, "/api/v1/documents/"+po.ID+"/legal-hold", b.admin, json(`{"on":false,"reason":"settled"}`), ct...)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("clear hold: %d %s", resp.StatusCode, b.Body(t, resp))
		}
	})
}
