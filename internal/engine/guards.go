package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"dossier/internal/doa"
	"dossier/internal/dossier"
	"dossier/internal/store"
	"dossier/internal/workflow"
)

// guardCheck evaluates the guards of one event on one document.
type guardCheck struct {
	e       *Engine
	tx      store.Tx
	doc     dossier.Document
	def     *workflow.Definition
	ev      workflow.Event
	actor   dossier.User
	payload map[string]any
	now     time.Time

	comment string

	// set by the doa guard
	approval  *dossier.Approval
	lastLevel bool
	// set by the presentation_check guard when the actor presents anyway
	overridden []string

	// facts is what the guards read about the document, shared by the
	// checks of every event offered on one read.
	facts *docFacts
}

// docFacts are the document's history, DOA round and the actor's
// standing on it, each read at most once however many events' guards ask:
// allowed_events checks every event on every read of a document.
type docFacts struct {
	history   []dossier.HistoryEntry
	approval  *approvalState
	candidate *doa.Candidate
	read      bool // history
}

func (g *guardCheck) shared() *docFacts {
	if g.facts == nil {
		g.facts = &docFacts{}
	}
	return g.facts
}

func (g *guardCheck) history(ctx context.Context) ([]dossier.HistoryEntry, error) {
	f := g.shared()
	if !f.read {
		h, err := g.tx.History(ctx, g.doc.ID)
		if err != nil {
			return nil, err
		}
		f.history, f.read = h, true
	}
	return f.history, nil
}

func (g *guardCheck) approvalState(ctx context.Context) (approvalState, error) {
	f := g.shared()
	if f.approval == nil {
		st, err := g.e.approvalState(ctx, g.tx, g.def, g.doc)
		if err != nil {
			return st, err
		}
		f.approval = &st
	}
	return *f.approval, nil
}

func (g *guardCheck) candidate(ctx context.Context) (doa.Candidate, error) {
	f := g.shared()
	if f.candidate == nil {
		h, err := g.history(ctx)
		if err != nil {
			return doa.Candidate{}, err
		}
		c, err := g.e.candidateFrom(ctx, g.tx, g.def, g.doc, g.actor, h)
		if err != nil {
			return c, err
		}
		f.candidate = &c
	}
	return *f.candidate, nil
}

func (g *guardCheck) check(ctx context.Context, guard workflow.Guard) error {
	switch guard.Name {
	case workflow.GuardRequiredFields:
		return g.requiredFields(guard.Args)
	case workflow.GuardChecklist:
		return g.checklist(guard.Args)
	case workflow.GuardPayloadFields:
		return g.payloadFields(guard.Args)
	case workflow.GuardReviewsComplete:
		return g.reviewsComplete(ctx)
	case workflow.GuardNotActorOf:
		return g.notActorOf(ctx, guard.Args)
	case workflow.GuardDOA:
		return g.doa(ctx)
	case workflow.GuardPresentationCheck:
		return g.presentationCheck(ctx)
	}
	return fmt.Errorf("guard %q has no implementation", guard.Name) // the loader refuses unknown guards
}

func failed(guard, format string, args ...any) error {
	return dossier.Errorf(dossier.EUnprocessable, "guard %s failed: %s", guard, fmt.Sprintf(format, args...))
}

// refusal is a guard's refusal that keeps what caused it in its chain; its
// problem (code and message) is the refusal's.
type refusal struct{ err, cause error }

func (r refusal) Error() string   { return r.err.Error() }
func (r refusal) Unwrap() []error { return []error{r.err, r.cause} }

// Unticked is the cause of a checklist refusal: the items left unconfirmed,
// for a page to name them as its boxes are labelled rather than as the
// payload keys the API's message names.
type Unticked struct{ Items []string }

func (u *Unticked) Error() string { return "unticked: " + strings.Join(u.Items, ", ") }

func (g *guardCheck) requiredFields(fields []string) error {
	var missing []string
	m := dossier.MetadataOf(g.doc)
	for _, f := range fields {
		if !m.Has(f) {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return failed("required_fields", "set %s on the document first", strings.Join(missing, ", "))
	}
	return nil
}

func (g *guardCheck) checklist(items []string) error {
	var open []string
	for _, item := range items {
		if v, _ := g.payload[item].(bool); !v {
			open = append(open, item)
		}
	}
	if len(open) > 0 {
		return refusal{failed("checklist", "confirm %s with true in the payload", strings.Join(open, ", ")), &Unticked{Items: open}}
	}
	return nil
}

func (g *guardCheck) payloadFields(names []string) error {
	var missing []string
	for _, n := range names {
		if empty(g.payload[n]) {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return failed("payload_fields", "give %s in the payload", strings.Join(missing, ", "))
	}
	return nil
}

func (g *guardCheck) reviewsComplete(ctx context.Context) error {
	reviews, err := g.tx.Reviews(ctx, g.doc.ID, g.doc.Round)
	if err != nil {
		return err
	}
	latest := map[string]string{}
	for _, r := range reviews {
		latest[r.Department] = r.Decision
	}
	var waiting, rejected []string
	for _, dep := range g.def.Departments() {
		switch latest[dep] {
		case workflow.DecisionApprove:
		case workflow.DecisionReject:
			rejected = append(rejected, dep)
		default:
			waiting = append(waiting, dep)
		}
	}
	switch {
	case len(rejected) > 0:
		return failed("reviews_complete", "rejected by %s", strings.Join(rejected, ", "))
	case len(waiting) > 0:
		return failed("reviews_complete", "waiting for the sign-off of %s", strings.Join(waiting, ", "))
	}
	return nil
}

func (g *guardCheck) notActorOf(ctx context.Context, events []string) error {
	history, err := g.history(ctx)
	if err != nil {
		return err
	}
	for _, h := range history {
		if h.Actor == g.actor.ID && slices.Contains(events, h.Event) {
			return failed("not_actor_of", "you fired %s on this document, so someone else must %s it", h.Event, g.ev.Name)
		}
	}
	return nil
}

func (g *guardCheck) doa(ctx context.Context) error {
	st, err := g.approvalState(ctx)
	if dossier.ErrorCode(err) == dossier.EUnprocessable {
		// e.g. no FX rate for the currency: kept as the cause, for a page to
		// say where the rate is set instead of the API's endpoint.
		return refusal{failed("doa", "%s", dossier.ErrorMessage(err)), err}
	}
	if err != nil {
		return err
	}
	if len(st.required) == 0 {
		return nil // this kind and amount need no approval
	}
	c, err := g.candidate(ctx)
	if err != nil {
		return err
	}
	if st.complete {
		// The required levels fell during the round (an FX rate changed):
		// the levels given suffice, and someone entitled to the highest one
		// moves the document on without a further level.
		if _, err := doa.Eligible(c, st.required[len(st.required)-1], st.done, g.now); err != nil {
			return failed("doa", "every required level is approved; %s", dossier.ErrorMessage(err))
		}
		g.lastLevel = true
		return nil
	}
	onBehalfOf, err := doa.Eligible(c, st.next, st.done, g.now)
	if err != nil {
		return failed("doa", "%s", dossier.ErrorMessage(err))
	}
	g.approval = &dossier.Approval{DocumentID: g.doc.ID, Level: st.next, ApproverID: g.actor.ID, OnBehalfOf: onBehalfOf}
	_, g.lastLevel = doa.Next(st.required, append(st.done, doa.Approval{Level: st.next, ApproverID: g.actor.ID}))
	return nil
}

// empty reports whether a payload value is absent: missing, null, "", [] or {}.
func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// presentationCheck refuses while the LC's linked documents show likely
// discrepancies, unless the actor says in the comment why they present
// anyway; the findings then go to the audit trail with the event.
func (g *guardCheck) presentationCheck(ctx context.Context) error {
	if g.e.PresentationCheck == nil {
		return nil
	}
	on, _ := g.payload["presentation_date"].(string)
	findings, err := g.e.PresentationCheck(ctx, g.tx, g.doc, on)
	if err != nil || len(findings) == 0 {
		return err
	}
	if strings.TrimSpace(g.comment) != "" {
		g.overridden = findings
		return nil
	}
	return failed(workflow.GuardPresentationCheck, "%d likely discrepancies: %s; correct the documents, or present anyway with a comment saying why",
		len(findings), strings.Join(findings, "; "))
}
