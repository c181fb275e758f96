package ui_test

import (
	"html"
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

// TestListPagesRefuseBadParameters: a documents or audit page asked with a
// parameter it cannot read (a hand-edited link, an old bookmark) answers
// 400 and says so in the reader's language, under the field it names, or
// above the list with a link to the first page when it names the page
// itself, rather than showing some page as if the parameter were absent.
func TestListPagesRefuseBadParameters(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "aud", []dossier.Role{dossier.RoleAuditor}, 0)
	b := newBrowser(t, s)
	b.signIn("aud")
	errorText := regexp.MustCompile(`<(?:p class="field-error"|div class="alert") role="alert">([^<]+)<`)
	for _, c := range []struct {
		name, path, lang string
		after            string // what the message follows: its field, or the filter form
		want             string // the message, translated
		first            string // the link to the first page the message carries; "" for none
	}{
		{"a cursor that is no cursor", "/documents?kind=purchase_order&cursor=garbage", "fr", `</form>`,
			"Ce lien vers une page suivante est invalide ou périmé", "/documents?kind=purchase_order"},
		{"a cursor that is no cursor of this order", "/documents?sort=title&cursor=garbage", "es", `</form>`,
			"Este enlace a una página siguiente no es válido", "/documents?sort=title"},
		{"a start date that is no date", "/audit?since=nope", "zh", `id="au-since"`, "不是有效日期", ""},
		{"an end date that is no date", "/audit?until=2026-02-30", "en", `id="au-until"`, "Not a date: use a date like 2026-01-31.", ""},
		{"a page of the trail that is no page", "/audit?actor=x&after_seq=garbage", "fr", `</form>`,
			"Ce lien vers une page suivante est invalide ou périmé", "/audit?actor=x"},
	} {
		resp, page := b.do(http.MethodGet, c.path, nil, "Cookie", "lang="+c.lang, "Accept-Language", c.lang)
		if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s, want a 400 page", c.name, resp.StatusCode, resp.Header.Get("Content-Type"))
			continue
		}
		m := errorText.FindStringSubmatchIndex(page)
		if m == nil {
			t.Errorf("%s: the page shows no reason: %.3000s", c.name, page)
			continue
		}
		msg := html.UnescapeString(page[m[2]:m[3]])
		if !strings.Contains(msg, c.want) {
			t.Errorf("%s: the reason is %q, want %q", c.name, msg, c.want)
		}
		if !strings.Contains(page[:m[0]], c.after) {
			t.Errorf("%s: the reason %q is not after %s", c.name, msg, c.after)
		}
		if c.first != "" && !strings.Contains(html.UnescapeString(page[m[0]:]), `<a href="`+c.first+`">`) {
			t.Errorf("%s: the reason carries no link to the first page %s", c.name, c.first)
		}
	}
}
