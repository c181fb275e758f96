package ui_test

import (
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"dossier/internal/dossier"
)

// TestApprovalsPanelSendsToTheFXPage: a document in a currency without a
// rate tells its reader, in their language, that an admin sets the rate on
// the exchange-rates page (linked for admins, with the currency filled in),
// not which API call sets it.
func TestApprovalsPanelSendsToTheFXPage(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "ada", []dossier.Role{dossier.RoleAdmin}, 0)
	s.AddUser(t, "rey", []dossier.Role{dossier.RoleReviewer}, 0)
	admin := newBrowser(t, s)
	admin.signIn("ada")
	panel := admin.uploadPO(t, "PO in francs", "50000.00", "CHF") + "/approvals"

	for _, tc := range []struct {
		name, user, lang, want string
		link                   bool
	}{
		{"admin in English", "ada", "en", "An administrator sets the rate on the exchange-rates page", true},
		{"reviewer in Chinese", "rey", "zh", "请由管理员在汇率页面设置", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t, s)
			b.signIn(tc.user)
			resp, page := b.do(http.MethodGet, panel, nil, "Cookie", "lang="+tc.lang, "Accept-Language", tc.lang)
			if resp.StatusCode != http.StatusOK || !strings.Contains(page, `data-test="no-rate"`) || !strings.Contains(page, tc.want) {
				t.Fatalf("status %d; want the translated missing-rate notice %q: %s", resp.StatusCode, tc.want, page)
			}
			if strings.Contains(page, "/api/v1") {
				t.Errorf("the page tells its reader to call the API: %s", page)
			}
			if got := strings.Contains(page, `href="/admin/fx-rates?currency=CHF#set-fx"`); got != tc.link {
				t.Errorf("link to the FX page shown = %v, want %v: %s", got, tc.link, page)
			}
		})
	}

	// An approver pressing Approve (or "Why not?") is told the same, not the API's endpoint.
	doc := strings.TrimSuffix(panel, "/approvals")
	s.AddUser(t, "apo", []dossier.Role{dossier.RoleApprover}, 1)
	for _, step := range []struct {
		user, event string
		form        url.Values
	}{
		{"ada", "submit", nil},
		{"rey", "pass_review", url.Values{"check.price_matches_quotation": {"true"}, "check.delivery_date_confirmed": {"true"}, "check.gpn_lpn_verified": {"true"}}},
	} {
		b := newBrowser(t, s)
		b.signIn(step.user)
		_, _ = b.get(doc)
		form := url.Values{"_csrf": {b.csrf}, "event": {step.event}}
		maps.Copy(form, step.form)
		if resp, page := b.post(doc+"/events", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: status %d: %s", step.event, resp.StatusCode, page)
		}
	}
	b := newBrowser(t, s)
	b.signIn("apo")
	_, _ = b.get(doc)
	resp, page := b.post(doc+"/events", url.Values{"_csrf": {b.csrf}, "event": {"approve"}}, "Cookie", "lang=fr", "Accept-Language", "fr")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Un administrateur le définit sur la page des taux de change") ||
		strings.Contains(page, "/api/v1/fx-rates") {
		t.Errorf("approve without a rate: status %d; want 422 with the French notice and no API endpoint: %s", resp.StatusCode, page)
	}

	// The link opens the admin form with the currency filled in.
	if _, page := admin.get("/admin/fx-rates?currency=CHF"); !regexp.MustCompile(`name="currency"[^>]*value="CHF"|value="CHF"[^>]*name="currency"`).MatchString(page) {
		t.Errorf("the FX page does not fill in the currency it was sent for")
	}
}
