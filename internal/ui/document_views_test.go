package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
	"dossier/internal/pdf/pdftest"
)

// listCorpus uploads purchase orders whose amounts sort differently as
// text and as numbers, each with its own issue date.
func listCorpus(t *testing.T, s *apptest.Server, admin string) {
	t.Helper()
	for i, d := range []struct{ title, amount, issue string }{
		{"Order ninepointfive", "9.5", "2026-01-10"},
		{"Order tenquarter", "10.25", "2026-02-10"},
		{"Order hundred", "100", "2026-03-10"},
	} {
		meta := fmt.Sprintf(`{"kind":"purchase_order","subtype":"serial","title":%q,"number":"45%08d","customer":"ACME",`+
			`"amount":%q,"currency":"EUR","dates":{"issue_date":%q}}`, d.title, i, d.amount, d.issue)
		if resp := s.Upload(t, admin, "po.pdf", pdftest.Make(t, 1, d.title), meta); resp.StatusCode != http.StatusCreated {
			t.Fatalf("upload %s: %d %s", d.title, resp.StatusCode, s.Body(t, resp))
		}
	}
}

// order returns the titles in the order the page shows them.
func order(page string, titles ...string) []string {
	type at struct {
		i int
		s string
	}
	var found []at
	for _, s := range titles {
		if i := strings.Index(page, ">"+s+"<"); i >= 0 {
			found = append(found, at{i, s})
		}
	}
	for i := range found {
		for j := i + 1; j < len(found); j++ {
			if found[j].i < found[i].i {
				found[i], found[j] = found[j], found[i]
			}
		}
	}
	out := []string{}
	for _, f := range found {
		out = append(out, f.s)
	}
	return out
}

func TestDocumentListRangesAndSort(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "hal", []dossier.Role{dossier.RoleAdmin}, 0)
	listCorpus(t, s, s.SignIn(t, "hal"))
	b := newBrowser(t, s)
	b.signIn("hal")
	all := []string{"Order ninepointfive", "Order tenquarter", "Order hundred"}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"sort=amount", []string{"Order ninepointfive", "Order tenquarter", "Order hundred"}},
		{"sort=-amount&amount_min=10", []string{"Order hundred", "Order tenquarter"}},
		{"amount_min=9.50&amount_max=10.25&sort=title", []string{"Order ninepointfive", "Order tenquarter"}},
		{"date_from=2026-02-01&date_to=2026-03-31&sort=date", []string{"Order tenquarter", "Order hundred"}},
		{"sort=-date", []string{"Order hundred", "Order tenquarter", "Order ninepointfive"}},
	} {
		resp, page := b.get("/documents?" + tc.query)
		if got := order(page, all...); resp.StatusCode != http.StatusOK || strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("?%s: status %d, rows %v, want %v", tc.query, resp.StatusCode, got, tc.want)
		}
	}
	// The form shows the filters back, and the amount header sorts the other way.
	_, page := b.get("/documents?amount_min=10&sort=-amount")
	for _, want := range []string{`name="amount_min" inputmode="decimal" value="10"`, `<option value="-amount" selected>`,
		`aria-sort="descending"`, `href="/documents?amount_min=10&amp;sort=amount"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the list sorted by amount lacks %s", want)
		}
	}
	// A bad value is refused next to its field, with the service's words.
	for field, query := range map[string]string{"amount_min": "amount_min=1,5", "date_to": "date_to=31.12.2026", "sort": "sort=size"} {
		resp, page := b.get("/documents?" + query)
		// The message follows the input, or the select and its options.
		re := regexp.MustCompile(`name="` + field + `"[^>]*>(?:(?:\s*<option[^>]*>[^<]*</option>)*\s*</select>)?\s*<p class="field-error" role="alert">` + field)
		if resp.StatusCode != http.StatusBadRequest || !re.MatchString(page) {
			t.Errorf("?%s: status %d, want 400 with the problem under %s", query, resp.StatusCode, field)
		}
		if strings.Contains(page, "No document matches") || strings.Contains(page, `action="/documents/views"`) {
			t.Errorf("?%s: a refused filter is shown as an empty list, or offered to be saved", query)
		}
	}
}

// viewID finds the id of the named view in the delete form of the page.
func viewID(t *testing.T, page, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<a href="[^"]*"[^>]*>` + regexp.QuoteMeta(name) + `</a>[^<]*(?:<span[^>]*>[^<]*</span>)?\s*<form method="post" action="/documents/views/([^/]+)/delete"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no delete form for the view %q in %s", name, page)
	}
	return m[1]
}

func TestSavedViewsSharedBetweenUsers(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "ida", []dossier.Role{dossier.RoleAdmin}, 0)
	s.AddUser(t, "jon", []dossier.Role{dossier.RoleReviewer}, 0)
	listCorpus(t, s, s.SignIn(t, "ida"))
	ida, jon := newBrowser(t, s), newBrowser(t, s)
	ida.signIn("ida")
	jon.signIn("jon")

	save := func(b *browser, name, query string, shared bool) (*http.Response, string) {
		form := url.Values{"_csrf": {b.csrf}, "name": {name}, "query": {query}}
		if shared {
			form.Set("shared", "on")
		}
		return b.post("/documents/views", form)
	}
	resp, page := save(ida, "Ten and up", "amount_min=10&sort=-amount", true)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/documents?amount_min=10&sort=-amount" {
		t.Fatalf("save a view: %d to %q, want the list it keeps: %s", resp.StatusCode, resp.Header.Get("Location"), page)
	}
	if resp, _ := save(ida, "Just mine", "kind=purchase_order", false); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save a private view: %d", resp.StatusCode)
	}
	resp, page = save(ida, "Just mine", "kind=contract", false)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, `<div id="v-name-err"><p class="field-error" role="alert">you have a view named`) {
		t.Errorf("a second view of one name: status %d, want 409 with the problem under the name", resp.StatusCode)
	}
	_, page = ida.get("/documents?amount_min=10&sort=-amount")
	shared, private := viewID(t, page, "Ten and up"), viewID(t, page, "Just mine")
	if !strings.Contains(page, `aria-current="true">Ten and up</a>`) {
		t.Error("the view on screen is not marked as current")
	}

	// Jon sees the shared view with its owner, not the private one, and opens it.
	_, page = jon.get("/documents")
	if !strings.Contains(page, `href="/documents?amount_min=10&amp;sort=-amount">Ten and up</a> <span class="muted">by Test ida</span>`) ||
		strings.Contains(page, "Just mine") {
		t.Errorf("jon's list of views: want the shared one by Test ida and not the private one: %s", page)
	}
	if resp, _ := jon.get("/documents?view=" + shared); resp.StatusCode != http.StatusSeeOther ||
		resp.Header.Get("Location") != "/documents?amount_min=10&sort=-amount" {
		t.Errorf("?view= of a shared view: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := jon.get("/documents?view=" + private); resp.StatusCode != http.StatusNotFound {
		t.Errorf("?view= of another's private view: %d, want 404", resp.StatusCode)
	}
	// Only the owner deletes.
	del := func(b *browser, id string) *http.Response {
		resp, _ := b.post("/documents/views/"+id+"/delete", url.Values{"_csrf": {b.csrf}, "query": {"sort=title"}})
		return resp
	}
	if resp := del(jon, shared); resp.StatusCode != http.StatusForbidden {
		t.Errorf("jon deletes ida's shared view: %d, want 403", resp.StatusCode)
	}
	if resp := del(jon, private); resp.StatusCode != http.StatusNotFound {
		t.Errorf("jon deletes ida's private view: %d, want 404", resp.StatusCode)
	}
	if resp := del(ida, shared); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/documents?sort=title" {
		t.Errorf("ida deletes her view: %d to %q, want back to the list", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, page := jon.get("/documents"); strings.Contains(page, "Ten and up") {
		t.Error("the deleted view is still listed to jon")
	}
}

// TestDocumentListPagesUnderASort follows the page's next link under an
// order other than the default: it keeps the filters and the order, and the
// two pages hold every document once, in order.
func TestDocumentListPagesUnderASort(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "max", []dossier.Role{dossier.RoleAdmin}, 0)
	token := s.SignIn(t, "max")
	const n = 27 // the page shows 25
	var want []string
	for i := n; i >= 1; i-- { // uploaded largest first, so the order is not the upload order
		title := fmt.Sprintf("Lot %02d", i)
		meta := fmt.Sprintf(`{"kind":"other","title":%q,"amount":"%d.5","currency":"EUR"}`, title, i)
		if resp := s.Upload(t, token, "lot.pdf", pdftest.Make(t, 1, title), meta); resp.StatusCode != http.StatusCreated {
			t.Fatalf("upload %s: %d %s", title, resp.StatusCode, s.Body(t, resp))
		}
		if i >= 2 {
			want = append([]string{title}, want...)
		}
	}
	b := newBrowser(t, s)
	b.signIn("max")
	lots := regexp.MustCompile(`>(Lot \d\d)</a>`)
	var got []string
	_, page := b.get("/documents?sort=amount&amount_min=2")
	for _, m := range lots.FindAllStringSubmatch(page, -1) {
		got = append(got, m[1])
	}
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(page)
	if len(got) != 25 || next == nil {
		t.Fatalf("first page: %d rows and next link %v, want 25 and a link", len(got), next)
	}
	link := strings.ReplaceAll(next[1], "&amp;", "&")
	if !strings.Contains(link, "sort=amount") || !strings.Contains(link, "amount_min=2") || !strings.Contains(link, "cursor=") {
		t.Errorf("the next link %s does not keep the filters and the order", link)
	}
	_, page = b.get(link)
	for _, m := range lots.FindAllStringSubmatch(page, -1) {
		got = append(got, m[1])
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("two pages by amount from 2:\n  got  %v\n  want %v", got, want)
	}
	if strings.Contains(page, `rel="next"`) {
		t.Error("the last page offers a next page")
	}
}
