package ui_test

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/evidence"
	"dossier/internal/pdf/pdftest"
)

// An auditor narrows a search and takes the documents it found away as a
// signed archive that verifies with the service's key; an approver is
// offered no such button and is refused the export; a search that finds
// nothing exports nothing.
func TestEvidenceExportFromTheSearchPage(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "ada", []dossier.Role{dossier.RoleAdmin}, 0)
	s.AddUser(t, "aud", []dossier.Role{dossier.RoleAuditor}, 0)
	s.AddUser(t, "app", []dossier.Role{dossier.RoleApprover}, 1)
	admin := newBrowser(t, s)
	admin.signIn("ada")
	for _, title := range []string{"Tooling contract Weissach", "Framework agreement Lyon"} {
		if resp, body := admin.upload(map[string]string{"kind": string(dossier.KindOther), "title": title}, "f.pdf", pdftest.Make(t, 1, title)); resp.StatusCode != http.StatusCreated {
			t.Fatalf("upload %s: %d %s", title, resp.StatusCode, body)
		}
	}
	s.WaitJobs(t)

	aud := newBrowser(t, s)
	aud.signIn("aud")
	_, page := aud.get("/search?q=Weissach&sort=-date")
	m := regexp.MustCompile(`name="filter" value="([^"]*)"`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `data-test="export"`) {
		t.Fatalf("the auditor's search page offers no export: %s", page)
	}
	filter := html.UnescapeString(m[1])
	if filter != "q=Weissach" {
		t.Errorf("export filter %q; want the search's words without its sort", filter)
	}
	resp, zip := aud.post("/exports", url.Values{"_csrf": {aud.csrf}, "filter": {filter}})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "dossier-evidence-") {
		t.Fatalf("export: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	rep := evidence.Verify(bytes.NewReader([]byte(zip)), int64(len(zip)), s.App.Key.Public())
	if !rep.OK() || rep.Documents != 1 || rep.Files != 1 {
		t.Fatalf("the archive: %+v; want one document with its file, intact", rep)
	}

	if resp, page := aud.post("/exports", url.Values{"_csrf": {aud.csrf}, "filter": {"q=nosuchwordanywhere"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "<html") {
		t.Errorf("an export of nothing: %d; want 422 as a page", resp.StatusCode)
	}
	if resp, _ := aud.post("/exports", url.Values{"filter": {filter}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an export without the CSRF token: %d, want 403", resp.StatusCode)
	}

	app := newBrowser(t, s)
	app.signIn("app")
	if _, page := app.get("/search?q=Weissach"); strings.Contains(page, `data-test="export"`) {
		t.Error("an approver is offered the evidence export")
	}
	if resp, _ := app.post("/exports", url.Values{"_csrf": {app.csrf}, "filter": {filter}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an approver's export: %d, want 403", resp.StatusCode)
	}
}
