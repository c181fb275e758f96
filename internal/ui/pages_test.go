package ui_test

import (
	"bytes"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
	"dossier/internal/pdf/pdftest"
)

// browser is a cookie-keeping HTTP client that signs in through the page,
// as a person does, without following redirects (tests look at them).
type browser struct {
	t    *testing.T
	s    *apptest.Server
	c    *http.Client
	csrf string
}

func newBrowser(t *testing.T, s *apptest.Server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, s: s, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) do(method, path string, body io.Reader, headers ...string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequestWithContext(b.t.Context(), method, b.s.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	if m := regexp.MustCompile(`data-csrf="([^"]+)"`).FindSubmatch(page); m != nil {
		b.csrf = string(m[1])
	}
	return resp, string(page)
}

func (b *browser) get(path string) (*http.Response, string) { return b.do(http.MethodGet, path, nil) }

func (b *browser) post(path string, form url.Values, headers ...string) (*http.Response, string) {
	return b.do(http.MethodPost, path, strings.NewReader(form.Encode()),
		append([]string{"Content-Type", "application/x-www-form-urlencoded"}, headers...)...)
}

func (b *browser) signIn(username string) {
	b.t.Helper()
	resp, page := b.post("/sign-in", url.Values{"username": {username}, "password": {apptest.Password(username)}})
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign in %s: status %d: %s", username, resp.StatusCode, page)
	}
	if _, page := b.get("/inbox"); b.csrf == "" {
		b.t.Fatalf("the inbox of %s has no CSRF token: %s", username, page)
	}
}

// upload posts one file with metadata fields as the upload page's script does.
func (b *browser) upload(fields map[string]string, name string, content []byte) (*http.Response, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	part, _ := w.CreateFormFile("file", name)
	_, _ = part.Write(content)
	_ = w.Close()
	return b.do(http.MethodPost, "/upload", &buf, "Content-Type", w.FormDataContentType(),
		"Accept", "application/json", "X-CSRF-Token", b.csrf)
}

// uploadPO uploads a one-page serial purchase order of ACME for amount in
// currency, failing the test unless it is created, and returns its page.
func (b *browser) uploadPO(t *testing.T, title, amount, currency string) string {
	t.Helper()
	resp, body := b.upload(map[string]string{"kind": string(dossier.KindPurchaseOrder), "subtype": "serial",
		"title": title, "amount": amount, "currency": currency, "customer": "ACME"}, "po.pdf", pdftest.Make(t, 1, "purchase order"))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload %s: status %d: %s", title, resp.StatusCode, body)
	}
	return "/documents/" + regexp.MustCompile(`"id":"([^"]+)"`).FindStringSubmatch(body)[1]
}

func startServer(t *testing.T) *apptest.Server {
	t.Helper()
	return apptest.Start(t, apptest.Backends()[0].Config(t))
}

func TestSignInSetsASafeCookie(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "ann", []dossier.Role{dossier.RoleAdmin}, 0)
	b := newBrowser(t, s)

	resp, _ := b.get("/inbox")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in") {
		t.Fatalf("the inbox without a session: %d to %q, want a redirect to /sign-in", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, page := b.post("/sign-in", url.Values{"username": {"ann"}, "password": {"wrong"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "the username or password is wrong") {
		t.Fatalf("a wrong password: status %d, want 401 with the service's message; page: %s", resp.StatusCode, page)
	}
	resp, _ = b.post("/sign-in", url.Values{"username": {"ann"}, "password": {apptest.Password("ann")}})
	var cookie string
	for _, c := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "dossier_session=") {
			cookie = c
		}
	}
	for _, want := range []string{"HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("session cookie %q is Secure on plain HTTP: the browser would not send it back", cookie)
	}
	resp, page = b.get("/inbox")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Test ann") {
		t.Fatalf("the inbox after sign-in: status %d; want the user's name in the header: %s", resp.StatusCode, page)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("Content-Security-Policy %q: want scripts from this server only, nothing inline", csp)
	}
	if regexp.MustCompile(`<script>|<style|\sstyle="|\son[a-z]+="`).MatchString(page) {
		t.Error("the page has an inline script, style or event handler, which the CSP forbids")
	}
	// Signing out without the token is refused; with it, the session ends.
	resp, _ = b.post("/sign-out", url.Values{})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-out without the CSRF token: status %d, want 403", resp.StatusCode)
	}
	resp, _ = b.post("/sign-out", url.Values{"_csrf": {b.csrf}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out: status %d, want 303", resp.StatusCode)
	}
	if resp, _ := b.get("/inbox"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the inbox after sign-out: status %d, want a redirect to sign in", resp.StatusCode)
	}
}

func TestSignInIsLimitedAsTheAPI(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "bob", []dossier.Role{dossier.RoleAdmin}, 0)
	b := newBrowser(t, s)
	var last int
	for range 30 {
		resp, _ := b.post("/sign-in", url.Values{"username": {"bob"}, "password": {"wrong"}})
		if last = resp.StatusCode; last == http.StatusTooManyRequests {
			break
		}
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("30 wrong passwords: last status %d, want 429 as the API answers", last)
	}
	// The API counts the same failures: the limit is one.
	body := strings.NewReader(`{"username":"bob","password":"` + apptest.Password("bob") + `"}`)
	s.RequireProblem(t, s.Do(t, http.MethodPost, "/api/v1/session", "", body), http.StatusTooManyRequests)
}

func TestCrossSiteFormsAreRefused(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "cat", []dossier.Role{dossier.RoleAdmin}, 0)
	b := newBrowser(t, s)
	resp, _ := b.post("/sign-in", url.Values{"username": {"cat"}, "password": {apptest.Password("cat")}}, "Origin", "https://evil.example")
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a sign-in posted from another site: status %d, want 403", resp.StatusCode)
	}
	b.signIn("cat")
	resp, _ = b.upload(map[string]string{"kind": string(dossier.KindOther), "title": "x"}, "a.pdf", pdftest.Make(t, 1, "x"))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("an upload with the token: status %d, want 201", resp.StatusCode)
	}
	b.csrf = "forged"
	resp, _ = b.upload(map[string]string{"kind": string(dossier.KindOther), "title": "x"}, "a.pdf", pdftest.Make(t, 1, "x"))
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("an upload with a forged token: status %d, want 403", resp.StatusCode)
	}
}

func TestUploadErrorsNameTheField(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "dan", []dossier.Role{dossier.RoleAdmin}, 0)
	b := newBrowser(t, s)
	b.signIn("dan")
	resp, body := b.upload(map[string]string{"kind": string(dossier.KindPurchaseOrder), "title": "PO", "amount": "12,50", "currency": "EUR"},
		"po.pdf", pdftest.Make(t, 1, "purchase order"))
	if resp.StatusCode < 400 || resp.StatusCode >= 500 || !strings.Contains(body, `"field":"amount"`) {
		t.Fatalf("an amount with a comma: status %d, body %s; want a 4xx naming the field amount", resp.StatusCode, body)
	}
	resp, body = b.upload(map[string]string{"kind": string(dossier.KindPurchaseOrder), "subtype": "serial", "amount": "1250.00", "currency": "EUR", "customer": "ACME"},
		"PO-77.pdf", pdftest.Make(t, 1, "purchase order"))
	if resp.StatusCode != http.StatusCreated || !strings.Contains(body, `"title":"PO-77"`) {
		t.Fatalf("an upload without a title: status %d, body %s; want 201 titled after the file", resp.StatusCode, body)
	}
	m := regexp.MustCompile(`"url":"([^"]+)"`).FindStringSubmatch(body)
	resp, page := b.get(m[1])
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "EUR 1,250.00") || !strings.Contains(page, `data-event=`) {
		t.Fatalf("the document page: status %d; want the amount formatted and an action: %s", resp.StatusCode, page)
	}
}

func TestLanguageSwitchIsKept(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "eve", []dossier.Role{dossier.RoleAuditor}, 0)
	b := newBrowser(t, s)
	_, page := b.do(http.MethodGet, "/sign-in", nil, "Accept-Language", "zh-CN,zh;q=0.9")
	if !strings.Contains(page, `<html lang="zh">`) || !strings.Contains(page, "登录") {
		t.Fatalf("a Chinese browser does not get the Chinese page: %.300s", page)
	}
	resp, _ := b.post("/language", url.Values{"lang": {"fr"}, "back": {"/sign-in"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sign-in" {
		t.Fatalf("the language switch: %d to %q, want back to /sign-in", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = b.do(http.MethodGet, "/sign-in", nil, "Accept-Language", "zh-CN,zh;q=0.9")
	if !strings.Contains(page, `<html lang="fr">`) || !strings.Contains(page, "Connexion") {
		t.Fatalf("the chosen French is not kept over the browser's Chinese: %.300s", page)
	}
	if resp, _ := b.post("/language", url.Values{"lang": {"de"}}); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("an unknown language: status %d, want 400", resp.StatusCode)
	}
}

func TestDocumentListFiltersAreInTheURL(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "fay", []dossier.Role{dossier.RoleAdmin}, 0)
	b := newBrowser(t, s)
	b.signIn("fay")
	for _, d := range []struct{ subtype, currency, title string }{
		{"serial", "EUR", "Serial in euro"}, {"tooling", "EUR", "Tooling in euro"}, {"serial", "USD", "Serial in dollars"},
	} {
		resp, body := b.upload(map[string]string{"kind": string(dossier.KindPurchaseOrder), "subtype": d.subtype, "title": d.title,
			"amount": "100.00", "currency": d.currency}, "po.pdf", pdftest.Make(t, 1, d.title))
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("upload %s: %d %s", d.title, resp.StatusCode, body)
		}
	}
	_, page := b.get("/documents?kind=purchase_order&subtype=serial&currency=eur")
	if !strings.Contains(page, "Serial in euro") || strings.Contains(page, "Tooling in euro") || strings.Contains(page, "Serial in dollars") {
		t.Fatalf("kind, subtype and currency from the URL do not select the one document: %s", page)
	}
	if !strings.Contains(page, `href="/search?currency=EUR&amp;kind=purchase_order"`) {
		t.Error("the link to more filters does not carry the filters to the search page")
	}
	// One document a page: the cursor link keeps the filters.
	_, page = b.get("/documents?currency=EUR")
	if !strings.Contains(page, "Tooling in euro") || !strings.Contains(page, "Serial in euro") {
		t.Fatalf("currency EUR lists both euro documents: %s", page)
	}
}

func TestStaleEditSaysTheDocumentChanged(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "gil", []dossier.Role{dossier.RoleAdmin}, 0)
	b := newBrowser(t, s)
	b.signIn("gil")
	_, body := b.upload(map[string]string{"kind": string(dossier.KindOther), "title": "Memo"}, "memo.pdf", pdftest.Make(t, 1, "memo"))
	id := regexp.MustCompile(`"id":"([^"]+)"`).FindStringSubmatch(body)[1]
	_, page := b.get("/documents/" + id)
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)[1]
	form := url.Values{"_csrf": {b.csrf}, "version": {version}, "kind": {string(dossier.KindOther)}, "title": {"Memo, corrected"}}

	// Someone else renames it through the API meanwhile.
	token := s.SignIn(t, "gil")
	resp := s.Do(t, http.MethodPatch, "/api/v1/documents/"+id, token, strings.NewReader(`{"title":"Memo v2"}`),
		"If-Match", `"`+version+`"`, "Content-Type", "application/merge-patch+json")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the API's PATCH: %d %s", resp.StatusCode, s.Body(t, resp))
	}
	resp2, page := b.post("/documents/"+id+"/metadata", form)
	if resp2.StatusCode != http.StatusPreconditionFailed || !strings.Contains(page, "This document changed while you had it open") {
		t.Fatalf("an edit of a stale form: status %d, want 412 saying the document changed meanwhile: %s", resp2.StatusCode, page)
	}
	if !strings.Contains(page, `value="Memo v2"`) {
		t.Error("after the refusal the form does not show the document as it is now")
	}
	// A bad value is refused next to its field.
	_, page = b.get("/documents/" + id)
	version = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)[1]
	form.Set("version", version)
	form.Set("amount", "12,5")
	form.Set("currency", "EUR")
	resp2, page = b.post("/documents/"+id+"/metadata", form)
	if resp2.StatusCode < 400 || resp2.StatusCode >= 500 || !regexp.MustCompile(`data-error-for="amount"><p class="field-error"`).MatchString(page) {
		t.Fatalf("an amount with a comma: status %d, want a 4xx with the message under the amount: %s", resp2.StatusCode, page)
	}
	form.Set("amount", "12.50")
	if resp2, _ := b.post("/documents/"+id+"/metadata", form); resp2.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good edit: status %d, want 303 back to the document", resp2.StatusCode)
	}
}

func TestDocumentPageActions(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "hal", []dossier.Role{dossier.RoleAdmin}, 0)
	b := newBrowser(t, s)
	b.signIn("hal")
	var ids []string
	for _, title := range []string{"Contract", "Purchase order"} {
		_, body := b.upload(map[string]string{"kind": string(dossier.KindOther), "title": title}, "f.pdf", pdftest.Make(t, 1, title))
		ids = append(ids, regexp.MustCompile(`"id":"([^"]+)"`).FindStringSubmatch(body)[1])
	}
	doc := "/documents/" + ids[1]
	_, _ = b.get(doc)

	// A link to the other document, then one to a document that does not exist.
	resp, _ := b.post(doc+"/links", url.Values{"_csrf": {b.csrf}, "target_id": {ids[0]}, "relation": {"po_of"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add link: status %d", resp.StatusCode)
	}
	if _, panel := b.get(doc + "/links"); !strings.Contains(panel, ids[0]) {
		t.Fatalf("the links panel lacks the target: %s", panel)
	}
	resp, page := b.post(doc+"/links", url.Values{"_csrf": {b.csrf}, "target_id": {"01J0000000000000000000NONE"}, "relation": {"po_of"}})
	if resp.StatusCode < 400 || !strings.Contains(page, `class="field-error"`) {
		t.Fatalf("a link to nothing: status %d, want a refusal next to the link form", resp.StatusCode)
	}

	// A new version, then both versions downloadable.
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, _ := w.CreateFormFile("file", "f-v2.pdf")
	second := pdftest.Make(t, 2, "second version")
	_, _ = part.Write(second)
	_ = w.Close()
	resp, page = b.do(http.MethodPost, doc+"/versions?_csrf="+url.QueryEscape(b.csrf), &buf, "Content-Type", w.FormDataContentType())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("new version: status %d: %s", resp.StatusCode, page)
	}
	if _, panel := b.get(doc + "/versions"); !strings.Contains(panel, "f-v2.pdf") || !strings.Contains(panel, "2 pages") {
		t.Fatalf("the versions panel lacks the new version: %s", panel)
	}
	resp, content := b.get(doc + "/download?version=2")
	if resp.StatusCode != http.StatusOK || content != string(second) || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download of version 2: status %d, %d bytes, disposition %q", resp.StatusCode, len(content), resp.Header.Get("Content-Disposition"))
	}
	// The page shows both pages of the new version as images rendered on the server.
	if _, page := b.get(doc); strings.Count(page, `data-test="page-image"`) != 2 ||
		!strings.Contains(page, "/pages/2?version=2&amp;width=800") {
		t.Fatalf("the document page does not show the 2 pages of version 2 as images")
	}
	resp, img := b.get(doc + "/pages/2?version=2&width=400")
	if cfg, err := png.DecodeConfig(strings.NewReader(img)); resp.StatusCode != http.StatusOK || err != nil || cfg.Width != 400 {
		t.Fatalf("page 2 of version 2: status %d, err %v, width %d; want a PNG 400 px wide", resp.StatusCode, err, cfg.Width)
	}
	if resp, _ := b.get(doc + "/pages/3?version=2"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("page 3 of a 2-page file: status %d, want 404", resp.StatusCode)
	}

	// Legal hold on, shown on the page, then off.
	if resp, _ := b.post(doc+"/legal-hold", url.Values{"_csrf": {b.csrf}, "on": {"true"}, "reason": {"dispute 2026-07"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("legal hold: status %d", resp.StatusCode)
	}
	if _, page := b.get(doc); !strings.Contains(page, "badge-hold") {
		t.Fatal("the page does not show the legal hold")
	}
	if resp, _ := b.post(doc+"/legal-hold", url.Values{"_csrf": {b.csrf}, "on": {"false"}, "reason": {"settled"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("lifting the legal hold: status %d", resp.StatusCode)
	}
}

func TestDepartmentReviewFromThePage(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "ida", []dossier.Role{dossier.RoleAdmin}, 0)
	s.AddUser(t, "rev", []dossier.Role{dossier.RoleReviewer}, 0)
	admin, reviewer := newBrowser(t, s), newBrowser(t, s)
	admin.signIn("ida")
	_, body := admin.upload(map[string]string{"kind": string(dossier.KindFrameworkAgreement), "title": "Framework 2026",
		"amount": "50000.00", "currency": "EUR"}, "fa.pdf", pdftest.Make(t, 1, "framework"))
	id := regexp.MustCompile(`"id":"([^"]+)"`).FindStringSubmatch(body)[1]
	_, page := admin.get("/documents/" + id)
	event := regexp.MustCompile(`data-event="([a-z_]+)"`).FindStringSubmatch(page)[1]
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)[1]
	if resp, page := admin.post("/documents/"+id+"/events", url.Values{"_csrf": {admin.csrf}, "event": {event}, "version": {version}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("fire %s: status %d: %s", event, resp.StatusCode, page)
	}

	reviewer.signIn("rev")
	_, page = reviewer.get("/documents/" + id)
	if !strings.Contains(page, `action="/documents/`+id+`/reviews"`) {
		t.Fatalf("the reviewer gets no sign-off form in department review: %s", page)
	}
	resp, page := reviewer.post("/documents/"+id+"/reviews", url.Values{"_csrf": {reviewer.csrf}, "department": {"technical"}, "decision": {"reject"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "comment is required") {
		t.Fatalf("a rejection without a comment: status %d, want 422 with the service's reason: %s", resp.StatusCode, page)
	}
	resp, _ = reviewer.post("/documents/"+id+"/reviews", url.Values{"_csrf": {reviewer.csrf}, "department": {"technical"}, "decision": {"approve"}, "comment": {"drawings match"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a sign-off: status %d", resp.StatusCode)
	}
	_, panel := reviewer.get("/documents/" + id + "/reviews")
	for _, want := range []string{"Technical", "Approve", "Test rev", "drawings match", "Quality"} {
		if !strings.Contains(panel, want) {
			t.Errorf("the reviews panel lacks %q: %s", want, panel)
		}
	}
}
