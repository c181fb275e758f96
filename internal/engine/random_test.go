package engine_test

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/engine"
	"dossier/internal/store"
	"dossier/internal/workflow"
)

// TestRandomWalk fires random events by random users at random documents
// and checks after every step what must always hold: only 4xx refusals,
// refusals change nothing, Allowed agrees with Fire, the state belongs to
// the definition and matches the history, and the approvals of the current
// round obey SPEC §6 (levels in order, authority, one level per person,
// segregation of duties). The audit chain verifies every 100 steps.
//
// The seed is logged; DOSSIER_TEST_SEED replays a run.
func TestRandomWalk(t *testing.T) {
	t.Parallel()
	steps := map[string]int{"sqlite": 3000, "postgres": 1500}
	if testing.Short() {
		steps = map[string]int{"sqlite": 300, "postgres": 150}
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			seed := uint64(time.Now().UnixNano())
			if s := os.Getenv("DOSSIER_TEST_SEED"); s != "" {
				var err error
				if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
					t.Fatalf("DOSSIER_TEST_SEED=%q: %v", s, err)
				}
			}
			t.Logf("seed %d (DOSSIER_TEST_SEED=%d replays this run)", seed, seed)
			w := newWalk(t, setup(t, b), seed)
			start := time.Now()
			for i := range steps[b.name] {
				w.step(t, i)
				if i%100 == 99 {
					w.e.verifyAudit(t)
				}
				if t.Failed() && w.failures >= 10 {
					t.Fatalf("stopping after %d failures at step %d (seed %d)", w.failures, i, seed)
				}
			}
			w.e.verifyAudit(t)
			t.Logf("events fired by kind: %v", w.reached)
			t.Logf("%d steps in %v: %d fired, refusals by code %v", steps[b.name], time.Since(start).Round(time.Millisecond), w.fired, w.refusals)
			if w.fired < steps[b.name]/20 {
				t.Errorf("only %d of %d steps fired an event: the walk explores too little", w.fired, steps[b.name])
			}
		})
	}
}

type walk struct {
	e      *env
	rng    *rand.Rand
	users  []dossier.User
	byID   map[string]dossier.User
	admins []dossier.User
	// delegations as the test made them: to -> from -> active today
	delegations map[string]map[string]bool
	slots       []string // document ids
	required    map[string][]int
	failures    int
	fired       int
	refusals    map[dossier.Code]int
	reached     map[string]int // kind/event fired, for the log
}

// rates are the FX rates the walk sets; GBP deliberately has none.
var walkRates = map[string]string{"EUR": "1", "USD": "0.9"}

func newWalk(t *testing.T, e *env, seed uint64) *walk {
	w := &walk{e: e, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), byID: map[string]dossier.User{},
		delegations: map[string]map[string]bool{}, required: map[string][]int{}, refusals: map[dossier.Code]int{}, reached: map[string]int{}}
	add := func(name string, level int, roles ...dossier.Role) dossier.User {
		u := e.user(t, name, level, roles...)
		w.users = append(w.users, u)
		w.byID[u.ID] = u
		if u.HasRole(dossier.RoleAdmin) {
			w.admins = append(w.admins, u)
		}
		return u
	}
	add("ann-admin", 0, dossier.RoleAdmin)
	boss := add("ben-admin-l2", 2, dossier.RoleAdmin, dossier.RoleApprover)
	add("rae-reviewer", 0, dossier.RoleReviewer)
	rev := add("rex-reviewer-l1", 1, dossier.RoleReviewer, dossier.RoleApprover)
	a1 := add("al-l1", 1, dossier.RoleApprover)
	a2 := add("bo-l2", 2, dossier.RoleApprover)
	a3 := add("cy-l3", 3, dossier.RoleApprover)
	add("bea-bank-reviewer", 0, dossier.RoleBankLiaison, dossier.RoleReviewer)
	add("aud-auditor", 0, dossier.RoleAuditor)

	delegate := func(from, to dossier.User, start, until int) {
		if _, err := e.eng.Delegate(e.ctx, from, from.ID, engine.DelegationRequest{ToUserID: to.ID, From: day(start), Until: day(until)}); err != nil {
			t.Fatalf("delegate: %v", err)
		}
		if w.delegations[to.ID] == nil {
			w.delegations[to.ID] = map[string]bool{}
		}
		w.delegations[to.ID][from.ID] = w.delegations[to.ID][from.ID] || (start <= 0 && until >= 0)
	}
	delegate(a3, a1, -3, 3)    // active: al may sign level 3 for cy
	delegate(a2, rev, -3, 3)   // active: rex may sign level 2 for bo
	delegate(a3, boss, -9, -1) // ended yesterday
	if _, err := e.eng.SetFXRate(e.ctx, w.admins[0].ID, "USD", walkRates["USD"]); err != nil {
		t.Fatalf("SetFXRate: %v", err)
	}
	for range 10 {
		w.slots = append(w.slots, w.newDoc(t))
	}
	return w
}

var walkKinds = []dossier.Kind{
	dossier.KindPurchaseOrder, dossier.KindPurchaseOrder, dossier.KindPurchaseOrder,
	dossier.KindContract, dossier.KindFrameworkAgreement, dossier.KindFrameworkAgreement,
	dossier.KindLetterOfCredit, dossier.KindLetterOfCredit, dossier.KindToolingInvoice,
	dossier.KindCustoms, dossier.KindOther,
}

var walkAmounts = [][2]string{
	{"50000", "EUR"}, {"50000", "EUR"}, {"150000", "EUR"}, {"150000", "EUR"}, {"1500000", "EUR"},
	{"120000", "USD"}, {"1200000", "USD"}, {"70000", "GBP"},
}

func (w *walk) newDoc(t *testing.T) string {
	kind := walkKinds[w.rng.IntN(len(walkKinds))]
	am := walkAmounts[w.rng.IntN(len(walkAmounts))]
	d := w.e.doc(t, kind, w.admins[w.rng.IntN(len(w.admins))], amount(am[0], am[1]))
	w.required[d.ID] = specLevels(kind, am[0], am[1])
	return d.ID
}

// specLevels is SPEC §6's table, computed apart from the doa package; nil
// also stands for "no rate" (GBP), where no approval can happen.
func specLevels(kind dossier.Kind, amount, currency string) []int {
	rate, ok := walkRates[currency]
	if !ok {
		return nil
	}
	a, _ := new(big.Rat).SetString(amount)
	r, _ := new(big.Rat).SetString(rate)
	eur := new(big.Rat).Mul(a, r)
	below := func(n int64) bool { return eur.Cmp(new(big.Rat).SetInt64(n)) < 0 }
	switch kind {
	case dossier.KindCustoms, dossier.KindOther:
		return nil
	case dossier.KindLetterOfCredit:
		if below(1_000_000) {
			return []int{2}
		}
		return []int{2, 3}
	}
	switch {
	case below(100_000):
		return []int{1}
	case below(1_000_000):
		return []int{1, 2}
	}
	return []int{1, 2, 3}
}

func (w *walk) fail(t *testing.T, format string, args ...any) {
	t.Helper()
	w.failures++
	t.Errorf(format, args...)
}

// step is one random action and the checks after it.
func (w *walk) step(t *testing.T, i int) {
	t.Helper()
	e := w.e
	slot := w.rng.IntN(len(w.slots))
	id := w.slots[slot]
	before, h, _ := w.snapshot(t, id)
	hBefore := len(h)
	def, _ := e.defs.Kind(before.Kind)

	if len(def.Departments()) > 0 && (w.rng.IntN(8) == 0 || before.State == "department_review" && w.rng.IntN(2) == 0) {
		w.review(t, i, before, def)
		return
	}

	var ev workflow.Event
	switch r := w.rng.IntN(20); {
	case r == 0:
		ev = workflow.Event{Name: "teleport"}
	case r < 14 && len(def.EventsFrom(before.State)) > 0:
		ev = w.forward(def.EventsFrom(before.State))
	default:
		ev = def.Events[w.rng.IntN(len(def.Events))]
	}
	u := w.users[w.rng.IntN(len(w.users))]
	if holders := w.holders(ev); len(holders) > 0 && w.rng.IntN(10) < 7 {
		u = holders[w.rng.IntN(len(holders))] // mostly someone with the role, to get further
	}
	payload, correct := w.payload(ev)
	f := engine.Fire{Event: ev.Name, Payload: encode(t, payload), Comment: fmt.Sprintf("step %d", i)}
	stale := false
	switch w.rng.IntN(10) {
	case 0:
		f.IfMatch, stale = new(before.Version+1+w.rng.IntN(3)), true
	case 1, 2, 3, 4:
		f.IfMatch = new(before.Version)
	}
	allowed, err := e.eng.Allowed(e.ctx, u, before)
	if err != nil {
		w.fail(t, "step %d: Allowed(%s, %s): %v", i, u.Username, id, err)
		return
	}
	ifMatch := "none"
	if f.IfMatch != nil {
		ifMatch = fmt.Sprint(*f.IfMatch)
	}
	what := fmt.Sprintf("step %d: %s by %s on %s %s (%s v%d, payload %s, if-match %s)", i, ev.Name, u.Username, before.Kind, id, before.State, before.Version, f.Payload, ifMatch)

	got, _, err := e.eng.Fire(e.ctx, u, id, f)
	code := dossier.ErrorCode(err)
	if err != nil {
		w.refusals[code]++
		switch code {
		case dossier.EForbidden, dossier.EConflict, dossier.EUnprocessable, dossier.EInvalid:
		default:
			w.fail(t, "%s: %v — only 4xx refusals are expected", what, err)
		}
	} else {
		w.fired++
		w.reached[string(before.Kind)+"/"+ev.Name]++
	}
	if stale && err == nil {
		w.fail(t, "%s: a stale If-Match was accepted", what)
	}
	if stale && err != nil && code != dossier.EConflict {
		w.fail(t, "%s: stale If-Match gave %v, want %s", what, err, dossier.EConflict)
	}
	if !stale && correct {
		if offered := slices.Contains(allowed, ev.Name); offered != (err == nil) {
			w.fail(t, "%s: Allowed %v offered it: %v, but Fire returned %v", what, allowed, offered, err)
		}
	}

	after, hist, apps := w.snapshot(t, id)
	switch {
	case err != nil:
		if after.State != before.State || after.Version != before.Version || after.Round != before.Round || len(hist) != hBefore {
			w.fail(t, "%s: refused with %v, yet changed the document: %s v%d r%d (%d history) -> %s v%d r%d (%d history)",
				what, err, before.State, before.Version, before.Round, hBefore, after.State, after.Version, after.Round, len(hist))
		}
	default:
		last := hist[len(hist)-1]
		wantTo := ev.To
		if ev.Name == "approve" && got.State == before.State {
			wantTo = before.State // a level approved, more to go
		}
		if after.State != wantTo || got.State != wantTo || after.Version != before.Version+1 || len(hist) != hBefore+1 ||
			last.Event != ev.Name || last.Actor != u.ID || last.From != before.State || last.To != after.State || last.Version != after.Version {
			w.fail(t, "%s: fired, now %s v%d, history %+v; want %s v%d", what, after.State, after.Version, last, wantTo, before.Version+1)
		}
		if ev.Name == "approve" && after.State != "pending_approval" && len(apps) != len(w.required[id]) {
			w.fail(t, "%s: moved to %s with approvals %+v, want all levels %v", what, after.State, apps, w.required[id])
		}
	}
	w.invariants(t, what, after, def, hist, apps)
	if def.IsFinal(after.State) {
		w.slots[slot] = w.newDoc(t)
	}
}

// setbacks are the events that send a document back or out; the walk
// picks them less often so that documents get far along their workflows.
var setbacks = []string{"return", "reject", "cancel", "request_amendment", "reopen"}

// forward picks one of events, a setback with a quarter of the weight.
func (w *walk) forward(events []workflow.Event) workflow.Event {
	weights, total := make([]int, len(events)), 0
	for i, ev := range events {
		weights[i] = 4
		if slices.Contains(setbacks, ev.Name) {
			weights[i] = 1
		}
		total += weights[i]
	}
	n := w.rng.IntN(total)
	for i, wt := range weights {
		if n < wt {
			return events[i]
		}
		n -= wt
	}
	return events[len(events)-1]
}

// holders lists the users holding one of the event's roles.
func (w *walk) holders(ev workflow.Event) []dossier.User {
	var out []dossier.User
	for _, u := range w.users {
		if slices.ContainsFunc(ev.Roles, func(r string) bool { return u.HasRole(dossier.Role(r)) }) {
			out = append(out, u)
		}
	}
	return out
}

// review signs off a department (a reviewer's action beside the events).
func (w *walk) review(t *testing.T, i int, d dossier.Document, def *workflow.Definition) {
	t.Helper()
	reviewers := slices.DeleteFunc(slices.Clone(w.users), func(u dossier.User) bool { return !u.HasRole(dossier.RoleReviewer) })
	u := reviewers[w.rng.IntN(len(reviewers))] // the HTTP layer lets only reviewers sign off
	dep := def.Departments()[w.rng.IntN(len(def.Departments()))]
	if w.rng.IntN(10) == 0 {
		dep = "marketing"
	}
	decision := []string{"approve", "approve", "approve", "approve", "approve", "approve", "reject", "maybe"}[w.rng.IntN(8)]
	_, err := w.e.eng.Review(w.e.ctx, u, d.ID, engine.ReviewRequest{Department: dep, Decision: decision, Comment: "step review: " + decision})
	what := fmt.Sprintf("step %d: review %s/%s by %s on %s (%s)", i, dep, decision, u.Username, d.ID, d.State)
	wantOK := d.State == "department_review" && dep != "marketing" && decision != "maybe"
	if (err == nil) != wantOK {
		w.fail(t, "%s: %v, want success %v", what, err, wantOK)
	}
	if code := dossier.ErrorCode(err); err != nil && code != dossier.EConflict && code != dossier.EUnprocessable {
		w.fail(t, "%s: %v — only 4xx refusals are expected", what, err)
	}
	after, hist, apps := w.snapshot(t, d.ID)
	// A review leaves the state alone but bumps the version (so that a
	// complete_review racing it loses); a refused one changes nothing.
	wantVersion := d.Version
	if err == nil {
		wantVersion++
	}
	if after.State != d.State || after.Version != wantVersion {
		w.fail(t, "%s: a review moved the document to %s v%d", what, after.State, after.Version)
	}
	w.invariants(t, what, after, def, hist, apps)
}

// payload builds the event's payload: usually right, sometimes not.
// correct says whether every payload guard will pass.
func (w *walk) payload(ev workflow.Event) (map[string]any, bool) {
	p := map[string]any{}
	correct := true
	for _, g := range ev.Guards {
		switch g.Name {
		case workflow.GuardChecklist:
			for _, item := range g.Args {
				switch w.rng.IntN(12) {
				case 0:
					correct = false // missing
				case 1:
					p[item], correct = false, false
				case 2:
					p[item], correct = "true", false
				default:
					p[item] = true
				}
			}
		case workflow.GuardPayloadFields:
			for _, f := range g.Args {
				switch w.rng.IntN(8) {
				case 0:
					correct = false
				case 1:
					p[f], correct = "", false
				case 2:
					p[f], correct = []any{}, false
				default:
					if f == "discrepancies" {
						p[f] = []string{"bill of lading not clean"}
					} else {
						p[f] = "2026-04-01"
					}
				}
			}
		}
	}
	if w.rng.IntN(5) == 0 {
		// A member the event does not declare is refused.
		p["note"], correct = strings.Repeat("x", w.rng.IntN(20)), false
	}
	return p, correct
}

func (w *walk) snapshot(t *testing.T, id string) (dossier.Document, []dossier.HistoryEntry, []dossier.Approval) {
	t.Helper()
	var d dossier.Document
	var h []dossier.HistoryEntry
	var a []dossier.Approval
	w.e.read(t, func(tx store.Tx) (err error) {
		if d, err = tx.Document(w.e.ctx, id); err != nil {
			return err
		}
		if h, err = tx.History(w.e.ctx, id); err != nil {
			return err
		}
		a, err = tx.Approvals(w.e.ctx, id, d.Round)
		return err
	})
	return d, h, a
}

// invariants checks what holds after any step.
func (w *walk) invariants(t *testing.T, what string, d dossier.Document, def *workflow.Definition, hist []dossier.HistoryEntry, apps []dossier.Approval) {
	t.Helper()
	if !def.HasState(d.State) {
		w.fail(t, "%s: state %q is not a state of %s", what, d.State, d.Kind)
	}
	wantState := def.Initial
	if len(hist) > 0 {
		wantState = hist[len(hist)-1].To
	}
	if d.State != wantState {
		w.fail(t, "%s: state %s, but the history ends in %s", what, d.State, wantState)
	}
	if (d.State == "archived") != (d.ArchivedAt != nil) {
		w.fail(t, "%s: state %s with archived_at %v", what, d.State, d.ArchivedAt)
	}

	// The approvals of the current round are approve events fired since the
	// document last entered pending_approval (a rejection may already have
	// closed the round: then there are none); while it waits there, they are
	// exactly those events.
	start := -1
	for i, h := range hist {
		if h.To == "pending_approval" && h.From != "pending_approval" {
			start = i
		}
	}
	var approves []int // indexes into hist
	for i := start + 1; start >= 0 && i < len(hist); i++ {
		if hist[i].Event == "approve" {
			approves = append(approves, i)
		}
	}
	if len(apps) > len(approves) || d.State == "pending_approval" && len(apps) != len(approves) {
		w.fail(t, "%s: round %d holds %d approvals; %d approve events since the document entered pending_approval",
			what, d.Round, len(apps), len(approves))
	}
	// involvedBefore says who uploaded, submitted or reviewed the document
	// (in any round) before history entry n.
	involvedBefore := func(n int) map[string]string {
		involved := map[string]string{d.CreatedBy: "uploaded"}
		for _, h := range hist[:n] {
			switch h.Event {
			case "submit":
				involved[h.Actor] = "submitted"
			case "pass_review", "complete_review", "review":
				involved[h.Actor] = "reviewed (" + h.Event + ")"
			}
		}
		return involved
	}
	required := w.required[d.ID]
	if len(apps) > len(required) {
		w.fail(t, "%s: %d approvals in round %d, but only levels %v are required", what, len(apps), d.Round, required)
	}
	authority := map[string]int{}
	for i, a := range apps {
		involved := map[string]string{}
		if i < len(approves) {
			h := hist[approves[i]]
			if h.Actor != a.ApproverID || h.OnBehalfOf != a.OnBehalfOf {
				w.fail(t, "%s: approval %+v, but the history's approve %d is by %s for %q", what, a, i, h.Actor, h.OnBehalfOf)
			}
			involved = involvedBefore(approves[i])
		}
		if i < len(required) && a.Level != required[i] {
			w.fail(t, "%s: approval %d is of level %d, want %d (levels %v in order)", what, i, a.Level, required[i], required)
		}
		approver := w.byID[a.ApproverID]
		if !approver.HasRole(dossier.RoleApprover) {
			w.fail(t, "%s: level %d approved by %s, who is not an approver", what, a.Level, approver.Username)
		}
		source := approver
		if a.OnBehalfOf != "" {
			source = w.byID[a.OnBehalfOf]
			if !w.delegations[a.ApproverID][a.OnBehalfOf] {
				w.fail(t, "%s: level %d approved by %s on behalf of %s with no active delegation", what, a.Level, approver.Username, source.Username)
			}
		}
		if !source.HasRole(dossier.RoleApprover) || source.ApprovalLevel < a.Level {
			w.fail(t, "%s: level %d approved on the authority of %s (level %d)", what, a.Level, source.Username, source.ApprovalLevel)
		}
		for _, who := range []string{a.ApproverID, a.OnBehalfOf} {
			if who == "" {
				continue
			}
			if prev, ok := authority[who]; ok {
				w.fail(t, "%s: %s's authority signed levels %d and %d", what, w.byID[who].Username, prev, a.Level)
			}
			authority[who] = a.Level
			if why, ok := involved[who]; ok {
				w.fail(t, "%s: level %d approved by or for %s, who %s the document", what, a.Level, w.byID[who].Username, why)
			}
		}
	}
}
