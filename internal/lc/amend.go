package lc

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/oklog/ulid/v2"

	"dossier/internal/audit"
	"dossier/internal/documents"
	"dossier/internal/dossier"
	"dossier/internal/store"
	"dossier/internal/swift"
)

// Amend records an MT707 for LC document id as its pending amendment: its
// 20 must be the LC's number, and an LC has one pending amendment at a time.
func (s *Service) Amend(ctx context.Context, actor dossier.User, id string, text []byte) (dossier.Amendment, error) {
	m, err := Parse(text)
	if err != nil {
		return dossier.Amendment{}, err
	}
	if m.MessageType != "707" || m.Amendment == nil {
		return dossier.Amendment{}, dossier.Errorf(dossier.EUnprocessable, "an amendment is an MT707; this is an MT%s", m.MessageType)
	}
	if len(m.Errors) > 0 {
		return dossier.Amendment{}, dossier.Errorf(dossier.EUnprocessable, "the MT707 has errors: %s", problems(m.Errors))
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return dossier.Amendment{}, fmt.Errorf("encode the MT707: %w", err)
	}
	now := s.Now().UTC().Truncate(time.Microsecond)
	a := dossier.Amendment{ID: ulid.Make().String(), DocumentID: id, Number: m.Amendment.AmendmentNumber, Message: raw,
		State: dossier.AmendmentPending, CreatedBy: actor.ID, CreatedAt: now}
	err = s.store.Write(ctx, func(tx store.Tx) error {
		d, err := s.letterOfCredit(ctx, tx, id)
		if err != nil {
			return err
		}
		if number := strings.TrimSpace(string(m.Amendment.LCNumber)); !strings.EqualFold(number, d.Number) {
			return dossier.Errorf(dossier.EConflict, "the MT707 amends credit %q; this LC is %q", number, d.Number)
		}
		all, err := tx.Amendments(ctx, id)
		if err != nil {
			return err
		}
		if i := slices.IndexFunc(all, func(a dossier.Amendment) bool { return a.State == dossier.AmendmentPending }); i >= 0 {
			return dossier.Errorf(dossier.EConflict, "amendment %s of this LC is still pending: accept or reject it first", all[i].ID)
		}
		if err := tx.AddAmendment(ctx, a); err != nil {
			return err
		}
		return audit.Append(ctx, tx, now, audit.Event{Actor: actor.ID, Action: "lc.amendment", DocumentID: id,
			Details: map[string]any{"amendment_id": a.ID, "number": a.Number}})
	})
	return a, err
}

// Amendments lists the amendments of LC document id.
func (s *Service) Amendments(ctx context.Context, id string) ([]dossier.Amendment, error) {
	var out []dossier.Amendment
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		if _, err := s.letterOfCredit(ctx, tx, id); err != nil {
			return err
		}
		out, err = tx.Amendments(ctx, id)
		return err
	})
	return out, err
}

// Settle accepts or rejects pending amendment aid of LC document id (UCP 600
// art. 10). Accepting applies its changes to the LC as an edit (audited with
// each field's old and new value; amount and currency change only while the
// LC is prepared, as for any edit); both record accept_amendment or
// reject_amendment in the LC's history with the amendment's number and
// changes.
func (s *Service) Settle(ctx context.Context, actor dossier.User, id, aid string, accept bool) (dossier.Document, error) {
	var d dossier.Document
	var a dossier.Amendment
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		if d, err = s.letterOfCredit(ctx, tx, id); err != nil {
			return err
		}
		all, err := tx.Amendments(ctx, id)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(all, func(a dossier.Amendment) bool { return a.ID == aid })
		if i < 0 {
			return dossier.Errorf(dossier.ENotFound, "LC %s has no amendment %q", id, aid)
		}
		a = all[i]
		if a.State != dossier.AmendmentPending {
			return dossier.Errorf(dossier.EConflict, "amendment %s is already %s", aid, a.State)
		}
		return nil
	})
	if err != nil {
		return d, err
	}
	var m swift.Message
	if err := json.Unmarshal(a.Message, &m); err != nil || m.Amendment == nil {
		return d, fmt.Errorf("read amendment %s: %v", aid, err)
	}
	state, event := dossier.AmendmentRejected, "reject_amendment"
	var changes []string
	var patch []byte
	if accept {
		state, event = dossier.AmendmentAccepted, "accept_amendment"
		if patch, changes, err = amendmentPatch(d, m); err != nil {
			return d, err
		}
	}
	settle := func(ctx context.Context, tx store.Tx, d dossier.Document) error {
		now := s.Now().UTC().Truncate(time.Microsecond)
		if err := tx.DecideAmendment(ctx, aid, state, actor.ID, now); err != nil {
			return err
		}
		payload, err := json.Marshal(map[string]any{"amendment_id": aid, "amendment_number": a.Number, "changes": changes})
		if err != nil {
			return err
		}
		if err := tx.AddHistory(ctx, dossier.HistoryEntry{DocumentID: id, Event: event, From: d.State, To: d.State, Actor: actor.ID,
			Payload: payload, Version: d.Version, At: now, SHA256: d.File.SHA256}); err != nil {
			return err
		}
		return audit.Append(ctx, tx, now, audit.Event{Actor: actor.ID, Action: "lc." + event, DocumentID: id,
			Details: map[string]any{"amendment_id": aid, "number": a.Number, "changes": changes}})
	}
	if !accept || len(changes) == 0 {
		err = s.store.Write(ctx, func(tx store.Tx) error { return settle(ctx, tx, d) })
		return d, err
	}
	return s.docs.Patch(ctx, actor, id, d.Version, patch, documents.Also(settle))
}

func (s *Service) letterOfCredit(ctx context.Context, tx store.Tx, id string) (dossier.Document, error) {
	d, err := tx.Document(ctx, id)
	if err != nil {
		return d, err
	}
	if d.Kind != dossier.KindLetterOfCredit {
		return d, dossier.Errorf(dossier.EUnprocessable, "document %s is a %s, not a letter_of_credit", id, d.Kind)
	}
	return d, nil
}

// amendmentPatch is the merge patch an accepted MT707 makes of LC d, and the
// changes it makes in words ("expiry_date: 2026-03-31 → 2026-04-30").
func amendmentPatch(d dossier.Document, m swift.Message) ([]byte, []string, error) {
	am, lc := m.Amendment, m.LC
	if lc == nil {
		lc = &swift.LC{}
	}
	var t struct {
		Expiry     string   `json:"expiry_place"`
		Documents  []string `json:"documents_required"`
		Conditions []string `json:"additional_conditions"`
		Goods      string   `json:"goods"`
	}
	if len(d.Fields) > 0 {
		_ = json.Unmarshal(d.Fields, &t)
	}
	dates, fields, top := map[string]any{}, map[string]any{}, map[string]any{}
	var changes []string
	note := func(name, old, new string) {
		if old != new {
			changes = append(changes, fmt.Sprintf("%s: %s → %s", name, orNone(old), orNone(new)))
		}
	}
	if !am.NewExpiryDate.IsZero() {
		note("expiry_date", d.Dates["expiry_date"], am.NewExpiryDate.String())
		dates["expiry_date"] = am.NewExpiryDate.String()
	}
	if p := oneLine(string(am.NewExpiryPlace)); p != "" {
		note("expiry_place", t.Expiry, p)
		fields["expiry_place"] = p
	}
	if ls := am.LatestShipmentDate; !ls.IsZero() {
		note("latest_shipment_date", d.Dates["latest_shipment_date"], ls.String())
		dates["latest_shipment_date"] = ls.String()
	}
	if lc.TolerancePlus != "" {
		fields["tolerance_plus"], fields["tolerance_minus"] = string(lc.TolerancePlus), string(lc.ToleranceMinus)
		changes = append(changes, fmt.Sprintf("tolerance: %s/%s", lc.TolerancePlus, lc.ToleranceMinus))
	}
	amount, err := amended(d, am)
	if err != nil {
		return nil, nil, err
	}
	if amount != "" {
		note("amount", d.Amount, amount)
		top["amount"] = amount
	}
	for _, c := range am.Changes {
		text := oneLine(c.Text)
		switch c.Tag {
		case "46B":
			t.Documents = applyChange(t.Documents, c.Code, text)
			fields["documents_required"] = t.Documents
		case "47B":
			t.Conditions = applyChange(t.Conditions, c.Code, text)
			fields["additional_conditions"] = t.Conditions
		case "45B":
			if goods := strings.Join(applyChange([]string{t.Goods}, c.Code, text), " "); goods != t.Goods {
				t.Goods = goods
				fields["goods"] = goods
			}
		default:
			continue
		}
		changes = append(changes, fmt.Sprintf("%s %s %s", c.Tag, orNone(c.Code), text))
	}
	if len(dates) > 0 {
		top["dates"] = dates
	}
	if len(fields) > 0 {
		top["fields"] = fields
	}
	patch, err := json.Marshal(top)
	return patch, changes, err
}

// amended is the LC's amount after 32B (increase), 33B (decrease) or 34B
// (the new amount), or "" when the amendment leaves it.
func amended(d dossier.Document, am *swift.Amendment) (string, error) {
	if am.NewAmount != nil {
		return inCurrency(string(am.NewAmount.Amount), d.Currency), sameCurrency(d, am.NewAmount)
	}
	change := am.Increase
	sign := 1
	if change == nil {
		change, sign = am.Decrease, -1
	}
	if change == nil {
		return "", nil
	}
	if err := sameCurrency(d, change); err != nil {
		return "", err
	}
	var cur, by, out apd.Decimal
	if _, _, err := cur.SetString(orZero(d.Amount)); err != nil {
		return "", dossier.Errorf(dossier.EUnprocessable, "the LC's amount %q is not a number", d.Amount)
	}
	if _, _, err := by.SetString(string(change.Amount)); err != nil {
		return "", dossier.Errorf(dossier.EUnprocessable, "the amendment's amount %q is not a number", change.Amount)
	}
	ctx := apd.BaseContext.WithPrecision(40)
	if sign > 0 {
		_, _ = ctx.Add(&out, &cur, &by)
	} else {
		_, _ = ctx.Sub(&out, &cur, &by)
	}
	if out.Negative {
		return "", dossier.Errorf(dossier.EUnprocessable, "the decrease of %s %s is more than the LC's amount %s", change.Amount, change.Currency, d.Amount)
	}
	return inCurrency(out.Text('f'), d.Currency), nil
}

func sameCurrency(d dossier.Document, m *swift.Money) error {
	if d.Currency != "" && !strings.EqualFold(m.Currency, d.Currency) {
		return dossier.Errorf(dossier.EUnprocessable, "the amendment is in %s; the LC is in %s", m.Currency, d.Currency)
	}
	return nil
}

// applyChange applies a coded paragraph of 45B/46B/47B to a list of items.
func applyChange(items []string, code, text string) []string {
	switch code {
	case "/DELETE/":
		return slices.DeleteFunc(slices.Clone(items), func(s string) bool { return strings.EqualFold(s, text) })
	case "/REPALL/":
		return []string{text}
	}
	return append(slices.Clone(items), text) // /ADD/, or a paragraph with no code
}

func problems(ps []swift.Problem) string {
	var list []string
	for _, p := range ps {
		list = append(list, fmt.Sprintf("%s: %s", p.Tag, p.Message))
	}
	return strings.Join(list, "; ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}
