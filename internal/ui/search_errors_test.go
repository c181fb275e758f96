package ui_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"dossier/internal/dossier"
)

// TestSearchErrorsAreShown: every refused search says why on the page,
// next to its field (a problem with a facet's value, which has no field,
// is shown above the form).
func TestSearchErrorsAreShown(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "sal", []dossier.Role{dossier.RoleAuditor}, 0)
	b := newBrowser(t, s)
	b.signIn("sal")
	errorText := regexp.MustCompile(`<(?:p class="field-error"|div class="alert") role="alert">([^<]+)<`)
	for _, c := range []struct{ name, query, want string }{
		{"an overlong query", "q=" + strings.Repeat("a", 5000), `id="s-q"`},
		{"a bad date", "q=x&date_from=2026-02-30", `id="s-from"`},
		{"a bad amount", "q=x&amount_max=ten", `id="s-max"`},
	} {
		resp, page := b.get("/search?" + c.query)
		if resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 400 or 422", c.name, resp.StatusCode)
			continue
		}
		m := errorText.FindStringSubmatch(page)
		if m == nil || strings.TrimSpace(m[1]) == "" {
			t.Errorf("%s: the page shows no reason", c.name)
			continue
		}
		if !strings.Contains(page[:strings.Index(page, m[0])], c.want) {
			t.Errorf("%s: the reason %q is not after the field %s", c.name, m[1], c.want)
		}
	}
}

// TestControlCharactersInAPageURL: a page's URL with a control character is
// refused as a page saying where it is, while the API answers problem+json.
func TestControlCharactersInAPageURL(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "cid", []dossier.Role{dossier.RoleAuditor}, 0)
	b := newBrowser(t, s)
	b.signIn("cid")
	for _, path := range []string{"/search?q=%00abc", "/documents?customer=a%0Ab", "/letters-of-credit?bank=%07"} {
		resp, page := b.get(path)
		if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(page, "control character") {
			t.Errorf("%s: %d %s, want a 400 page naming the control character: %.300s", path, resp.StatusCode, resp.Header.Get("Content-Type"), page)
		}
	}
	resp, body := b.get("/api/v1/documents?customer=%00")
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("the API: %d %s %s, want a 400 problem", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}
