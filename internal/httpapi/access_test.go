package httpapi_test

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
)

// who may call a route.
type who int

const (
	anyone   who = iota // public: no token needed
	signedIn            // any signed-in user
	only                // the roles listed
)

// route is one entry of the access table: SPEC §11's "who" column. In
// paths, {id} is an existing document, {user} an approver, {currency} and
// {kind} valid values. The table's requests carry bodies that change nothing
// even for an allowed caller ({} unless body says otherwise).
type route struct {
	method, path string
	who          who
	roles        []dossier.Role
	body         string
}

var (
	admin    = dossier.RoleAdmin
	auditor  = dossier.RoleAuditor
	reviewer = dossier.RoleReviewer
	approver = dossier.RoleApprover
)

// accessTable lists every route of routes.go; TestAccessTableCoversRoutes
// keeps the two in step.
var accessTable = []route{
	{http.MethodGet, "/healthz", anyone, nil, ""},
	{http.MethodGet, "/readyz", anyone, nil, ""},
	{http.MethodGet, "/metrics", anyone, nil, ""},
	{http.MethodGet, "/api/openapi.json", anyone, nil, ""},
	{http.MethodPost, "/api/v1/session", anyone, nil, ""},
	{http.MethodDelete, "/api/v1/session", signedIn, nil, ""},
	{http.MethodGet, "/api/v1/me", signedIn, nil, ""},
	{http.MethodPost, "/api/v1/users", only, []dossier.Role{admin}, ""},
	{http.MethodGet, "/api/v1/users", only, []dossier.Role{admin, auditor}, ""},
	// The user in the path is the approver: they, admins and auditors read.
	{http.MethodGet, "/api/v1/users/{user}", only, []dossier.Role{approver, admin, auditor}, ""},
	{http.MethodPatch, "/api/v1/users/{user}", only, []dossier.Role{admin}, ""},
	{http.MethodGet, "/api/v1/grants", only, []dossier.Role{admin, auditor}, ""},
	{http.MethodGet, "/api/v1/users/{user}/grants", only, []dossier.Role{approver, admin, auditor}, ""},
	{http.MethodPost, "/api/v1/users/{user}/grants/{grant}/confirm", only, []dossier.Role{admin}, ""},
	{http.MethodDelete, "/api/v1/users/{user}/grants/{grant}", only, []dossier.Role{admin}, ""},
	{http.MethodPost, "/api/v1/tokens", signedIn, nil, ""},
	{http.MethodGet, "/api/v1/tokens", signedIn, nil, ""},
	{http.MethodDelete, "/api/v1/tokens/{token}", signedIn, nil, ""},
	{http.MethodPost, "/api/v1/users/{user}/delegations", only, []dossier.Role{approver, admin}, ""},
	// The user in the path is the approver: they, admins and auditors read.
	{http.MethodGet, "/api/v1/users/{user}/delegations", only, []dossier.Role{approver, admin, auditor}, ""},
	{http.MethodDelete, "/api/v1/users/{user}/delegations/{delegation}", only, []dossier.Role{approver, admin}, ""},
	{http.MethodPut, "/api/v1/fx-rates/{currency}", only, []dossier.Role{admin}, ""},
	{http.MethodGet, "/api/v1/letters-of-credit", signedIn, nil, ""},
	{http.MethodGet, "/api/v1/notifications", signedIn, nil, ""},
	{http.MethodGet, "/api/v1/documents/{id}/presentation-check", signedIn, nil, ""},
	// {id} is a purchase order: an allowed caller gets 422, and nothing is recorded.
	{http.MethodPost, "/api/v1/documents/{id}/amendments", only, []dossier.Role{admin, dossier.RoleBankLiaison}, "not a SWIFT message"},
	{http.MethodGet, "/api/v1/documents/{id}/amendments", signedIn, nil, ""},
	{http.MethodPost, "/api/v1/documents/{id}/amendments/{amendment}/accept", only, []dossier.Role{dossier.RoleBankLiaison}, ""},
	{http.MethodPost, "/api/v1/documents/{id}/amendments/{amendment}/reject", only, []dossier.Role{dossier.RoleBankLiaison}, ""},
	// A message that is no MT700: an allowed caller gets 422, and nothing is made.
	{http.MethodPost, "/api/v1/letters-of-credit/mt700", only, []dossier.Role{admin, dossier.RoleBankLiaison}, "not a SWIFT message"},
	{http.MethodGet, "/api/v1/fx-rates", signedIn, nil, ""},
	{http.MethodGet, "/api/v1/workflows", signedIn, nil, ""},
	{http.MethodGet, "/api/v1/workflows/{kind}", signedIn, nil, ""},
	{http.MethodGet, "/api/v1/inbox", signedIn, nil, ""},
	{http.MethodGet, "/api/v1/search", signedIn, nil, ""},
	{http.MethodGet, "/api/v1/views", signedIn, nil, ""},
	// A view without a name: an allowed caller gets 400, and nothing is saved.
	{http.MethodPost, "/api/v1/views", signedIn, nil, ""},
	// {id} is a document, no view: an allowed caller gets 404.
	{http.MethodDelete, "/api/v1/views/{id}", signedIn, nil, ""},
	{http.MethodGet, "/api/v1/jobs/parked", only, []dossier.Role{admin}, ""},
	{http.MethodPost, "/api/v1/jobs/{job}/retry", only, []dossier.Role{admin}, ""},
	{http.MethodDelete, "/api/v1/jobs/{job}", only, []dossier.Role{admin}, ""},
	{http.MethodPost, "/api/v1/documents", only, []dossier.Role{admin}, ""},
	{http.MethodGet, "/api/v1/documents", signedIn, nil, ""},
	{http.MethodGet, "/api/v1/documents/{id}", signedIn, nil, ""},
	{http.MethodPatch, "/api/v1/documents/{id}", only, []dossier.Role{admin}, ""},
	{http.MethodGet, "/api/v1/documents/{id}/content", signedIn, nil, ""},
	{http.MethodGet, "/api/v1/documents/{id}/pages/{page}", signedIn, nil, ""},
	{http.MethodPost, "/api/v1/documents/{id}/versions", only, []dossier.Role{admin}, ""},
	{http.MethodGet, "/api/v1/documents/{id}/versions", signedIn, nil, ""},
	{http.MethodPost, "/api/v1/documents/{id}/links", only, []dossier.Role{admin}, ""},
	{http.MethodGet, "/api/v1/documents/{id}/links", signedIn, nil, ""},
	// Who may fire which event is the workflow's business; an event that does
	// not exist is refused to everyone who is signed in, and changes nothing.
	{http.MethodPost, "/api/v1/documents/{id}/events", signedIn, nil, `{"event":"no_such_event"}`},
	{http.MethodGet, "/api/v1/documents/{id}/history", signedIn, nil, ""},
	{http.MethodGet, "/api/v1/documents/{id}/reviews", signedIn, nil, ""},
	{http.MethodGet, "/api/v1/documents/{id}/approvals", signedIn, nil, ""},
	{http.MethodPost, "/api/v1/documents/{id}/reviews", only, []dossier.Role{reviewer}, ""},
	{http.MethodPost, "/api/v1/documents/{id}/legal-hold", only, []dossier.Role{admin}, ""},
	{http.MethodGet, "/api/v1/audit", only, []dossier.Role{auditor, admin}, ""},
	{http.MethodGet, "/api/v1/audit/verify", only, []dossier.Role{auditor, admin}, ""},
	{http.MethodPost, "/api/v1/audit/checkpoints", only, []dossier.Role{admin}, ""},
	{http.MethodGet, "/api/v1/audit/key", anyone, nil, ""},
	// An empty selection: an allowed caller gets 400, and nothing is exported.
	{http.MethodPost, "/api/v1/exports", only, []dossier.Role{auditor, admin}, ""},
	{http.MethodGet, "/api/v1/retention", only, []dossier.Role{admin, auditor}, ""},
}

// pathOf fills in the placeholders of a table path.
func pathOf(path, docID, userID string) string {
	return strings.NewReplacer("{id}", docID, "{user}", userID, "{currency}", "USD", "{kind}", "purchase_order", "{delegation}", "01J0000000000000000000NONE", "{grant}", "01J0000000000000000000NONE", "{token}", "01J0000000000000000000NONE", "{amendment}", "01J0000000000000000000NONE", "{job}", "999999999", "{page}", "1").Replace(path)
}

// TestAccessTableCoversRoutes reads the routes registered in routes.go, so
// that a new route cannot escape the access test.
func TestAccessTableCoversRoutes(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\b(e|api)\.(GET|POST|PUT|PATCH|DELETE)\("([^"]+)"`)
	var registered []string
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		path := m[3]
		if m[1] == "api" {
			path = "/api/v1" + path
		}
		path = regexp.MustCompile(`:(\w+)`).ReplaceAllString(path, "{$1}")
		registered = append(registered, m[2]+" "+path)
	}
	if len(registered) < 10 {
		t.Fatalf("found only %d routes in routes.go: the pattern no longer matches how routes are written", len(registered))
	}
	var table []string
	for _, r := range accessTable {
		path := strings.Replace(r.path, "users/{user}", "users/{id}", 1)
		table = append(table, r.method+" "+strings.Replace(path, "tokens/{token}", "tokens/{id}", 1))
	}
	for _, r := range registered {
		if !slices.Contains(table, r) {
			t.Errorf("route %s is not in accessTable: add it with who may call it", r)
		}
	}
	for _, r := range table {
		if !slices.Contains(registered, r) {
			t.Errorf("accessTable lists %s, which routes.go does not register", r)
		}
	}
}

// TestAccess calls every route as every role and as nobody: anonymous calls
// of non-public routes get 401, roles without access 403, the others neither.
func TestAccess(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		d := b.newPO(t, nil)
		tokens := map[string]string{"anonymous": ""}
		users := map[string]string{}
		for _, r := range dossier.AllRoles {
			name := "as-" + strings.ReplaceAll(string(r), "_", "-")
			level := 0
			if r == dossier.RoleApprover {
				level = 2
			}
			users[string(r)] = b.AddUser(t, name, []dossier.Role{r}, level).ID
			tokens[string(r)] = b.SignIn(t, name)
		}
		callers := append([]string{"anonymous"}, rolesOf(dossier.AllRoles)...)
		for _, rt := range accessTable {
			path := pathOf(rt.path, d.ID, users[string(dossier.RoleApprover)])
			for _, caller := range callers {
				t.Run(fmt.Sprintf("%s %s as %s", rt.method, rt.path, caller), func(t *testing.T) {
					token := tokens[caller]
					if rt.method == http.MethodDelete && rt.path == "/api/v1/session" && caller != "anonymous" {
						token = b.SignIn(t, "as-"+strings.ReplaceAll(caller, "_", "-")) // keep the shared token alive
					}
					var resp *http.Response
					switch {
					case rt.body != "":
						resp = b.Do(t, rt.method, path, token, strings.NewReader(rt.body))
					case rt.method == http.MethodGet || rt.method == http.MethodDelete:
						resp = b.Do(t, rt.method, path, token, nil)
					default:
						resp = b.Do(t, rt.method, path, token, strings.NewReader("{}"))
					}
					allowed := rt.who == anyone || (rt.who == signedIn && caller != "anonymous") ||
						slices.Contains(rt.roles, dossier.Role(caller))
					switch {
					case rt.who != anyone && caller == "anonymous":
						b.RequireProblem(t, resp, http.StatusUnauthorized)
						if resp.Header.Get("WWW-Authenticate") == "" {
							t.Errorf("401 without WWW-Authenticate")
						}
					case !allowed:
						b.RequireProblem(t, resp, http.StatusForbidden)
					default:
						body := b.Body(t, resp)
						if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden || resp.StatusCode >= 500 {
							t.Errorf("status %d for an allowed caller: %s", resp.StatusCode, body)
						}
					}
				})
			}
		}
		// The requests changed nothing: the document is as uploaded.
		var got document
		if b.getJSON(t, b.admin, "/api/v1/documents/"+d.ID, &got); got.Version != 1 || got.State != "received" || got.LegalHold {
			t.Errorf("the access requests changed the document: %+v", got)
		}
	})
}

func rolesOf(roles []dossier.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

// auditorAttempts are requests that would change something if an allowed
// caller sent them; path placeholders as in accessTable.
var auditorAttempts = map[string]string{
	"POST /api/v1/users":                    `{"username":"mallory","password":"mallory-password","roles":["admin"]}`,
	"POST /api/v1/users/{user}/delegations": `{"to_user_id":"{auditor}","from":"2026-01-01","until":"2026-12-31"}`,
	"PATCH /api/v1/users/{user}":            `{"approval_level":3}`,
	// The grant does not exist: an auditor is refused before that matters.
	"POST /api/v1/users/{user}/grants/{grant}/confirm":          "",
	"DELETE /api/v1/users/{user}/grants/{grant}":                "",
	"PUT /api/v1/fx-rates/{currency}":                           `{"rate_to_base":"1.0834"}`,
	"POST /api/v1/documents/{id}/amendments":                    ":20:LC1\n:21:X\n:30:260101\n",
	"POST /api/v1/documents/{id}/amendments/{amendment}/accept": "",
	"POST /api/v1/documents/{id}/amendments/{amendment}/reject": "",
	"POST /api/v1/letters-of-credit/mt700":                      ":20:LC1\n:32B:EUR1000,\n",
	"PATCH /api/v1/documents/{id}":                              `{"title":"changed by an auditor"}`,
	"POST /api/v1/documents/{id}/links":                         `{"target_id":"{id}","relation":"related"}`,
	"POST /api/v1/documents/{id}/events":                        `{"event":"submit","comment":"an auditor submits"}`,
	"POST /api/v1/documents/{id}/reviews":                       `{"department":"finance","decision":"approve","comment":"ok"}`,
	"POST /api/v1/documents/{id}/legal-hold":                    `{"on":true,"reason":"an auditor holds"}`,
	"POST /api/v1/documents":                                    "multipart",
	"POST /api/v1/documents/{id}/versions":                      "multipart",
	// The delegation does not exist: an auditor is refused before that matters.
	"DELETE /api/v1/users/{user}/delegations/{delegation}": "",
	"POST /api/v1/jobs/{job}/retry":                        "",
	"DELETE /api/v1/jobs/{job}":                            "",
	"POST /api/v1/audit/checkpoints":                       "",
}

// TestAuditorsChangeNothing: every state-changing route except signing out is
// 403 for an auditor, even with a request that would succeed for an admin,
// and the trail shows nothing done by the auditor but signing in.
func TestAuditorsChangeNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		d := b.newPO(t, nil)
		approverID := b.AddUser(t, "approver", []dossier.Role{dossier.RoleApprover}, 1).ID
		aud := b.AddUser(t, "auditor", []dossier.Role{dossier.RoleAuditor}, 0)
		token := b.SignIn(t, "auditor")
		for _, rt := range accessTable {
			// Their own credentials they manage, like signing in and out, and
			// their own saved views of the documents list, which record nothing
			// of the business.
			ownCredentials := rt.path == "/api/v1/session" || strings.HasPrefix(rt.path, "/api/v1/tokens") ||
				strings.HasPrefix(rt.path, "/api/v1/views")
			// Exporting evidence reads; it is the auditors' own work.
			if rt.method == http.MethodGet || rt.who == anyone || ownCredentials || slices.Contains(rt.roles, auditor) {
				continue
			}
			key := rt.method + " " + rt.path
			body, ok := auditorAttempts[key]
			if !ok {
				t.Errorf("%s changes state but auditorAttempts has no request for it", key)
				continue
			}
			path := pathOf(rt.path, d.ID, approverID)
			var resp *http.Response
			if body == "multipart" {
				resp = b.Multipart(t, token, path, "a.pdf", pdfOf(t, 1, "auditor"), poMetadata(t, nil))
			} else {
				body = strings.NewReplacer("{id}", d.ID, "{auditor}", aud.ID).Replace(body)
				resp = b.Do(t, rt.method, path, token, strings.NewReader(body), "If-Match", `"1"`)
			}
			b.RequireProblem(t, resp, http.StatusForbidden)
		}
		var got document
		if b.getJSON(t, token, "/api/v1/documents/"+d.ID, &got); got.Version != 1 || got.Title != d.Title || got.State != "received" || got.LegalHold {
			t.Errorf("the document changed: %+v", got)
		}
		var trail auditPage
		b.getJSON(t, b.admin, "/api/v1/audit?actor="+aud.ID, &trail)
		if got := actionsOf(trail.Items); !slices.Equal(got, []string{"session.create"}) {
			t.Errorf("the auditor's trail is %v, want only [session.create]", got)
		}
		if resp := b.Do(t, http.MethodDelete, "/api/v1/session", token, nil); resp.StatusCode != http.StatusNoContent {
			t.Errorf("an auditor signing out: status %d, want 204", resp.StatusCode)
		}
	})
}

// TestBadTokens: a token that is not one, or no longer one, is 401 on a
// protected route and ignored on a public one.
func TestBadTokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		old := b.SignIn(t, "admin")
		if resp := b.Do(t, http.MethodDelete, "/api/v1/session", old, nil); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("sign out: status %d", resp.StatusCode)
		}
		for _, tc := range []struct{ name, authorization string }{
			{"random", "Bearer 3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
			{"signed out", "Bearer " + old},
			{"garbage", "Bearer !!not a token!!"},
			{"very long", "Bearer " + strings.Repeat("A", 4096)},
			{"token without scheme", b.admin},
			{"basic auth", "Basic YWRtaW46YWRtaW4tcGFzc3dvcmQ="},
			{"empty bearer", "Bearer "},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp := b.Do(t, http.MethodGet, "/api/v1/me", "", nil, "Authorization", tc.authorization)
				b.RequireProblem(t, resp, http.StatusUnauthorized)
				resp = b.Do(t, http.MethodGet, "/healthz", "", nil, "Authorization", tc.authorization)
				if resp.StatusCode != http.StatusOK {
					t.Errorf("GET /healthz with a bad token: status %d, want 200", resp.StatusCode)
				}
			})
		}
		if resp := b.Do(t, http.MethodGet, "/api/v1/me", b.admin, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("the admin's own token: status %d, want 200", resp.StatusCode)
		}
	})
}
