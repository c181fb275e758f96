package ui_test

import (
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
	"dossier/internal/pdf/pdftest"
	"dossier/internal/swift/swifttest"
)

// The credit the LC page tests use: a bank's published MT700 (FX56202011005190,
// USD 100.00, expiring 5 Sep 2011 in the USA), and an amendment of it.
const (
	sampleLCNumber = "FX56202011005190"
	sampleMT700    = "src04_mt700.txt"
)

// sampleMT707 amends the sample credit: a later expiry and shipment, and
// one more document required.
func sampleMT707(number string) string {
	return ":27:1/1\n:20:" + sampleLCNumber + "\n:21:NONREF\n:23:" + sampleLCNumber + "\n:52A:UCPBPHMM\n:31C:110803\n" +
		":26E:" + number + "\n:30:110815\n:22A:ISSU\n:31D:110930 IN USA\n:44C:110920\n:46B:/ADD/+CERTIFICATE OF ORIGIN\n"
}

// sampleCredit reads the published MT700 beside the repository.
func sampleCredit(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(swifttest.Dir(t), sampleMT700))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lcServer is a server whose LC clock stands on 10 Aug 2011, a Wednesday
// before the sample credit's expiry, with a bank liaison "lena" and an
// auditor "audrey".
func lcServer(t *testing.T) *apptest.Server {
	t.Helper()
	s := startServer(t)
	s.App.LC.Now = func() time.Time { return time.Date(2011, 8, 10, 9, 0, 0, 0, time.UTC) }
	s.AddUser(t, "lena", []dossier.Role{dossier.RoleBankLiaison}, 0)
	s.AddUser(t, "audrey", []dossier.Role{dossier.RoleAuditor}, 0)
	return s
}

// createSampleLC creates the sample credit through the register's form and
// returns the new LC's id.
func (b *browser) createSampleLC(t *testing.T) string {
	t.Helper()
	resp, page := b.post("/letters-of-credit", url.Values{"_csrf": {b.csrf}, "message": {sampleCredit(t)}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/documents/") {
		t.Fatalf("creating the LC: %d to %q: %.400s", resp.StatusCode, loc, page)
	}
	return strings.TrimPrefix(loc, "/documents/")
}

// TestLCPanelShowsTheCreditAsWritten reads the LC panel of a credit made
// from an MT700: its tags with their names and lines as the bank wrote
// them, and its deadlines counted as the register counts them.
func TestLCPanelShowsTheCreditAsWritten(t *testing.T) {
	t.Parallel()
	s := lcServer(t)
	b := newBrowser(t, s)
	b.signIn("lena")
	id := b.createSampleLC(t)

	resp, page := b.get("/documents/" + id)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `hx-get="/documents/`+id+`/lc"`) {
		t.Fatalf("the LC's page does not load its LC panel: %d %.300s", resp.StatusCode, page)
	}
	resp, panel := b.get("/documents/" + id + "/lc")
	panel = html.UnescapeString(panel)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the LC panel: %d %.300s", resp.StatusCode, panel)
	}
	for _, want := range []string{
		`<span class="tag">20</span> Documentary credit number`, "<pre>" + sampleLCNumber + "</pre>",
		`<span class="tag">32B</span> Currency code, amount`, "<pre>USD100,00</pre>",
		`<span class="tag">41A</span> Available with … by …`, "<pre>PNBPUS33PHL\nBY PAYMENT</pre>",
		// 5 Sep 2011 was Labor Day: the expiry moves to the next banking day (UCP 600 art. 29(a)).
		"27 days left", "No amendment received.", "No discrepancy recorded.",
	} {
		if !strings.Contains(panel, want) {
			t.Errorf("the LC panel lacks %q: %s", want, panel[:min(len(panel), 1500)])
		}
	}
	if regexp.MustCompile(`data-test="lc-no-message"`).MatchString(panel) {
		t.Error("an LC made from an MT700 says it has no message")
	}
}

// TestLCFormsShowTheirErrors sends the LC page's forms what the service
// refuses: each refusal is shown next to its field, with the API's status.
func TestLCFormsShowTheirErrors(t *testing.T) {
	t.Parallel()
	s := lcServer(t)
	b := newBrowser(t, s)
	b.signIn("lena")
	id := b.createSampleLC(t)

	cases := []struct {
		name, method, path string
		form               url.Values
		status             int
		errID, want        string
	}{
		{"no MT707", http.MethodPost, "/documents/" + id + "/lc/amendments", url.Values{"message": {"not a SWIFT message"}},
			http.StatusUnprocessableEntity, "lc-mt707-err", ""},
		{"an MT700 for an amendment", http.MethodPost, "/documents/" + id + "/lc/amendments", url.Values{"message": {sampleCredit(t)}},
			http.StatusUnprocessableEntity, "lc-mt707-err", "an amendment is an MT707"},
		{"another credit's MT707", http.MethodPost, "/documents/" + id + "/lc/amendments",
			url.Values{"message": {strings.ReplaceAll(sampleMT707("01"), ":20:"+sampleLCNumber, ":20:OTHER-1")}},
			http.StatusConflict, "lc-mt707-err", "this LC is"},
		{"a presentation date that is no date", http.MethodGet, "/documents/" + id + "/lc/check?presentation_date=31.08.2011", nil,
			http.StatusBadRequest, "lc-on-err", "use a date like"},
		{"no such amendment", http.MethodPost, "/documents/" + id + "/lc/amendments/NOPE", url.Values{"accept": {"true"}},
			http.StatusNotFound, "", ""},
		{"a decision that is neither", http.MethodPost, "/documents/" + id + "/lc/amendments/NOPE", url.Values{"accept": {"maybe"}},
			http.StatusBadRequest, "", "use true (accept) or false (reject)"},
	}
	for _, tc := range cases {
		var resp *http.Response
		var page string
		if tc.method == http.MethodGet {
			resp, page = b.get(tc.path)
		} else {
			tc.form.Set("_csrf", b.csrf)
			resp, page = b.post(tc.path, tc.form)
		}
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d: %.300s", tc.name, resp.StatusCode, tc.status, page)
			continue
		}
		if tc.errID != "" && !strings.Contains(page, `id="`+tc.errID+`"`) {
			t.Errorf("%s: no message next to the field (#%s)", tc.name, tc.errID)
		}
		if !strings.Contains(page, tc.want) {
			t.Errorf("%s: the page lacks %q", tc.name, tc.want)
		}
	}
}

// TestLCAmendmentAcceptedAndChecked records an MT707, accepts it as bank
// liaison (a second decision is a 409 shown on the page), and checks a
// presentation before and after the expiry.
func TestLCAmendmentAcceptedAndChecked(t *testing.T) {
	t.Parallel()
	s := lcServer(t)
	b := newBrowser(t, s)
	b.signIn("lena")
	id := b.createSampleLC(t)

	resp, page := b.post("/documents/"+id+"/lc/amendments", url.Values{"_csrf": {b.csrf}, "message": {sampleMT707("01")}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("recording the MT707: %d %.400s", resp.StatusCode, page)
	}
	// A second MT707 while the first is pending is a conflict, said next to the message box.
	resp, page = b.post("/documents/"+id+"/lc/amendments", url.Values{"_csrf": {b.csrf}, "message": {sampleMT707("02")}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, `id="lc-mt707-err"`) || !strings.Contains(page, "still pending") {
		t.Errorf("a second amendment while one is pending: %d, want 409 with the reason next to the message", resp.StatusCode)
	}
	_, panel := b.get("/documents/" + id + "/lc")
	panel = html.UnescapeString(panel)
	m := regexp.MustCompile(`action="/documents/` + id + `/lc/amendments/([^"]+)"`).FindStringSubmatch(panel)
	if m == nil {
		t.Fatalf("the pending amendment has no accept/reject form for bank liaison: %.2000s", panel)
	}
	for _, want := range []string{"Amendment no. 1", "Pending", `<span class="tag">46B</span> Documents required (changes)`, "/ADD/+CERTIFICATE OF ORIGIN"} {
		if !strings.Contains(panel, want) {
			t.Errorf("the pending amendment lacks %q", want)
		}
	}
	settle := "/documents/" + id + "/lc/amendments/" + m[1]
	if resp, page := b.post(settle, url.Values{"_csrf": {b.csrf}, "accept": {"true"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accepting: %d %.400s", resp.StatusCode, page)
	}
	resp, page = b.post(settle, url.Values{"_csrf": {b.csrf}, "accept": {"false"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, `data-test="settle-error"`) {
		t.Errorf("rejecting an accepted amendment: %d, want 409 shown on the page", resp.StatusCode)
	}
	_, panel = b.get("/documents/" + id + "/lc")
	if !strings.Contains(panel, "Accepted") || strings.Contains(panel, `data-test="amendment-accept"`) {
		t.Errorf("the accepted amendment still offers a decision or is not marked accepted")
	}
	if !strings.Contains(panel, "30 Sep 2011") {
		t.Errorf("the expiry is not the amended one (30 Sep 2011)")
	}

	// Nothing is linked yet: the documents 46A requires are missing either
	// way; only the late presentation is after the (amended) expiry.
	for _, tc := range []struct {
		on   string
		late bool
	}{
		{"2011-09-01", false},
		{"2011-10-15", true},
	} {
		resp, page := b.get("/documents/" + id + "/lc/check?presentation_date=" + tc.on)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, `data-test="check-result"`) {
			t.Fatalf("check on %s: %d, no result: %.300s", tc.on, resp.StatusCode, page)
		}
		if !strings.Contains(page, "not among the linked ones") {
			t.Errorf("check on %s: the missing packing list is not found", tc.on)
		}
		if late := strings.Contains(page, "presentation after the expiry"); late != tc.late {
			t.Errorf("check on %s: late presentation found %v, want %v", tc.on, late, tc.late)
		}
	}

	// An auditor reads the panel but records and settles nothing.
	a := newBrowser(t, s)
	a.signIn("audrey")
	if _, page := a.get("/documents/" + id); strings.Contains(page, `id="lc-amend"`) {
		t.Error("an auditor is offered the MT707 form")
	}
	if _, panel := a.get("/documents/" + id + "/lc"); !strings.Contains(panel, sampleLCNumber) {
		t.Error("an auditor cannot read the LC panel")
	}
}

// TestLCPanelOfAScannedCredit: an LC uploaded as a PDF has no message to
// show, and its panel says so rather than showing nothing.
func TestLCPanelOfAScannedCredit(t *testing.T) {
	t.Parallel()
	s := lcServer(t)
	s.AddUser(t, "ann", []dossier.Role{dossier.RoleAdmin}, 0)
	b := newBrowser(t, s)
	b.signIn("ann")
	_, body := b.upload(map[string]string{"kind": string(dossier.KindLetterOfCredit), "subtype": "sight", "title": "LC scan"},
		"lc.pdf", pdftest.Make(t, 1, "scanned credit"))
	m := regexp.MustCompile(`"id":"([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("upload of a scanned LC: %.300s", body)
	}
	resp, panel := b.get("/documents/" + m[1] + "/lc")
	if resp.StatusCode != http.StatusOK || !strings.Contains(panel, `data-test="lc-no-message"`) || strings.Contains(panel, `data-test="lc-fields"`) {
		t.Errorf("the panel of a scanned LC: %d, want it to say it has no message: %.500s", resp.StatusCode, panel)
	}
}

// TestLCPanelIsNoDownload reads an LC's panel, which parses the MT700 the
// credit was made from: the audit trail, which auditors read as evidence,
// records no download for it. Downloading the file still records one.
func TestLCPanelIsNoDownload(t *testing.T) {
	t.Parallel()
	s := lcServer(t)
	b := newBrowser(t, s)
	b.signIn("lena")
	id := b.createSampleLC(t)
	auditor := s.SignIn(t, "audrey")
	downloads := func() int {
		t.Helper()
		var events struct {
			Items []struct {
				Action string `json:"action"`
			} `json:"items"`
		}
		s.JSON(t, s.Do(t, http.MethodGet, "/api/v1/audit?document_id="+url.QueryEscape(id), auditor, nil), &events)
		n := 0
		for _, e := range events.Items {
			if e.Action == "document.download" {
				n++
			}
		}
		return n
	}

	before := downloads()
	resp, panel := b.get("/documents/" + id + "/lc")
	if resp.StatusCode != http.StatusOK || !strings.Contains(panel, `data-test="lc-fields"`) {
		t.Fatalf("the LC panel: %d, without the message's fields: %.300s", resp.StatusCode, panel)
	}
	if got := downloads(); got != before {
		t.Errorf("reading the LC panel recorded %d downloads", got-before)
	}
	if resp, body := b.get("/documents/" + id + "/download"); resp.StatusCode != http.StatusOK || !strings.Contains(body, sampleLCNumber) {
		t.Fatalf("downloading the LC's message: %d %.300s", resp.StatusCode, body)
	}
	if got := downloads(); got != before+1 {
		t.Errorf("downloading the LC's message recorded %d downloads, want 1", got-before)
	}
}
