package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"dossier/internal/dossier"
)

// TestDoubleSubmitShowsOnlyTheStaleNotice: a button pressed twice (the same
// version posted again) shows the page as it now is with the stale notice,
// not also the engine's "at version 2, not 1" beside the button.
func TestDoubleSubmitShowsOnlyTheStaleNotice(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "dot", []dossier.Role{dossier.RoleAdmin}, 0)
	b := newBrowser(t, s)
	b.signIn("dot")
	doc := b.uploadPO(t, "PO", "100.00", "EUR")
	_, page := b.get(doc)
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)[1]
	form := url.Values{"_csrf": {b.csrf}, "event": {"submit"}, "version": {version}}
	if resp, page := b.post(doc+"/events", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first press: status %d: %s", resp.StatusCode, page)
	}
	resp, page := b.post(doc+"/events", form)
	if resp.StatusCode != http.StatusConflict && resp.StatusCode != http.StatusPreconditionFailed {
		t.Fatalf("second press: status %d, want a conflict", resp.StatusCode)
	}
	if !strings.Contains(page, `data-test="stale"`) {
		t.Errorf("second press: no stale notice: %s", page)
	}
	if strings.Contains(page, "not "+version) || strings.Contains(page, `data-test="why-not"`) || strings.Contains(page, `data-test="event-error"`) {
		t.Errorf("second press: the engine's version message is shown beside a button: %s", page)
	}
}
