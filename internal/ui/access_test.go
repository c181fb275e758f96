package ui_test

import (
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/pdf/pdftest"
)

// pageRoute is one route of the pages and who may use it; nil roles: anyone
// signed in. Requests send an empty form, which changes nothing even for an
// allowed user: they get a page (2xx, 3xx or a 4xx that is not 403).
type pageRoute struct {
	method, path string
	public       bool
	roles        []dossier.Role
}

var (
	admin    = dossier.RoleAdmin
	auditor  = dossier.RoleAuditor
	reviewer = dossier.RoleReviewer
	liaison  = dossier.RoleBankLiaison
	approver = dossier.RoleApprover
)

var pageTable = []pageRoute{
	{"GET", "/", true, nil},
	{"GET", "/sign-in", true, nil},
	{"POST", "/sign-in", true, nil},
	{"POST", "/language", true, nil},
	{"POST", "/sign-out", false, nil},
	{"GET", "/inbox", false, nil},
	{"GET", "/inbox/count", false, nil},
	{"GET", "/documents", false, nil},
	{"POST", "/documents/views", false, nil},
	{"POST", "/documents/views/{id}/delete", false, nil},
	{"GET", "/upload", false, []dossier.Role{admin}},
	{"POST", "/upload", false, []dossier.Role{admin}},
	{"POST", "/upload/mt700", false, []dossier.Role{admin}},
	{"GET", "/documents/{id}", false, nil},
	{"GET", "/documents/{id}/download", false, nil},
	{"GET", "/documents/{id}/pages/{page}", false, nil},
	{"GET", "/documents/{id}/history", false, nil},
	{"GET", "/documents/{id}/approvals", false, nil},
	{"GET", "/documents/{id}/reviews", false, nil},
	{"GET", "/documents/{id}/versions", false, nil},
	{"GET", "/documents/{id}/links", false, nil},
	{"POST", "/documents/{id}/events", false, nil},
	{"POST", "/documents/{id}/metadata", false, []dossier.Role{admin}},
	{"POST", "/documents/{id}/versions", false, []dossier.Role{admin}},
	{"POST", "/documents/{id}/reviews", false, []dossier.Role{reviewer}},
	{"POST", "/documents/{id}/links", false, []dossier.Role{admin}},
	{"POST", "/documents/{id}/legal-hold", false, []dossier.Role{admin}},
	{"GET", "/search", false, nil},
	{"GET", "/documents/{id}/lc", false, nil},
	{"GET", "/documents/{id}/lc/check", false, nil},
	{"POST", "/documents/{id}/lc/amendments", false, []dossier.Role{admin, liaison}},
	{"POST", "/documents/{id}/lc/amendments/{amendment}", false, []dossier.Role{liaison}},
	{"GET", "/letters-of-credit", false, nil},
	{"POST", "/letters-of-credit", false, []dossier.Role{admin, liaison}},
	{"GET", "/audit", false, []dossier.Role{auditor, admin}},
	{"POST", "/audit/verify", false, []dossier.Role{auditor, admin}},
	{"POST", "/exports", false, []dossier.Role{auditor, admin}},
	{"GET", "/admin/users", false, []dossier.Role{admin, auditor}},
	{"POST", "/admin/users", false, []dossier.Role{admin}},
	{"GET", "/admin/users/{id}", false, []dossier.Role{admin, auditor}},
	{"POST", "/admin/users/{id}", false, []dossier.Role{admin}},
	{"POST", "/admin/users/{id}/grants/{grant}/confirm", false, []dossier.Role{admin}},
	{"POST", "/admin/users/{id}/grants/{grant}/cancel", false, []dossier.Role{admin}},
	{"POST", "/admin/users/{id}/delegations", false, []dossier.Role{admin}},
	{"POST", "/admin/users/{id}/delegations/{delegation}/revoke", false, []dossier.Role{admin}},
	{"GET", "/delegations", false, []dossier.Role{approver, admin}},
	{"POST", "/delegations", false, []dossier.Role{approver, admin}},
	{"POST", "/delegations/{delegation}/revoke", false, []dossier.Role{approver, admin}},
	{"GET", "/admin/fx-rates", false, nil},
	{"POST", "/admin/fx-rates", false, []dossier.Role{admin}},
	{"GET", "/admin/workflows", false, nil},
	{"GET", "/admin/workflows/{diagram}", false, nil},
	{"GET", "/admin/jobs", false, []dossier.Role{admin}},
	{"POST", "/admin/jobs/{job}/retry", false, []dossier.Role{admin}},
	{"POST", "/admin/jobs/{job}/dismiss", false, []dossier.Role{admin}},
}

// TestPageTableCoversRoutes keeps the table in step with ui.go.
func TestPageTableCoversRoutes(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("ui.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`e\.(GET|POST)\("([^"*]+)"`)
	var registered, table []string
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		registered = append(registered, m[1]+" "+regexp.MustCompile(`:(\w+)`).ReplaceAllString(m[2], "{$1}"))
	}
	for _, p := range pageTable {
		table = append(table, p.method+" "+p.path)
	}
	slices.Sort(registered)
	slices.Sort(table)
	if !slices.Equal(registered, table) {
		t.Fatalf("ui.go registers\n  %v\nthe table has\n  %v", registered, table)
	}
}

// TestPageAccess calls every page as nobody and as each role: nobody is
// sent to sign in, a role the page is not for gets the 403 page, the others
// get through. Refusals are pages, not JSON.
func TestPageAccess(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	roles := []dossier.Role{admin, reviewer, approver, liaison, auditor}
	browsers := map[dossier.Role]*browser{}
	for _, r := range roles {
		name := "user_" + string(r)
		s.AddUser(t, name, []dossier.Role{r}, map[bool]int{true: 1}[r == approver])
		browsers[r] = newBrowser(t, s)
		browsers[r].signIn(name)
	}
	_, body := browsers[admin].upload(map[string]string{"kind": string(dossier.KindOther), "title": "x"}, "x.pdf", pdftest.Make(t, 1, "x"))
	id := regexp.MustCompile(`"id":"([^"]+)"`).FindStringSubmatch(body)[1]
	for _, p := range pageTable {
		path := strings.ReplaceAll(p.path, "{id}", id)
		if p.path == "/sign-out" {
			continue // it would end the session the other rows use; TestSignInSetsASafeCookie signs out
		}
		anon := newBrowser(t, s)
		resp, _ := anon.do(p.method, path, strings.NewReader(""), "Content-Type", "application/x-www-form-urlencoded")
		switch {
		case p.public:
		case p.method == http.MethodGet && (resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in")):
			t.Errorf("%s %s without a session: %d to %q, want a redirect to sign in", p.method, p.path, resp.StatusCode, resp.Header.Get("Location"))
		case p.method == http.MethodPost && resp.StatusCode != http.StatusUnauthorized:
			t.Errorf("%s %s without a session: %d, want 401", p.method, p.path, resp.StatusCode)
		}
		for _, r := range roles {
			b := browsers[r]
			form := url.Values{"_csrf": {b.csrf}}
			resp, body := b.post(path, form)
			if p.method == http.MethodGet {
				resp, body = b.get(path)
			}
			allowed := p.public || p.roles == nil || slices.Contains(p.roles, r)
			if forbidden := resp.StatusCode == http.StatusForbidden; forbidden == allowed {
				t.Errorf("%s %s as %s: status %d, allowed %v: %.200s", p.method, p.path, r, resp.StatusCode, allowed, body)
			}
			if resp.StatusCode >= 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Errorf("%s %s as %s: a %d answered as %s, want a page", p.method, p.path, r, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if resp.StatusCode >= 500 {
				t.Errorf("%s %s as %s: status %d", p.method, p.path, r, resp.StatusCode)
			}
		}
	}
}
