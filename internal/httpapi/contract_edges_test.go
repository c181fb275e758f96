package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
)

// TestContractEdges sends the requests the other tests leave out and whose
// answers are most likely to drift from the document: empty collections
// (null against an array), optional members (a DOA error, a review), and the
// success answers no other test reaches. The contract check of setup
// validates every answer; the test itself asserts the statuses.
func TestContractEdges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		b.AddUser(t, "rita", []dossier.Role{dossier.RoleReviewer}, 0)
		b.AddUser(t, "audrey", []dossier.Role{dossier.RoleAuditor}, 0)
		rita, audrey := b.SignIn(t, "rita"), b.SignIn(t, "audrey")

		status := func(method, path, token, body string, want int) {
			t.Helper()
			var resp *http.Response
			if body == "" {
				resp = b.Do(t, method, path, token, nil)
			} else {
				resp = b.Do(t, method, path, token, strings.NewReader(body))
			}
			if got := b.Body(t, resp); resp.StatusCode != want {
				t.Errorf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, got)
			}
		}

		// Empty collections, before anything exists.
		status(http.MethodGet, "/api/v1/fx-rates", audrey, "", http.StatusOK)
		status(http.MethodPut, "/api/v1/fx-rates/eur", b.admin, `{"rate_to_base":"1.1"}`, http.StatusUnprocessableEntity) // the base is 1
		status(http.MethodGet, "/api/v1/inbox", audrey, "", http.StatusOK)
		status(http.MethodGet, "/api/v1/documents", audrey, "", http.StatusOK)
		status(http.MethodGet, "/api/v1/search?q=nothing", audrey, "", http.StatusOK)
		status(http.MethodGet, "/api/v1/jobs/parked", b.admin, "", http.StatusOK)
		status(http.MethodGet, "/api/v1/audit?document_id=none", audrey, "", http.StatusOK)
		status(http.MethodGet, "/api/v1/workflows/nothing", audrey, "", http.StatusNotFound)

		// A framework agreement has department reviews: a fresh one has no
		// history, links or approvals yet; a review answers 201.
		fa := b.newPO(t, map[string]any{"kind": "framework_agreement", "subtype": nil})
		for _, sub := range []string{"history", "links", "versions", "approvals"} {
			status(http.MethodGet, "/api/v1/documents/"+fa.ID+"/"+sub, audrey, "", http.StatusOK)
		}
		b.fireOK(t, b.admin, fa.ID, `{"event":"submit"}`)
		status(http.MethodPost, "/api/v1/documents/"+fa.ID+"/reviews", rita,
			`{"department":"technical","decision":"approve","comment":"drawings match"}`, http.StatusCreated)
		status(http.MethodGet, "/api/v1/documents/"+fa.ID+"/history", audrey, "", http.StatusOK)
		status(http.MethodGet, "/api/v1/documents/"+fa.ID+"/approvals", audrey, "", http.StatusOK)
		status(http.MethodGet, "/api/v1/inbox", rita, "", http.StatusOK)

		// An amount in a currency without an FX rate: the approvals panel
		// carries an error instead of levels.
		gbp := b.newPO(t, map[string]any{"currency": "GBP"})
		status(http.MethodGet, "/api/v1/documents/"+gbp.ID+"/approvals", audrey, "", http.StatusOK)
		status(http.MethodPut, "/api/v1/fx-rates/GBP", b.admin, `{"rate_to_base":"1.1700"}`, http.StatusOK)
		status(http.MethodGet, "/api/v1/documents/"+gbp.ID+"/approvals", audrey, "", http.StatusOK)
		status(http.MethodGet, "/api/v1/fx-rates", audrey, "", http.StatusOK)

		status(http.MethodGet, "/api/v1/search?q=brake&kind=purchase_order", audrey, "", http.StatusOK)
		status(http.MethodGet, "/api/v1/audit/verify", audrey, "", http.StatusOK)
		status(http.MethodGet, "/api/v1/users", b.admin, "", http.StatusOK)
		status(http.MethodDelete, "/api/v1/session", rita, "", http.StatusNoContent)
	})
}
