package httpapi_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/config"
	"dossier/internal/dossier"
	"dossier/workflows"
)

// TestNewKindFromTheWorkflowsDirectory adds a kind the product does not ship
// (non-disclosure agreements, with states and events of their own) through
// DOSSIER_WORKFLOWS_DIR alone, uploads one and takes it through review and
// approval to the archive: no Go code knows the kind, its states or events.
func TestNewKindFromTheWorkflowsDirectory(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		dir := t.TempDir()
		if err := os.CopyFS(dir, workflows.FS); err != nil {
			t.Fatal(err)
		}
		nda, err := os.ReadFile(filepath.Join("..", "workflow", "testdata", "nda", "nda.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "nda.yaml"), nda, 0o644); err != nil {
			t.Fatal(err)
		}
		b := setup(t, be, func(c *config.Config) { c.WorkflowsDir = dir })
		b.AddUser(t, "alan", []dossier.Role{dossier.RoleApprover}, 1)
		alan := b.SignIn(t, "alan")

		var def struct {
			Kind      string   `json:"kind"`
			Immutable []string `json:"immutable"`
		}
		b.getJSON(t, alan, "/api/v1/workflows/nda", &def)
		if def.Kind != "nda" || strings.Join(def.Immutable, ",") != "filed" {
			t.Fatalf("GET /workflows/nda = %+v", def)
		}

		meta := `{"kind":"nda","subtype":"mutual","title":"NDA Borealis tooling","customer":"Borealis",` +
			`"amount":"50000","currency":"EUR","fields":{"term_months":24}}`
		// The kind's own rules apply: its required metadata and typed fields.
		for _, bad := range []struct{ meta, want string }{
			{strings.Replace(meta, `"customer":"Borealis",`, "", 1), "a nda needs customer"},
			{strings.Replace(meta, `"term_months":24`, `"term_months":"two years"`, 1), "fields.term_months"},
			{strings.Replace(meta, `"subtype":"mutual"`, `"subtype":"serial"`, 1), "use one of mutual, one_way"},
		} {
			p := b.RequireProblem(t, b.Upload(t, b.admin, "nda.pdf", pdfOf(t, 1, "nda"), bad.meta), http.StatusUnprocessableEntity)
			if !strings.Contains(p.Detail, bad.want) {
				t.Errorf("upload refused with %q, want %q", p.Detail, bad.want)
			}
		}
		d := b.upload(t, "nda.pdf", pdfOf(t, 1, "nda"), meta)
		if d.State != "drafted" || strings.Join(d.AllowedEvents, ",") != "hand_over" {
			t.Fatalf("new nda: state %s, allowed %v", d.State, d.AllowedEvents)
		}
		b.fireOK(t, b.admin, d.ID, `{"event":"hand_over"}`)
		// Segregation of duties comes from the kind's involved list.
		b.AddUser(t, "both", []dossier.Role{dossier.RoleReviewer, dossier.RoleApprover}, 3)
		both := b.SignIn(t, "both")
		b.fireOK(t, both, d.ID, `{"event":"clear_legal","payload":{"confidentiality_scope_ok":true}}`)
		if p := b.RequireProblem(t, b.fire(t, both, d.ID, `{"event":"sign_off"}`), http.StatusUnprocessableEntity); !strings.Contains(p.Detail, "checked") {
			t.Errorf("the legal checker signs off: %q, want a refusal naming what they did", p.Detail)
		}
		got := b.fireOK(t, alan, d.ID, `{"event":"sign_off"}`)
		if got.State != "cleared" {
			t.Fatalf("after sign_off: %s", got.State)
		}
		got = b.fireOK(t, b.admin, d.ID, `{"event":"file"}`)
		if got.State != "filed" || got.ArchivedAt == nil {
			t.Fatalf("after file: %s, archived_at %v", got.State, got.ArchivedAt)
		}
		// Filed is declared immutable: no edit, no new version.
		resp := b.Do(t, http.MethodPatch, "/api/v1/documents/"+d.ID, b.admin, strings.NewReader(`{"title":"changed"}`),
			"Content-Type", "application/merge-patch+json", "If-Match", `"`+itoa(got.Version)+`"`)
		b.RequireProblem(t, resp, http.StatusConflict)
		b.RequireProblem(t, b.Multipart(t, b.admin, "/api/v1/documents/"+d.ID+"/versions", "v2.pdf", pdfOf(t, 1, "v2"), ""), http.StatusConflict)
		b.waitForLock(t, d.File.SHA256)
	})
}

// TestEditedTitleIsFound: an edit reaches the search index like every other
// change.
func TestEditedTitleIsFound(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		po := b.newPO(t, nil)
		b.waitForSearch(t, "q=brake", func(r searchResponse) bool { return hasHit(r, po.ID) })
		resp := b.Do(t, http.MethodPatch, "/api/v1/documents/"+po.ID, b.admin, strings.NewReader(`{"title":"PO 4500012345 zirconia rotors"}`),
			"Content-Type", "application/merge-patch+json", "If-Match", `"`+itoa(po.Version)+`"`)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("PATCH: %d %s", resp.StatusCode, b.Body(t, resp))
		}
		res := b.waitForSearch(t, "q=zirconia", func(r searchResponse) bool { return hasHit(r, po.ID) })
		if res.Hits[0].Title != "PO 4500012345 zirconia rotors" {
			t.Errorf("hit title %q", res.Hits[0].Title)
		}
	})
}
