package lc

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"

	"dossier/internal/dossier"
	"dossier/internal/store"
	"dossier/internal/ucp"
	"dossier/internal/workflow"
)

// The urgencies of the register (SPEC §7): by the nearest open deadline.
const (
	Overdue  = "overdue"
	Within7  = "7d"
	Within30 = "30d"
	Later    = "later"
)

// Row is one LC of the register, with its deadlines counted on the banking
// calendar of its place (UCP 600).
type Row struct {
	ID       string `json:"id"`
	Number   string `json:"number"`
	State    string `json:"state"`
	Customer string `json:"customer"`
	Bank     string `json:"bank"`
	Currency string `json:"currency"`
	Amount   string `json:"amount"`
	// AmountAvailable is the amount with its tolerance, less what the last
	// presentation drew (present_to_bank's amount).
	AmountAvailable      string            `json:"amount_available"`
	PresentedAmount      string            `json:"presented_amount"`
	TolerancePlus        string            `json:"tolerance_plus"`
	ToleranceMinus       string            `json:"tolerance_minus"`
	ExpiryDate           string            `json:"expiry_date"`
	ExpiryPlace          string            `json:"expiry_place"`
	LatestShipmentDate   string            `json:"latest_shipment_date"`
	ShipmentDate         string            `json:"shipment_date"`     // the actual one, once given
	PresentationDate     string            `json:"presentation_date"` // the last presentation, once made
	PresentationDeadline string            `json:"presentation_deadline"`
	ExaminationDeadline  string            `json:"examination_deadline"`
	Calendar             string            `json:"calendar"`
	DaysToExpiry         *int              `json:"days_to_expiry"`
	Urgency              string            `json:"urgency"`
	Discrepancies        []string          `json:"discrepancies"`
	PendingAmendment     *PendingAmendment `json:"pending_amendment"`
	// dates are the document's own, which a workflow's scheduled events name.
	dates map[string]string
}

// PendingAmendment is an MT707 received and not yet accepted or rejected.
type PendingAmendment struct {
	ID         string    `json:"id"`
	Number     *int      `json:"number"`
	ReceivedAt time.Time `json:"received_at"`
}

// Filter selects the register's rows; zero members select all.
type Filter struct {
	ExpiringWithin *int // days from today, expiry included
	Bank           string
	State          string
	Customer       string
	Sort           string // expiry_date (default), presentation_deadline, number, urgency
}

// Sorts are the orders the register offers.
var Sorts = []string{"expiry_date", "presentation_deadline", "number", "urgency"}

// Register lists the LCs that are not in a final state, as of today.
func (s *Service) Register(ctx context.Context, f Filter) ([]Row, error) {
	def, err := s.defs.Lookup(dossier.KindLetterOfCredit)
	if err != nil {
		return nil, err
	}
	if f.Sort != "" && !slices.Contains(Sorts, f.Sort) {
		return nil, dossier.Errorf(dossier.EInvalid, "sort %s: use one of %s", dossier.Clip(f.Sort), strings.Join(Sorts, ", "))
	}
	if f.State != "" && !slices.Contains(def.States, f.State) {
		return nil, dossier.Errorf(dossier.EInvalid, "state %s: use one of %s", dossier.Clip(f.State), strings.Join(def.States, ", "))
	}
	var in []store.KindState
	for _, st := range def.States {
		if !def.IsFinal(st) && (f.State == "" || f.State == st) {
			in = append(in, store.KindState{Kind: dossier.KindLetterOfCredit, State: st})
		}
	}
	rows := []Row{}
	if len(in) == 0 {
		return rows, nil
	}
	day := civil(s.Now())
	// Three reads whatever the number of LCs: the documents, the events
	// that carry presentations, the pending amendments.
	err = s.store.Read(ctx, func(tx store.Tx) error {
		docs, err := tx.ListDocuments(ctx, store.DocumentFilter{In: in, Customer: f.Customer})
		if err != nil {
			return err
		}
		history, err := tx.HistoryOfKind(ctx, dossier.KindLetterOfCredit, presentationEvents(def))
		if err != nil {
			return err
		}
		byDoc := map[string][]dossier.HistoryEntry{}
		for _, h := range history {
			byDoc[h.DocumentID] = append(byDoc[h.DocumentID], h)
		}
		pending, err := tx.PendingAmendments(ctx)
		if err != nil {
			return err
		}
		waiting := map[string]dossier.Amendment{}
		for _, a := range pending {
			waiting[a.DocumentID] = a
		}
		for _, d := range docs {
			r := row(d, day, byDoc[d.ID])
			if a, ok := waiting[d.ID]; ok {
				r.PendingAmendment = &PendingAmendment{ID: a.ID, Number: a.Number, ReceivedAt: a.CreatedAt}
			}
			if keep(r, f) {
				rows = append(rows, r)
			}
		}
		return nil
	})
	sortRows(rows, f.Sort)
	return rows, err
}

// terms are the fields of an LC document the register reads.
type terms struct {
	IssuingBank      string `json:"issuing_bank"`
	AdvisingBank     string `json:"advising_bank"`
	ExpiryPlace      string `json:"expiry_place"`
	TolerancePlus    string `json:"tolerance_plus"`
	ToleranceMinus   string `json:"tolerance_minus"`
	PresentationDays int    `json:"presentation_period_days"`
	Calendar         string `json:"calendar"`
}

// presentationEvents are the events whose payload says what was presented
// (presentation_date, shipment_date, amount) or refused (discrepancies).
func presentationEvents(def *workflow.Definition) []string {
	var out []string
	for _, ev := range def.Events {
		if _, ok := ev.Payload["presentation_date"]; ok {
			out = append(out, ev.Name)
		} else if _, ok := ev.Payload["discrepancies"]; ok {
			out = append(out, ev.Name)
		}
	}
	return out
}

// row is LC d as the register shows it, given the entries of its history
// that carry presentations.
func row(d dossier.Document, today ucp.Date, history []dossier.HistoryEntry) Row {
	var t terms
	if len(d.Fields) > 0 {
		_ = json.Unmarshal(d.Fields, &t) // checked against the kind's field types on every write
	}
	r := Row{ID: d.ID, Number: d.Number, State: d.State, Customer: d.Customer, Bank: t.IssuingBank, Currency: d.Currency,
		Amount: d.Amount, TolerancePlus: t.TolerancePlus, ToleranceMinus: t.ToleranceMinus, ExpiryDate: d.Dates["expiry_date"],
		ExpiryPlace: t.ExpiryPlace, LatestShipmentDate: d.Dates["latest_shipment_date"], Discrepancies: []string{}, dates: d.Dates}
	cal, ok := ucp.Lookup(t.Calendar)
	if !ok {
		cal = ucp.CalendarFor(t.ExpiryPlace, t.AdvisingBank, t.IssuingBank)
	}
	r.Calendar = cal.Name
	presentations(history, &r)
	terms := ucp.Terms{Expiry: date(r.ExpiryDate), LatestShipment: date(r.LatestShipmentDate), ActualShipment: date(r.ShipmentDate),
		PresentationDays: t.PresentationDays, Presented: date(r.PresentationDate)}
	dl := terms.Deadlines(cal)
	r.PresentationDeadline, r.ExaminationDeadline = text(dl.Presentation), text(dl.Examination)
	if !terms.Expiry.IsZero() {
		n := daysBetween(today, dl.Expiry)
		r.DaysToExpiry = &n
	}
	r.Urgency = urgency(today, dl, r.PresentationDate != "")
	r.AmountAvailable = available(d.Amount, t.TolerancePlus, r.PresentedAmount, d.Currency)
	return r
}

// presentations reads the last presentation and the discrepancies recorded
// since from the LC's history: the payloads of the events that give them.
func presentations(history []dossier.HistoryEntry, r *Row) {
	for _, h := range history {
		var p struct {
			PresentationDate string   `json:"presentation_date"`
			ShipmentDate     string   `json:"shipment_date"`
			Amount           string   `json:"amount"`
			Discrepancies    []string `json:"discrepancies"`
		}
		if len(h.Payload) == 0 || json.Unmarshal(h.Payload, &p) != nil {
			continue
		}
		if p.PresentationDate != "" {
			r.PresentationDate, r.PresentedAmount, r.Discrepancies = p.PresentationDate, p.Amount, []string{}
		}
		if p.ShipmentDate != "" {
			r.ShipmentDate = p.ShipmentDate
		}
		if p.Discrepancies != nil {
			r.Discrepancies = p.Discrepancies
		}
	}
}

// urgency is by the nearest deadline still ahead: the presentation deadline
// until documents are presented, then the expiry.
func urgency(today ucp.Date, dl ucp.Deadlines, presented bool) string {
	next := dl.Presentation
	if presented || next.IsZero() {
		next = dl.Expiry
	}
	if next.IsZero() {
		return Later
	}
	switch n := daysBetween(today, next); {
	case n < 0:
		return Overdue
	case n <= 7:
		return Within7
	case n <= 30:
		return Within30
	}
	return Later
}

func keep(r Row, f Filter) bool {
	if f.ExpiringWithin != nil && (r.DaysToExpiry == nil || *r.DaysToExpiry < 0 || *r.DaysToExpiry > *f.ExpiringWithin) {
		return false
	}
	return f.Bank == "" || strings.Contains(strings.ToLower(r.Bank), strings.ToLower(f.Bank))
}

func sortRows(rows []Row, by string) {
	rank := map[string]int{Overdue: 0, Within7: 1, Within30: 2, Later: 3}
	slices.SortStableFunc(rows, func(a, b Row) int {
		var c int
		switch by {
		case "presentation_deadline":
			c = cmp.Compare(last(a.PresentationDeadline), last(b.PresentationDeadline))
		case "number":
			c = cmp.Compare(a.Number, b.Number)
		case "urgency":
			c = cmp.Compare(rank[a.Urgency], rank[b.Urgency])
		default:
			c = cmp.Compare(last(a.ExpiryDate), last(b.ExpiryDate))
		}
		return cmp.Or(c, cmp.Compare(a.ID, b.ID))
	})
}

// last puts a missing date after every date.
func last(d string) string { return cmp.Or(d, "9999-12-31") }

func date(s string) ucp.Date {
	d, _ := ucp.ParseDate(s) // dates are checked on every write; zero when absent
	return d
}

func text(d ucp.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func civil(t time.Time) ucp.Date {
	d, _ := ucp.ParseDate(t.UTC().Format(time.DateOnly))
	return d
}

func daysBetween(a, b ucp.Date) int {
	ta, _ := time.Parse(time.DateOnly, a.String())
	tb, _ := time.Parse(time.DateOnly, b.String())
	return int(tb.Sub(ta).Hours() / 24)
}

// available is amount plus tolerance less presented, in the currency's
// decimals; "" when the LC has no amount.
func available(amount, tolerancePlus, presented, currency string) string {
	ceiling, ok := withTolerance(amount, tolerancePlus)
	if !ok {
		return ""
	}
	var drawn apd.Decimal
	if _, _, err := drawn.SetString(presented); err == nil {
		_, _ = apd.BaseContext.WithPrecision(40).Sub(&ceiling, &ceiling, &drawn)
	}
	var out apd.Decimal
	_, _ = apd.BaseContext.WithPrecision(40).Quantize(&out, &ceiling, -int32(dossier.MinorUnits(currency)))
	return out.Text('f')
}
