package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"dossier/internal/apptest"
)

// TestEventIfMatchZeroIsStale: If-Match "0" is given, and no document is at
// version 0, so the event is refused like any other stale version, not fired
// as if If-Match were absent.
func TestEventIfMatchZeroIsStale(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		po := b.newPO(t, nil)
		for _, ifMatch := range []string{`"0"`, `0`, `"2"`} {
			b.RequireProblem(t, b.fire(t, b.admin, po.ID, `{"event":"submit"}`, "If-Match", ifMatch), http.StatusConflict)
		}
		var got document
		b.getJSON(t, b.admin, "/api/v1/documents/"+po.ID, &got)
		if got.Version != 1 || got.State != po.State {
			t.Fatalf("after stale If-Match events: %s v%d, want %s v1 (nothing fired)", got.State, got.Version, po.State)
		}
		resp := b.fire(t, b.admin, po.ID, `{"event":"submit"}`, "If-Match", `"1"`)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf(`submit with If-Match "1": %d %s`, resp.StatusCode, b.Body(t, resp))
		}
	})
}

// TestIfMatchWeakTagNeverMatches: If-Match uses the strong comparison (RFC
// 9110 §13.1.1), so W/"1" does not match version 1, on PATCH or on events.
func TestIfMatchWeakTagNeverMatches(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		po := b.newPO(t, nil)
		path := "/api/v1/documents/" + po.ID
		resp := b.Do(t, http.MethodPatch, path, b.admin, strings.NewReader(`{"title":"weak edit"}`),
			"Content-Type", "application/merge-patch+json", "If-Match", `W/"1"`)
		if p := b.RequireProblem(t, resp, http.StatusPreconditionFailed); !strings.Contains(p.Detail, "weak") {
			t.Errorf("PATCH with a weak If-Match: detail %q does not say the tag is weak", p.Detail)
		}
		b.RequireProblem(t, b.fire(t, b.admin, po.ID, `{"event":"submit"}`, "If-Match", `W/"1"`), http.StatusPreconditionFailed)
		var got document
		b.getJSON(t, b.admin, path, &got)
		if got.Version != 1 || got.Title == "weak edit" {
			t.Fatalf("after weak If-Match requests: v%d title %q, want v1 unchanged", got.Version, got.Title)
		}
		resp = b.Do(t, http.MethodPatch, path, b.admin, strings.NewReader(`{"title":"strong edit"}`),
			"Content-Type", "application/merge-patch+json", "If-Match", `"1"`)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf(`PATCH with If-Match "1": %d %s`, resp.StatusCode, b.Body(t, resp))
		}
	})
}
