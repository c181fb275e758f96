package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
)

// mt700 is a credit in block-4 form with the given 20, 31D, 44C and 48
// (48 left out when empty).
func mt700(number, expiry, latestShipment, period string) string {
	s := ":27:1/1\n:40A:IRREVOCABLE\n:20:" + number + "\n:31C:260201\n:40E:UCP LATEST VERSION\n:31D:" + expiry +
		"\n:50:BREMSEN WERK GMBH\nBREMEN\n:59:DOSSIER PARTS SA\nMADRID\n:52A:COBADEFF\n:32B:EUR500000,00\n:39A:10/10\n" +
		":41A:COBADEFF\nBY PAYMENT\n:44C:" + latestShipment + "\n:45A:+BRAKE DISCS\n:46A:+SIGNED COMMERCIAL INVOICE\n+PACKING LIST\n"
	if period != "" {
		s += ":48:" + period + "\n"
	}
	return s + ":49:WITHOUT\n"
}

type registerRow struct {
	ID, Number, State, Calendar, Urgency, Bank string
	ExpiryDate                                 string   `json:"expiry_date"`
	ShipmentDate                               string   `json:"shipment_date"`
	PresentationDate                           string   `json:"presentation_date"`
	PresentationDeadline                       string   `json:"presentation_deadline"`
	ExaminationDeadline                        string   `json:"examination_deadline"`
	DaysToExpiry                               *int     `json:"days_to_expiry"`
	Discrepancies                              []string `json:"discrepancies"`
	TolerancePlus                              string   `json:"tolerance_plus"`
}

func (b *bundle) register(t *testing.T, token, query string) map[string]registerRow {
	t.Helper()
	var page struct{ Items []registerRow }
	b.getJSON(t, token, "/api/v1/letters-of-credit"+query, &page)
	out := map[string]registerRow{}
	for _, r := range page.Items {
		out[r.Number] = r
	}
	return out
}

// TestLCRegister: the register counts each credit's days on the banking
// calendar of its place: a presentation period capped at expiry, an expiry
// on Good Friday moved past Easter Monday (TARGET2), a last day on a Sunday
// moved to Monday, the bank's five banking days after a presentation, and
// the discrepancies recorded since.
func TestLCRegister(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		b.App.LC.Now = func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) } // a Monday
		b.AddUser(t, "bl", []dossier.Role{dossier.RoleBankLiaison}, 0)
		b.AddUser(t, "rita", []dossier.Role{dossier.RoleReviewer}, 0)
		b.AddUser(t, "bea", []dossier.Role{dossier.RoleApprover}, 2)
		bl, rita, bea := b.SignIn(t, "bl"), b.SignIn(t, "rita"), b.SignIn(t, "bea")

		frankfurt := b.postMT700(t, bl, "?create=true", mt700("FRA-1", "260331FRANKFURT", "260315", "21"), http.StatusCreated).Document
		b.postMT700(t, bl, "?create=true", mt700("FRA-2", "260403FRANKFURT", "260320", ""), http.StatusCreated)
		rows := b.register(t, bl, "")
		one, two := rows["FRA-1"], rows["FRA-2"]
		// FRA-1: 15 March + 21 days is after the expiry, so the expiry (a Tuesday) is the last day.
		if one.Calendar != "DE" || one.PresentationDeadline != "2026-03-31" || one.DaysToExpiry == nil || *one.DaysToExpiry != 29 ||
			one.Urgency != "30d" || one.ExaminationDeadline != "" || one.TolerancePlus != "10" || one.Bank != "COBADEFF" {
			t.Errorf("FRA-1: %+v", one)
		}
		// FRA-2 expires on Good Friday 2026: the bank is closed until Tuesday 7 April.
		if two.PresentationDeadline != "2026-04-07" || two.DaysToExpiry == nil || *two.DaysToExpiry != 36 || two.Urgency != "later" {
			t.Errorf("FRA-2: %+v", two)
		}
		if got := b.register(t, bl, "?expiring_within=30"); len(got) != 1 || got["FRA-1"].ID == "" {
			t.Errorf("expiring within 30 days: %v", got)
		}
		if got := b.register(t, bl, "?bank=cobadeff&sort=presentation_deadline&customer=BREMSEN%20WERK%20GMBH"); len(got) != 2 {
			t.Errorf("by bank and customer: %v", got)
		}

		// Approved and presented: shipped on Sunday 8 March, presented on Tuesday 10 March.
		b.fireOK(t, bl, frankfurt.ID, `{"event":"submit"}`)
		b.fireOK(t, rita, frankfurt.ID, `{"event":"pass_review","payload":{"amount_matches":true,"expiry_ok":true,"latest_shipment_ok":true,"documents_required_ok":true,"confirmation_ok":true}}`)
		b.fireOK(t, bea, frankfurt.ID, `{"event":"approve"}`)
		b.fireOK(t, bl, frankfurt.ID, `{"event":"present_to_bank","comment":"documents complete, not linked here","payload":{"presentation_date":"2026-03-10","shipment_date":"2026-03-08"}}`)
		one = b.register(t, bl, "")["FRA-1"]
		// 8 March + 21 = Sunday 29 March, moved to Monday 30; the bank examines until Tuesday 17 March.
		if one.ShipmentDate != "2026-03-08" || one.PresentationDeadline != "2026-03-30" || one.ExaminationDeadline != "2026-03-17" ||
			one.State != "submitted_to_bank" || len(one.Discrepancies) != 0 {
			t.Errorf("presented: %+v", one)
		}
		b.fireOK(t, bl, frankfurt.ID, `{"event":"record_discrepancies","payload":{"discrepancies":["invoice amount over the credit"]}}`)
		one = b.register(t, bl, "?state=discrepant")["FRA-1"]
		if len(one.Discrepancies) != 1 || one.Discrepancies[0] != "invoice amount over the credit" {
			t.Errorf("discrepant: %+v", one)
		}
		for _, bad := range []string{"?expiring_within=soon", "?sort=color", "?state=bogus", "?expiring_within=-1"} {
			b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/letters-of-credit"+bad, bl, nil), http.StatusBadRequest)
		}
	})
}

// TestLCAmendments: an MT707 waits as the LC's pending amendment until bank
// liaison accepts it, which changes the LC field by field and records the
// changes in the history, or rejects it, which changes nothing.
func TestLCAmendments(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		b.AddUser(t, "bl", []dossier.Role{dossier.RoleBankLiaison}, 0)
		b.AddUser(t, "rita", []dossier.Role{dossier.RoleReviewer}, 0)
		bl, rita := b.SignIn(t, "bl"), b.SignIn(t, "rita")
		d := b.postMT700(t, bl, "?create=true", mt700("FRA-3", "260331FRANKFURT", "260315", "21"), http.StatusCreated).Document
		path := "/api/v1/documents/" + d.ID + "/amendments"
		amend := func(text string, want int) dossier.Amendment {
			t.Helper()
			resp := b.Do(t, http.MethodPost, path, bl, strings.NewReader(text), "Content-Type", "text/plain")
			var a dossier.Amendment
			if resp.StatusCode != want {
				t.Fatalf("amend: %d, want %d: %s", resp.StatusCode, want, b.Body(t, resp))
			}
			if want == http.StatusCreated {
				b.JSON(t, resp, &a)
			} else {
				b.Body(t, resp)
			}
			return a
		}
		first := amend(":20:FRA-3\n:21:NONREF\n:26E:1\n:30:260305\n:22A:ISSU\n:31D:260430FRANKFURT\n:32B:EUR50000,00\n:44C:260415\n"+
			":46B:/ADD/CERTIFICATE OF ORIGIN\n", http.StatusCreated)
		if first.State != dossier.AmendmentPending || first.Number == nil || *first.Number != 1 {
			t.Fatalf("recorded: %+v", first)
		}
		amend(":20:FRA-3\n:21:NONREF\n:26E:2\n:30:260306\n:31D:260530FRANKFURT\n", http.StatusConflict)   // one pending at a time
		amend(":20:OTHER-9\n:21:NONREF\n:26E:2\n:30:260306\n:31D:260530FRANKFURT\n", http.StatusConflict) // another credit
		amend(mt700("FRA-3", "260331FRANKFURT", "260315", "21"), http.StatusUnprocessableEntity)          // an MT700
		if p := b.register(t, bl, "")["FRA-3"]; p.ID == "" {
			t.Fatal("FRA-3 is not in the register")
		}
		var reg struct {
			Items []struct {
				PendingAmendment *struct{ ID string } `json:"pending_amendment"`
			}
		}
		b.getJSON(t, bl, "/api/v1/letters-of-credit", &reg)
		if len(reg.Items) != 1 || reg.Items[0].PendingAmendment == nil || reg.Items[0].PendingAmendment.ID != first.ID {
			t.Errorf("register's pending amendment: %+v", reg.Items)
		}

		accept := path + "/" + first.ID + "/accept"
		b.RequireProblem(t, b.Do(t, http.MethodPost, accept, rita, nil), http.StatusForbidden)
		var after document
		b.send(t, http.MethodPost, accept, bl, "", http.StatusOK, &after)
		if after.Dates["expiry_date"] != "2026-04-30" || after.Dates["latest_shipment_date"] != "2026-04-15" || after.Amount != "550000.00" ||
			!strings.Contains(string(after.Fields), `"CERTIFICATE OF ORIGIN"`) || !strings.Contains(string(after.Fields), `"PACKING LIST"`) {
			t.Errorf("after accepting: %+v %s", after.Dates, after.Fields)
		}
		b.RequireProblem(t, b.Do(t, http.MethodPost, accept, bl, nil), http.StatusConflict)
		var history struct{ Items []dossier.HistoryEntry }
		b.getJSON(t, bl, "/api/v1/documents/"+d.ID+"/history", &history)
		found := false
		for _, h := range history.Items {
			found = found || h.Event == "accept_amendment" && strings.Contains(string(h.Payload), "expiry_date: 2026-03-31 → 2026-04-30") &&
				strings.Contains(string(h.Payload), `"amendment_number":1`)
		}
		if !found {
			t.Errorf("no accept_amendment with its changes in %+v", history.Items)
		}

		// A decrease beyond the amount cannot apply; rejected, it changes nothing.
		second := amend(":20:FRA-3\n:21:NONREF\n:26E:2\n:30:260310\n:33B:EUR600000,00\n", http.StatusCreated)
		b.RequireProblem(t, b.Do(t, http.MethodPost, path+"/"+second.ID+"/accept", bl, nil), http.StatusUnprocessableEntity)
		b.send(t, http.MethodPost, path+"/"+second.ID+"/reject", bl, "", http.StatusOK, &after)
		if after.Amount != "550000.00" {
			t.Errorf("after rejecting: amount %s", after.Amount)
		}
		var list struct{ Items []dossier.Amendment }
		b.getJSON(t, rita, path, &list)
		if len(list.Items) != 2 || list.Items[0].State != dossier.AmendmentAccepted || list.Items[1].State != dossier.AmendmentRejected {
			t.Errorf("amendments: %+v", list.Items)
		}
	})
}

// TestPresentationCheck: before the documents go to the bank, the LC is
// compared with the documents linked to it; present_to_bank refuses while
// there are findings, unless bank liaison says why in a comment.
func TestPresentationCheck(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		b.App.LC.Now = func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
		b.AddUser(t, "bl", []dossier.Role{dossier.RoleBankLiaison}, 0)
		b.AddUser(t, "rita", []dossier.Role{dossier.RoleReviewer}, 0)
		b.AddUser(t, "bea", []dossier.Role{dossier.RoleApprover}, 2)
		bl, rita, bea := b.SignIn(t, "bl"), b.SignIn(t, "rita"), b.SignIn(t, "bea")
		text := mt700("FRA-5", "260331FRANKFURT", "260315", "21") + ":47A:+ALL DOCUMENTS MUST SHOW THE CREDIT NUMBER\n"
		lc := b.postMT700(t, bl, "?create=true", text, http.StatusCreated).Document
		invoice := b.upload(t, "invoice.pdf", pdfOf(t, 1, "commercial invoice BRAKE DISCS"), `{"kind":"other","title":"Commercial invoice 77",`+
			`"customer":"BREMSEN WERK GMBH","amount":"560000.00","currency":"EUR","tags":["invoice"],"dates":{"shipment_date":"2026-03-16"}}`)
		b.send(t, http.MethodPost, "/api/v1/documents/"+lc.ID+"/links", b.admin, `{"target_id":"`+invoice.ID+`","relation":"invoice_for"}`, http.StatusCreated, nil)
		b.WaitJobs(t) // the invoice's text

		var check struct {
			Findings []struct{ Check, LCField, DocumentID, Expected, Found string } `json:"findings"`
		}
		b.getJSON(t, bl, "/api/v1/documents/"+lc.ID+"/presentation-check?presentation_date=2026-03-20", &check)
		fields := map[string]bool{}
		for _, f := range check.Findings {
			fields[f.Check] = true
		}
		got := []string{}
		for _, f := range check.Findings {
			got = append(got, f.Check)
		}
		want := []string{
			"invoice amount over the credit and its tolerance (art. 18(b), 30)",
			"shipment after the latest shipment date (UCP 600 art. 14(c))",
			"document required by the credit is not among the linked ones", // the packing list
			"the credit number must appear on every document (47A)",
		}
		for _, w := range want {
			if !fields[w] {
				t.Errorf("no finding %q in %q", w, got)
			}
		}
		if len(check.Findings) != len(want) {
			t.Errorf("findings %q, want exactly %q", got, want)
		}
		b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/documents/"+lc.ID+"/presentation-check?presentation_date=soon", bl, nil), http.StatusBadRequest)
		b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/documents/"+invoice.ID+"/presentation-check", bl, nil), http.StatusUnprocessableEntity)

		b.fireOK(t, bl, lc.ID, `{"event":"submit"}`)
		b.fireOK(t, rita, lc.ID, `{"event":"pass_review","payload":{"amount_matches":true,"expiry_ok":true,"latest_shipment_ok":true,"documents_required_ok":true,"confirmation_ok":true}}`)
		b.fireOK(t, bea, lc.ID, `{"event":"approve"}`)
		present := `{"event":"present_to_bank","payload":{"presentation_date":"2026-03-20"}}`
		p := b.RequireProblem(t, b.fire(t, bl, lc.ID, present), http.StatusUnprocessableEntity)
		if !strings.Contains(p.Detail, "presentation_check") || !strings.Contains(p.Detail, "560000.00 EUR") {
			t.Errorf("presenting with findings: %q", p.Detail)
		}
		d := b.fireOK(t, bl, lc.ID, `{"event":"present_to_bank","comment":"the applicant waives the amount; packing list by courier","payload":{"presentation_date":"2026-03-20"}}`)
		if d.State != "submitted_to_bank" {
			t.Errorf("presented anyway: %s", d.State)
		}
		var trail struct{ Items []dossier.AuditEvent }
		b.getJSON(t, b.admin, "/api/v1/audit?document_id="+lc.ID, &trail)
		found := false
		for _, e := range trail.Items {
			found = found || e.Action == "document.event" && strings.Contains(string(e.Details), "overridden_findings")
		}
		if !found {
			t.Error("the overridden findings are not in the audit trail")
		}
	})
}

// TestLCLifecycle drives an LC made from its MT700 through an amendment,
// review and approval, a presentation refused for discrepancies, the
// re-presentation and the payment to the archive.
func TestLCLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		b.App.LC.Now = func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
		b.AddUser(t, "bl", []dossier.Role{dossier.RoleBankLiaison}, 0)
		b.AddUser(t, "rita", []dossier.Role{dossier.RoleReviewer}, 0)
		b.AddUser(t, "bea", []dossier.Role{dossier.RoleApprover}, 2)
		bl, rita, bea := b.SignIn(t, "bl"), b.SignIn(t, "rita"), b.SignIn(t, "bea")
		lc := b.postMT700(t, bl, "?create=true", mt700("FRA-7", "260331FRANKFURT", "260315", "21"), http.StatusCreated).Document

		var a dossier.Amendment
		b.send(t, http.MethodPost, "/api/v1/documents/"+lc.ID+"/amendments", bl, ":20:FRA-7\n:21:NONREF\n:26E:1\n:30:260303\n:31D:260430FRANKFURT\n:44C:260410\n", http.StatusCreated, &a, "Content-Type", "text/plain")
		b.send(t, http.MethodPost, "/api/v1/documents/"+lc.ID+"/amendments/"+a.ID+"/accept", bl, "", http.StatusOK, nil)

		invoice := b.upload(t, "invoice.pdf", pdfOf(t, 1, "commercial invoice BRAKE DISCS FRA-7"), `{"kind":"other","title":"Commercial invoice 78",`+
			`"customer":"BREMSEN WERK GMBH","amount":"500000.00","currency":"EUR","tags":["invoice"]}`)
		packing := b.upload(t, "packing.pdf", pdfOf(t, 1, "packing list FRA-7"), `{"kind":"other","title":"Packing list 78"}`)
		for _, id := range []string{invoice.ID, packing.ID} {
			b.send(t, http.MethodPost, "/api/v1/documents/"+id+"/links", b.admin, `{"target_id":"`+lc.ID+`","relation":"related"}`, http.StatusCreated, nil)
		}
		b.WaitJobs(t)

		b.fireOK(t, bl, lc.ID, `{"event":"submit"}`)
		b.fireOK(t, rita, lc.ID, `{"event":"pass_review","payload":{"amount_matches":true,"expiry_ok":true,"latest_shipment_ok":true,"documents_required_ok":true,"confirmation_ok":true}}`)
		b.fireOK(t, bea, lc.ID, `{"event":"approve"}`)
		var check struct{ Findings []any }
		b.getJSON(t, bl, "/api/v1/documents/"+lc.ID+"/presentation-check?presentation_date=2026-04-12", &check)
		if len(check.Findings) != 0 {
			t.Errorf("compliant documents: findings %+v", check.Findings)
		}
		present := `{"event":"present_to_bank","payload":{"presentation_date":"2026-04-12","shipment_date":"2026-04-08","amount":"500000.00"}}`
		b.fireOK(t, bl, lc.ID, present)
		r := b.register(t, bl, "")["FRA-7"]
		var avail struct {
			Items []struct {
				AmountAvailable string `json:"amount_available"`
			}
		}
		b.getJSON(t, bl, "/api/v1/letters-of-credit", &avail)
		if r.ExpiryDate != "2026-04-30" || r.ExaminationDeadline != "2026-04-20" || len(avail.Items) != 1 || avail.Items[0].AmountAvailable != "50000.00" {
			t.Errorf("presented: %+v, available %+v", r, avail.Items)
		}
		b.fireOK(t, bl, lc.ID, `{"event":"record_discrepancies","payload":{"discrepancies":["late presentation"]}}`)
		b.fireOK(t, bl, lc.ID, `{"event":"present_to_bank","payload":{"presentation_date":"2026-04-14","amount":"500000.00"}}`)
		if r := b.register(t, bl, "")["FRA-7"]; r.State != "submitted_to_bank" || len(r.Discrepancies) != 0 || r.PresentationDate != "2026-04-14" {
			t.Errorf("re-presented: %+v", r)
		}
		b.fireOK(t, bl, lc.ID, `{"event":"record_payment","payload":{"paid_on":"2026-04-17"}}`)
		d := b.fireOK(t, b.admin, lc.ID, `{"event":"archive"}`)
		if d.State != "archived" {
			t.Errorf("archived: %s", d.State)
		}
		if rows := b.register(t, bl, ""); len(rows) != 0 {
			t.Errorf("the register still lists %v", rows)
		}
		var history struct{ Items []dossier.HistoryEntry }
		b.getJSON(t, bl, "/api/v1/documents/"+lc.ID+"/history", &history)
		var events []string
		for _, h := range history.Items {
			events = append(events, h.Event)
		}
		want := "accept_amendment,submit,pass_review,approve,present_to_bank,record_discrepancies,present_to_bank,record_payment,archive"
		if strings.Join(events, ",") != want {
			t.Errorf("history %v, want %s", events, want)
		}
	})
}
