package httpapi_test

import (
	"net/http"
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
		b.fireOK(t, bl, frankfurt.ID, `{"event":"present_to_bank","payload":{"presentation_date":"2026-03-10","shipment_date":"2026-03-08"}}`)
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
