package httpapi_test

import (
	"net/http"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
)

// TestHostilePeopleRequests: users, tokens and delegations, and the FX
// rates, with hostile bodies, ids and values.
func TestHostilePeopleRequests(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		ann := b.AddUser(t, "ann", []dossier.Role{dossier.RoleApprover}, 2)
		bob := b.AddUser(t, "bob", []dossier.Role{dossier.RoleApprover}, 2)
		admin := &b.admin
		post := func(path, body string) send { return as(admin, http.MethodPost, path, "", body) }
		user := func(body string) send { return post("/api/v1/users", body) }
		patchAnn := func(body string) send { return as(admin, http.MethodPatch, "/api/v1/users/"+ann.ID, "", body) }
		delegate := func(body string) send { return post("/api/v1/users/"+ann.ID+"/delegations", body) }
		fx := func(currency, body string) send {
			return as(admin, http.MethodPut, "/api/v1/fx-rates/"+currency, "", body)
		}
		garbage, huge, none := "'; DROP TABLE users; --", long(8000), ""
		const pw = `"password":"a long enough password"`
		runHostile(t, b, []hostile{
			{"user: malformed", user(`{"username":"x",`), http.StatusBadRequest, "JSON"},
			{"user: nested deep", user(`{"username":` + deepJSON(100000) + `}`), http.StatusBadRequest, "JSON"},
			{"user: unknown role", user(`{"username":"eve",` + pw + `,"roles":["root"]}`), http.StatusUnprocessableEntity, "root"},
			{"user: roles a string", user(`{"username":"eve",` + pw + `,"roles":"admin"}`), http.StatusBadRequest, "roles"},
			{"user: level 99", user(`{"username":"eve",` + pw + `,"roles":["approver"],"approval_level":99}`), http.StatusUnprocessableEntity, "level"},
			{"user: level -1", user(`{"username":"eve",` + pw + `,"roles":["approver"],"approval_level":-1}`), http.StatusUnprocessableEntity, "level"},
			{"user: level 1e100", user(`{"username":"eve",` + pw + `,"roles":["approver"],"approval_level":1e100}`), http.StatusBadRequest, "approval_level"},
			{"user: level 1.5", user(`{"username":"eve",` + pw + `,"roles":["approver"],"approval_level":1.5}`), http.StatusBadRequest, "approval_level"},
			{"user: name of 10000", user(jsonBody(`{"username":%q,`+pw+`,"roles":["auditor"]}`, long(10000))), http.StatusUnprocessableEntity, "username"},
			{"user: name with a slash", user(`{"username":"../root",` + pw + `,"roles":["auditor"]}`), http.StatusUnprocessableEntity, "username"},
			{"user: name with a space", user(`{"username":"a b",` + pw + `,"roles":["auditor"]}`), http.StatusUnprocessableEntity, "username"},
			{"user: empty name", user(`{"username":"",` + pw + `,"roles":["auditor"]}`), http.StatusUnprocessableEntity, "username"},
			{"user: short password", user(`{"username":"eve","password":"x","roles":["auditor"]}`), http.StatusUnprocessableEntity, "password"},
			{"user: password of 100000", user(jsonBody(`{"username":"eve","password":%q,"roles":["auditor"]}`, long(100000))), http.StatusUnprocessableEntity, "password"},
			{"user: the same name twice", user(`{"username":"ann",` + pw + `,"roles":["auditor"]}`), http.StatusConflict, "ann"},
			{"user: text/plain", as(admin, http.MethodPost, "/api/v1/users", "text/plain", "eve"), http.StatusUnsupportedMediaType, ""},
			{"user patch: unknown member", patchAnn(`{"is_root":true}`), http.StatusBadRequest, "is_root"},
			{"user patch: level 4", patchAnn(`{"approval_level":4}`), http.StatusUnprocessableEntity, "level"},
			{"user patch: unknown role", patchAnn(`{"roles":["god"]}`), http.StatusUnprocessableEntity, "god"},
			{"user patch: display name of 10000", patchAnn(jsonBody(`{"display_name":%q}`, long(10000))), http.StatusUnprocessableEntity, "display"},
			{"user patch: If-Match garbage", as(admin, http.MethodPatch, "/api/v1/users/"+ann.ID, "", `{"disabled":true}`, "If-Match", "abc"), http.StatusPreconditionFailed, ""},
			{"user patch: unknown user", as(admin, http.MethodPatch, "/api/v1/users/"+long(3000), "", `{"disabled":true}`), http.StatusNotFound, ""},
			{"user: unknown id", as(admin, http.MethodGet, "/api/v1/users/..%2F..%2Fetc%2Fpasswd", "", ""), http.StatusNotFound, ""},
			{"token: expires in -1 days", post("/api/v1/tokens", `{"name":"ci","expires_in_days":-1}`), http.StatusUnprocessableEntity, "expires_in_days"},
			{"token: expires in 1e12 days", post("/api/v1/tokens", `{"name":"ci","expires_in_days":1000000000000}`), http.StatusUnprocessableEntity, "expires_in_days"},
			{"token: expires in 2^63 days", post("/api/v1/tokens", `{"name":"ci","expires_in_days":9223372036854775807}`), http.StatusUnprocessableEntity, "expires_in_days"},
			{"token: expires a string", post("/api/v1/tokens", `{"name":"ci","expires_in_days":"never"}`), http.StatusBadRequest, "expires_in_days"},
			{"token: name of 10000", post("/api/v1/tokens", jsonBody(`{"name":%q}`, long(10000))), http.StatusUnprocessableEntity, "name"},
			{"token: unknown user", post("/api/v1/tokens", `{"name":"ci","user_id":"nobody"}`), http.StatusNotFound, ""},
			{"token: revoke unknown", as(admin, http.MethodDelete, "/api/v1/tokens/"+long(3000), "", ""), http.StatusNotFound, ""},
			{"delegation: impossible date", delegate(jsonBody(`{"to_user_id":%q,"from":"2026-02-30","until":"2026-03-10"}`, bob.ID)), http.StatusUnprocessableEntity, "from"},
			{"delegation: until before from", delegate(jsonBody(`{"to_user_id":%q,"from":"2026-03-10","until":"2026-03-01"}`, bob.ID)), http.StatusUnprocessableEntity, "until"},
			{"delegation: year 99999", delegate(jsonBody(`{"to_user_id":%q,"from":"2026-03-10","until":"99999-01-01"}`, bob.ID)), http.StatusUnprocessableEntity, "until"},
			{"delegation: to oneself", delegate(jsonBody(`{"to_user_id":%q,"from":"2026-03-01","until":"2026-03-10"}`, ann.ID)), http.StatusUnprocessableEntity, ""},
			{"delegation: to nobody", delegate(`{"to_user_id":"nobody","from":"2026-03-01","until":"2026-03-10"}`), http.StatusUnprocessableEntity, "to_user_id"},
			{"delegation: from a number", delegate(`{"to_user_id":"x","from":20260301,"until":"2026-03-10"}`), http.StatusBadRequest, "from"},
			{"delegation: revoke unknown", as(admin, http.MethodDelete, "/api/v1/users/"+ann.ID+"/delegations/"+long(3000), "", ""), http.StatusNotFound, ""},
			{"fx: rate abc", fx("USD", `{"rate_to_base":"abc"}`), http.StatusUnprocessableEntity, "rate"},
			{"fx: rate 0", fx("USD", `{"rate_to_base":"0"}`), http.StatusUnprocessableEntity, "rate"},
			{"fx: rate -1.2", fx("USD", `{"rate_to_base":"-1.2"}`), http.StatusUnprocessableEntity, "rate"},
			{"fx: rate 1e5", fx("USD", `{"rate_to_base":"1e5"}`), http.StatusUnprocessableEntity, "rate"},
			{"fx: rate of 400 digits", fx("USD", jsonBody(`{"rate_to_base":%q}`, "1."+repeatDigits(400))), http.StatusUnprocessableEntity, "rate"},
			{"fx: rate as a number", fx("USD", `{"rate_to_base":1.08}`), http.StatusBadRequest, "rate_to_base"},
			{"fx: rate missing", fx("USD", `{}`), http.StatusUnprocessableEntity, "rate"},
			{"fx: currency ZZZ", fx("ZZZ", `{"rate_to_base":"1.1"}`), http.StatusUnprocessableEntity, "ZZZ"},
			{"fx: currency EURO", fx("EURO", `{"rate_to_base":"1.1"}`), http.StatusUnprocessableEntity, "EURO"},
			{"fx: currency path traversal", fx("..%2F..%2Fetc", `{"rate_to_base":"1.1"}`), http.StatusUnprocessableEntity, ""},
			{"fx: currency of 3000", fx(long(3000), `{"rate_to_base":"1.1"}`), http.StatusUnprocessableEntity, ""},
			{"user: over 1 MiB", user(jsonBody(`{"username":"eve","password":%q,"roles":["auditor"]}`, long(1<<20))), http.StatusRequestEntityTooLarge, ""},
			{"fx: over 1 MiB", fx("USD", jsonBody(`{"rate_to_base":%q}`, long(1<<20))), http.StatusRequestEntityTooLarge, ""},
			{"auth: garbage token", as(&garbage, http.MethodGet, "/api/v1/me", "", ""), http.StatusUnauthorized, ""},
			{"auth: token of 8000", as(&huge, http.MethodGet, "/api/v1/me", "", ""), http.StatusUnauthorized, ""},
			{"auth: Basic scheme", as(&none, http.MethodGet, "/api/v1/me", "", "", "Authorization", "Basic YWRtaW46YWRtaW4="), http.StatusUnauthorized, ""},
			{"auth: admin route without a token", as(&none, http.MethodPost, "/api/v1/users", "", `{"username":"eve"}`), http.StatusUnauthorized, ""},
			{"fx: malformed", fx("USD", `{"rate_to_base":`), http.StatusBadRequest, "JSON"},
			{"fx: form-encoded", as(admin, http.MethodPut, "/api/v1/fx-rates/USD", "application/x-www-form-urlencoded", "rate_to_base=1.1"), http.StatusUnsupportedMediaType, ""},
		})
	})
}

// repeatDigits is n digits 1–9 repeated.
func repeatDigits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('1' + i%9)
	}
	return string(b)
}
