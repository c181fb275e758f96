package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"dossier/internal/dossier"
)

// TestUntickedChecklistIsNamedAsItsBoxes: a reviewer who confirms with boxes
// left open is told, in their language, which boxes, by their labels, and
// not to put keys "with true in the payload".
func TestUntickedChecklistIsNamedAsItsBoxes(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "ana", []dossier.Role{dossier.RoleAdmin}, 0)
	s.AddUser(t, "rui", []dossier.Role{dossier.RoleReviewer}, 0)
	admin := newBrowser(t, s)
	admin.signIn("ana")
	doc := admin.uploadPO(t, "PO", "100.00", "EUR")
	_, _ = admin.get(doc)
	if resp, page := admin.post(doc+"/events", url.Values{"_csrf": {admin.csrf}, "event": {"submit"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: status %d: %s", resp.StatusCode, page)
	}

	b := newBrowser(t, s)
	b.signIn("rui")
	_, _ = b.get(doc)
	resp, page := b.post(doc+"/events", url.Values{"_csrf": {b.csrf}, "event": {"pass_review"}, "check.gpn_lpn_verified": {"true"}},
		"Cookie", "lang=es", "Accept-Language", "es")
	msg := regexp.MustCompile(`data-test="event-error">([^<]*)<`).FindStringSubmatch(page)
	if resp.StatusCode != http.StatusUnprocessableEntity || msg == nil {
		t.Fatalf("status %d; want 422 with the refusal next to the button: %s", resp.StatusCode, page)
	}
	for _, want := range []string{"Marque todas las casillas", "El precio coincide con la oferta", "La fecha de entrega está confirmada"} {
		if !strings.Contains(msg[1], want) {
			t.Errorf("refusal %q lacks %q", msg[1], want)
		}
	}
	for _, not := range []string{"payload", "price_matches_quotation", "Códigos GPN/LPN"} {
		if strings.Contains(msg[1], not) {
			t.Errorf("refusal %q names %q", msg[1], not)
		}
	}
}
