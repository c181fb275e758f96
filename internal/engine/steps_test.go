package engine_test

// Firing events and checking what they did; payloads, paths to a state,
// jobs and the audit trail.

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"dossier/internal/audit"
	"dossier/internal/dossier"
	"dossier/internal/engine"
	"dossier/internal/store"
)

// ---- firing ----

// fire is one event to fire and what it must lead to.
type fire struct {
	by      dossier.User
	event   string
	payload any    // encoded as JSON; nil for none
	to      string // the state expected afterwards
	behalf  string // the expected on_behalf_of of the history entry
	comment string // default: "<event> by <username>"
}

func encode(t *testing.T, v any) json.RawMessage {
	t.Helper()
	if v == nil {
		return nil
	}
	if raw, ok := v.(json.RawMessage); ok {
		return raw
	}
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode payload: %v", err)
	}
	return raw
}

// mustFire fires f on document id with the version it reads as If-Match and
// checks the returned and stored document (state, version + 1) and the new
// history entry (event, from, to, actor, on behalf of, comment, payload).
func (e *env) mustFire(t *testing.T, id string, f fire) dossier.Document {
	t.Helper()
	before := e.get(t, id)
	hBefore := e.history(t, id)
	if f.comment == "" {
		f.comment = f.event + " by " + f.by.Username
	}
	payload := encode(t, f.payload)
	got, _, err := e.eng.Fire(e.ctx, f.by, id, engine.Fire{Event: f.event, Comment: f.comment, Payload: payload, IfMatch: new(before.Version)})
	if err != nil {
		t.Fatalf("%s by %s in %s: %v", f.event, f.by.Username, before.State, err)
	}
	if got.State != f.to || got.Version != before.Version+1 {
		t.Errorf("%s by %s returned state %s version %d, want %s version %d", f.event, f.by.Username, got.State, got.Version, f.to, before.Version+1)
	}
	stored := e.get(t, id)
	if stored.State != f.to || stored.Version != before.Version+1 {
		t.Errorf("%s by %s stored state %s version %d, want %s version %d", f.event, f.by.Username, stored.State, stored.Version, f.to, before.Version+1)
	}
	h := e.history(t, id)
	if len(h) != len(hBefore)+1 {
		t.Fatalf("%s: history has %d entries, want %d", f.event, len(h), len(hBefore)+1)
	}
	last := h[len(h)-1]
	want := dossier.HistoryEntry{DocumentID: id, Event: f.event, From: before.State, To: f.to, Actor: f.by.ID,
		OnBehalfOf: f.behalf, Comment: f.comment, Version: before.Version + 1}
	gotH := dossier.HistoryEntry{DocumentID: last.DocumentID, Event: last.Event, From: last.From, To: last.To, Actor: last.Actor,
		OnBehalfOf: last.OnBehalfOf, Comment: last.Comment, Version: last.Version}
	if !reflect.DeepEqual(gotH, want) {
		t.Errorf("history entry of %s:\n got %+v\nwant %+v", f.event, gotH, want)
	}
	if !sameJSON(last.Payload, payload) {
		t.Errorf("history payload of %s = %s, want %s", f.event, last.Payload, payload)
	}
	if !last.At.Equal(e.clock.Now().UTC().Truncate(time.Microsecond)) {
		t.Errorf("history entry of %s at %v, want the clock's %v", f.event, last.At, e.clock.Now())
	}
	return stored
}

// chain fires each step in order with mustFire.
func (e *env) chain(t *testing.T, id string, steps ...fire) dossier.Document {
	t.Helper()
	var d dossier.Document
	for _, s := range steps {
		d = e.mustFire(t, id, s)
	}
	return d
}

// refused fires and expects an error with code and a message holding every
// one of parts; it checks that the document, its history and its approvals
// did not change.
func (e *env) refused(t *testing.T, id string, by dossier.User, event string, payload any, code dossier.Code, parts ...string) string {
	t.Helper()
	return e.refusedFire(t, id, by, engine.Fire{Event: event, Payload: encode(t, payload)}, code, parts...)
}

func (e *env) refusedFire(t *testing.T, id string, by dossier.User, f engine.Fire, code dossier.Code, parts ...string) string {
	t.Helper()
	before := e.get(t, id)
	hBefore := e.history(t, id)
	aBefore := e.approvals(t, id)
	_, _, err := e.eng.Fire(e.ctx, by, id, f)
	wantError(t, err, code, parts...)
	after := e.get(t, id)
	if after.State != before.State || after.Version != before.Version || after.Round != before.Round {
		t.Errorf("refused %s changed the document: %s v%d r%d -> %s v%d r%d", f.Event,
			before.State, before.Version, before.Round, after.State, after.Version, after.Round)
	}
	if n := len(e.history(t, id)); n != len(hBefore) {
		t.Errorf("refused %s added history: %d -> %d entries", f.Event, len(hBefore), n)
	}
	if a := e.approvals(t, id); len(a.Approvals) != len(aBefore.Approvals) {
		t.Errorf("refused %s changed the approvals: %d -> %d", f.Event, len(aBefore.Approvals), len(a.Approvals))
	}
	return dossier.ErrorMessage(err)
}

// wantError fails unless err has code and its message contains every part.
func wantError(t *testing.T, err error, code dossier.Code, parts ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("got no error, want %s %q", code, parts)
		return
	}
	if got := dossier.ErrorCode(err); got != code {
		t.Errorf("got code %s (%v), want %s", got, err, code)
	}
	msg := dossier.ErrorMessage(err)
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("message %q does not mention %q", msg, p)
		}
	}
}

func sameJSON(a, b []byte) bool {
	empty := func(x []byte) bool {
		s := strings.TrimSpace(string(x))
		return s == "" || s == "null" || s == "{}"
	}
	if empty(a) || empty(b) {
		return empty(a) && empty(b)
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// ---- payloads ----

func poChecklist() map[string]any {
	return map[string]any{"price_matches_quotation": true, "delivery_date_confirmed": true, "gpn_lpn_verified": true}
}

func lcChecklist() map[string]any {
	return map[string]any{"amount_matches": true, "expiry_ok": true, "latest_shipment_ok": true,
		"documents_required_ok": true, "confirmation_ok": true}
}

// without returns a copy of m without key.
func without(m map[string]any, key string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

// with returns a copy of m with key set to v.
func with(m map[string]any, key string, v any) map[string]any {
	out := without(m, key)
	out[key] = v
	return out
}

// ---- paths to a state ----

// toPendingApproval moves a purchase order, contract, LC or tooling invoice
// in its initial state to pending_approval: submitter submits, reviewer passes.
func (e *env) toPendingApproval(t *testing.T, d dossier.Document, submitter, reviewer dossier.User) dossier.Document {
	t.Helper()
	var pass any = poChecklist()
	switch d.Kind {
	case dossier.KindLetterOfCredit:
		pass = lcChecklist()
	case dossier.KindToolingInvoice:
		pass = nil
	case dossier.KindFrameworkAgreement:
		e.mustFire(t, d.ID, fire{by: submitter, event: "submit", to: "department_review"})
		for _, dep := range e.departments(t, d.Kind) {
			e.review(t, d.ID, reviewer, dep, "approve")
		}
		return e.mustFire(t, d.ID, fire{by: reviewer, event: "complete_review", to: "pending_approval"})
	}
	e.mustFire(t, d.ID, fire{by: submitter, event: "submit", to: "in_review"})
	return e.mustFire(t, d.ID, fire{by: reviewer, event: "pass_review", payload: pass, to: "pending_approval"})
}

func (e *env) departments(t *testing.T, k dossier.Kind) []string {
	t.Helper()
	def, ok := e.defs.Kind(k)
	if !ok {
		t.Fatalf("no definition for %s", k)
	}
	return def.Departments()
}

// review records a department review and checks what was stored.
func (e *env) review(t *testing.T, id string, by dossier.User, dep, decision string) dossier.Review {
	t.Helper()
	before := e.get(t, id)
	r, err := e.eng.Review(e.ctx, by, id, engine.ReviewRequest{Department: dep, Decision: decision, Comment: dep + " says " + decision})
	if err != nil {
		t.Fatalf("review %s %s by %s: %v", dep, decision, by.Username, err)
	}
	if r.Department != dep || r.Decision != decision || r.ReviewerID != by.ID || r.Round != before.Round || r.DocumentID != id {
		t.Errorf("review returned %+v, want %s/%s by %s in round %d", r, dep, decision, by.ID, before.Round)
	}
	var stored []dossier.Review
	e.read(t, func(tx store.Tx) (err error) { stored, err = tx.Reviews(e.ctx, id, before.Round); return err })
	if len(stored) == 0 || stored[len(stored)-1].Department != dep || stored[len(stored)-1].Decision != decision {
		t.Errorf("stored reviews of round %d = %+v, want the last one %s/%s", before.Round, stored, dep, decision)
	}
	return r
}

// ---- jobs and audit ----

// jobPayload is what the engine writes in an effect's job.
type jobPayload struct {
	DocumentID string `json:"document_id"`
	Version    int    `json:"version"`
	State      string `json:"state"`
}

// claimAll returns the payloads of every queued job of kind, in order.
func (e *env) claimAll(t *testing.T, kind string) []jobPayload {
	t.Helper()
	var jobs []store.Job
	e.read(t, func(tx store.Tx) (err error) { jobs, err = tx.Jobs(e.ctx, kind, 1000); return err })
	var out []jobPayload
	for _, j := range jobs {
		var p jobPayload
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			t.Fatalf("job %d payload %s: %v", j.ID, j.Payload, err)
		}
		out = append(out, p)
	}
	return out
}

// jobStates lists the states of kind's jobs for one document.
func (e *env) jobStates(t *testing.T, kind, id string) []string {
	t.Helper()
	states := []string{}
	for _, p := range e.claimAll(t, kind) {
		if p.DocumentID == id {
			states = append(states, p.State)
		}
	}
	return states
}

func (e *env) verifyAudit(t *testing.T) {
	t.Helper()
	res, err := audit.Verify(e.ctx, e.st)
	if err != nil {
		t.Fatalf("audit verify: %v", err)
	}
	if !res.OK || res.Checked == 0 {
		t.Errorf("audit verify = %+v, want ok with events checked", res)
	}
}

// auditActions lists the actions recorded for a document, in order.
func (e *env) auditActions(t *testing.T, id string) []dossier.AuditEvent {
	t.Helper()
	events, _, err := audit.NewTrail(e.st).List(e.ctx, audit.Filter{DocumentID: id})
	if err != nil {
		t.Fatalf("audit list %s: %v", id, err)
	}
	return events
}

func usernames(users ...dossier.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Username
	}
	slices.Sort(out)
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
