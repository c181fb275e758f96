package httpapi_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
	"dossier/internal/swift/swifttest"
)

// mt700Answer is POST /letters-of-credit/mt700's answer, in part.
type mt700Answer struct {
	MessageType string `json:"message_type"`
	LC          struct {
		Number     string   `json:"number"`
		ExpiryDate string   `json:"expiry_date"`
		Applicant  []string `json:"applicant"`
	} `json:"lc"`
	Errors   []struct{ Tag, Message string } `json:"errors"`
	Document *dossier.Document               `json:"document"`
}

func (b *bundle) postMT700(t *testing.T, token, query, text string, want int) mt700Answer {
	t.Helper()
	resp := b.Do(t, http.MethodPost, "/api/v1/letters-of-credit/mt700"+query, token, strings.NewReader(text), "Content-Type", "text/plain")
	var a mt700Answer
	if resp.StatusCode != want {
		t.Fatalf("POST mt700%s: %d, want %d: %s", query, resp.StatusCode, want, b.Body(t, resp))
	}
	if want < 300 {
		b.JSON(t, resp, &a)
	} else {
		b.Body(t, resp)
	}
	return a
}

// TestMT700Intake: bank liaison reads the bank's MT700 as it arrived, makes
// the LC from it, and cannot make the same credit twice; an LC uploaded as
// a PDF is filled from its message.
func TestMT700Intake(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		b.AddUser(t, "bl", []dossier.Role{dossier.RoleBankLiaison}, 0)
		b.AddUser(t, "rita", []dossier.Role{dossier.RoleReviewer}, 0)
		bl, rita := b.SignIn(t, "bl"), b.SignIn(t, "rita")
		src01 := swifttest.Sample(t, "src01_mt700.txt")

		read := b.postMT700(t, bl, "", src01, http.StatusOK)
		if read.MessageType != "700" || read.LC.Number != "12345" || read.LC.ExpiryDate != "2003-07-30" || read.Document != nil {
			t.Errorf("parsed: %+v", read)
		}
		if n := b.documentCount(t); n != 0 {
			t.Errorf("reading stored %d documents", n)
		}

		made := b.postMT700(t, bl, "?create=true", src01, http.StatusCreated)
		d := made.Document
		if d == nil {
			t.Fatal("no document made")
		}
		if d.Kind != dossier.KindLetterOfCredit || d.Number != "12345" || d.Amount != "100000.00" || d.Currency != "EUR" ||
			d.Customer != "ABC COMPANY" || d.Subtype != "sight" || d.Dates["issue_date"] != "2003-05-17" ||
			d.Dates["expiry_date"] != "2003-07-30" || !strings.HasPrefix(d.File.MediaType, "text/plain") || d.State != "received" {
			t.Errorf("made: %+v", d)
		}
		if !strings.Contains(string(d.Fields), `"expiry_place":"AMSTERDAM"`) || !strings.Contains(string(d.Fields), `"documents_required":["SIGNED COMMERCIAL INVOICE IN QUINTUPLICATE"`) {
			t.Errorf("fields: %s", d.Fields)
		}
		p := b.RequireProblem(t, b.Do(t, http.MethodPost, "/api/v1/letters-of-credit/mt700?create=true", bl, strings.NewReader(src01),
			"Content-Type", "text/plain"), http.StatusConflict)
		if !strings.Contains(p.Detail, d.ID) {
			t.Errorf("the same credit twice: %q does not name %s", p.Detail, d.ID)
		}
		// The message is the file: its words are found.
		b.waitForSearch(t, "q=bottles", func(r searchResponse) bool { return hasHit(r, d.ID) })

		// An LC uploaded as a PDF is filled from its message, which then
		// belongs to it.
		pdf := b.upload(t, "lc.pdf", pdfOf(t, 1, "scanned lc"), `{"kind":"letter_of_credit","subtype":"sight","title":"LC scan"}`)
		src03 := swifttest.Sample(t, "src03_mt700.txt")
		filled := b.postMT700(t, bl, "?document_id="+pdf.ID, src03, http.StatusOK)
		if filled.Document == nil || filled.Document.Number != "FX56202011005203" || filled.Document.Currency != "USD" ||
			filled.Document.Amount != "100.00" || filled.Document.File.SHA256 != pdf.File.SHA256 || filled.Document.Version != 2 {
			t.Errorf("filled: %+v", filled.Document)
		}
		b.RequireProblem(t, b.Do(t, http.MethodPost, "/api/v1/letters-of-credit/mt700?create=true", bl, strings.NewReader(src03),
			"Content-Type", "text/plain"), http.StatusConflict)

		// The print-out export, as a multipart file.
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "00200003.PRT")
		fw.Write([]byte(swifttest.Sample(t, "src10_mt700.txt")))
		mw.Close()
		resp := b.Do(t, http.MethodPost, "/api/v1/letters-of-credit/mt700", bl, &body, "Content-Type", mw.FormDataContentType())
		var printout mt700Answer
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("print-out: %d %s", resp.StatusCode, b.Body(t, resp))
		}
		b.JSON(t, resp, &printout)
		if printout.MessageType != "700" || printout.LC.Number == "" {
			t.Errorf("print-out: %+v", printout)
		}

		// A truncated credit is read, with its errors, but makes no LC.
		trunc := b.postMT700(t, bl, "", swifttest.Sample(t, "src09_mt798_mt700.txt"), http.StatusOK)
		if !slices.ContainsFunc(trunc.Errors, func(e struct{ Tag, Message string }) bool { return e.Tag == "32B" }) {
			t.Errorf("truncated credit: errors %+v", trunc.Errors)
		}
		p = b.RequireProblem(t, b.Do(t, http.MethodPost, "/api/v1/letters-of-credit/mt700?create=true", bl,
			strings.NewReader(swifttest.Sample(t, "src09_mt798_mt700.txt")), "Content-Type", "text/plain"), http.StatusUnprocessableEntity)
		if !strings.Contains(p.Detail, "32B") {
			t.Errorf("creating from a truncated credit: %q", p.Detail)
		}

		for _, bad := range []struct {
			query, ctype, body string
			want               int
		}{
			{"", "text/plain", "Dear customer, please find our offer attached.", http.StatusUnprocessableEntity},
			{"", "text/plain", "", http.StatusUnprocessableEntity},
			{"", "application/json", `{"20":"x"}`, http.StatusUnsupportedMediaType},
			{"?create=maybe", "text/plain", src01, http.StatusBadRequest},
			{"?create=true&document_id=" + pdf.ID, "text/plain", src01, http.StatusBadRequest},
			{"?document_id=nope", "text/plain", src01, http.StatusNotFound},
			{"", "text/plain", strings.Repeat("x", 1<<20+1), http.StatusRequestEntityTooLarge},
		} {
			b.RequireProblem(t, b.Do(t, http.MethodPost, "/api/v1/letters-of-credit/mt700"+bad.query, bl, strings.NewReader(bad.body),
				"Content-Type", bad.ctype), bad.want)
		}
		b.RequireProblem(t, b.Do(t, http.MethodPost, "/api/v1/letters-of-credit/mt700", rita, strings.NewReader(src01),
			"Content-Type", "text/plain"), http.StatusForbidden)
	})
}
