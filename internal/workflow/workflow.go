// Package workflow reads the per-kind state machines of SPEC §5 from YAML,
// checks them, and turns them into looplab/fsm machines and diagrams.
//
// A definition is data that administrators may edit without a rebuild
// (DOSSIER_WORKFLOWS_DIR), so this package is strict: unknown YAML keys,
// unknown states, roles, guards and effects are all errors, reported together
// so that one run of `dossier workflows check` shows everything to fix.
//
// A definition is the whole of a kind: its subtypes, required metadata and
// typed fields, the DOA rule it follows, its states and events, and what the
// engine relies on — which states are final and immutable, where documents
// are still being prepared, where an approval round runs and which events
// end it, where department reviews happen, and who counts as involved for
// segregation of duties. Code outside this package asks the definition and
// never names a state or an event.
//
// The package only describes transitions. Evaluating guards against a
// document and running effects is the engine's job; the meaning each guard
// and effect must have is written down next to its name below, because the
// YAML files and the engine both rely on it.
package workflow

import (
	"slices"
	"strings"

	"github.com/looplab/fsm"

	"dossier/internal/doa"
	"dossier/internal/dossier"
)

// Guard names. Each event lists the guards that must all pass before it fires.
const (
	// GuardRequiredFields: the document's listed metadata must be non-empty.
	// Arguments are title, number, customer, amount, currency, subtype, or
	// dates.<name> / fields.<name> for an entry of the dates map or the free
	// fields object.
	GuardRequiredFields = "required_fields"
	// GuardChecklist: the event's payload must hold every listed item set to
	// JSON true; anything else (missing, false, "yes") does not count.
	GuardChecklist = "checklist"
	// GuardReviewsComplete: every department of the definition's reviews
	// has signed off with DecisionApprove. No arguments.
	GuardReviewsComplete = "reviews_complete"
	// GuardDOA: the delegation-of-authority rules of SPEC §6 allow the actor
	// to approve the next required level. No arguments.
	GuardDOA = "doa"
	// GuardNotActorOf: segregation of duties; the actor must not be a user
	// who fired any of the listed events on this document.
	GuardNotActorOf = "not_actor_of"
	// GuardPayloadFields: each listed key must be present in the event's
	// payload and not empty (not null, "", [] or {}). It makes the payload
	// contract of SPEC §5 (present_to_bank needs presentation_date, …) part of
	// the data, so the engine needs no per-event code.
	GuardPayloadFields = "payload_fields"
	// GuardPresentationCheck: the documents linked to an LC show no likely
	// discrepancy with it (SPEC §7); the actor may present anyway by saying
	// why in the comment, which the audit trail keeps with the findings.
	GuardPresentationCheck = "presentation_check"
)

// Effect names: what happens once a transition commits.
const (
	EffectStamp  = "stamp"  // make the stamped PDF rendition (SPEC §9)
	EffectRetain = "retain" // lock the archived blobs for the retention period (SPEC §8)
	EffectNotify = "notify" // tell the users who can act next
	EffectIndex  = "index"  // refresh the search index entry
)

// Decisions of a department review.
const (
	DecisionApprove = "approve"
	DecisionReject  = "reject"
)

// ReviewEntry is the history entry of a department sign-off. It is not an
// event, so no definition may name an event so.
const ReviewEntry = "review"

// SystemRole is the pseudo-role of events only the scheduler fires (an LC's
// expire); no user holds it, so no user can fire such an event by hand.
const SystemRole = "system"

// Roles lists every role name an event may mention. auditor is known but
// rejected by Validate: auditors are read-only (SPEC §1, §15).
var Roles = []string{
	string(dossier.RoleAdmin),
	string(dossier.RoleReviewer),
	string(dossier.RoleApprover),
	string(dossier.RoleBankLiaison),
	string(dossier.RoleAuditor),
	SystemRole,
}

// guardSpec says whether a guard takes arguments.
type guardSpec struct {
	name     string
	wantArgs bool
}

// guardSpecs is the one list that validation and KnownGuards agree on.
var guardSpecs = []guardSpec{
	{GuardRequiredFields, true},
	{GuardChecklist, true},
	{GuardReviewsComplete, false},
	{GuardDOA, false},
	{GuardNotActorOf, true},
	{GuardPayloadFields, true},
	{GuardPresentationCheck, false},
}

func lookupGuard(name string) (guardSpec, bool) {
	for _, g := range guardSpecs {
		if g.name == name {
			return g, true
		}
	}
	return guardSpec{}, false
}

var knownEffects = []string{EffectStamp, EffectRetain, EffectNotify, EffectIndex}

// KnownGuards returns the guard names a definition may use.
func KnownGuards() []string {
	names := make([]string, len(guardSpecs))
	for i, g := range guardSpecs {
		names[i] = g.name
	}
	return names
}

// KnownEffects returns the effect names a definition may use.
func KnownEffects() []string { return slices.Clone(knownEffects) }

// Guard is one condition of an event. In YAML it is a plain name ("doa") or
// a map with one key whose value is the argument list
// ({checklist: [price_matches_quotation]}).
type Guard struct {
	Name string   `json:"name"`
	Args []string `json:"args"`
}

// Event is one named transition. Event names are unique within a
// definition: an event that leaves several states lists them all in From, so
// that an action has one set of roles and guards wherever it is offered.
type Event struct {
	Name    string   `yaml:"name" json:"name"`
	From    []string `yaml:"from" json:"from"`
	To      string   `yaml:"to" json:"to"`
	Roles   []string `yaml:"roles" json:"roles"`
	Guards  []Guard  `yaml:"guards" json:"guards"`
	Effects []string `yaml:"effects" json:"effects"`
	// Payload types the members the event's payload may carry besides its
	// checklist items; any other member is refused. Which are required is
	// said by the payload_fields guard.
	Payload map[string]dossier.FieldType `yaml:"payload" json:"payload"`
	// CommentRequired: the event needs a comment saying why, for the
	// next person to read (a return, a rejection).
	CommentRequired bool `yaml:"comment_required" json:"comment_required"`
}

// PayloadMembers lists the members the event's payload may carry: its
// declared payload and its checklist items, sorted.
func (e Event) PayloadMembers() []string {
	var out []string
	for name := range e.Payload {
		out = append(out, name)
	}
	if g, ok := e.Guard(GuardChecklist); ok {
		out = append(out, g.Args...)
	}
	slices.Sort(out)
	return out
}

// Guard returns the event's guard of that name.
func (e Event) Guard(name string) (Guard, bool) {
	for _, g := range e.Guards {
		if g.Name == name {
			return g, true
		}
	}
	return Guard{}, false
}

// HasEffect reports whether the event has the effect.
func (e Event) HasEffect(name string) bool { return slices.Contains(e.Effects, name) }

// AllowsRole reports whether a holder of any of the roles may fire the event.
func (e Event) AllowsRole(roles ...dossier.Role) bool {
	for _, r := range roles {
		if slices.Contains(e.Roles, string(r)) {
			return true
		}
	}
	return false
}

// Definition is one document kind, wholly: its metadata rules, its DOA
// rule and its state machine with what the engine relies on.
type Definition struct {
	Kind         dossier.Kind                 `yaml:"kind" json:"kind"`
	Subtypes     []string                     `yaml:"subtypes" json:"subtypes"`
	Required     []string                     `yaml:"required" json:"required"`
	Fields       map[string]dossier.FieldType `yaml:"fields" json:"fields"`
	DateOrder    [][]string                   `yaml:"date_order" json:"date_order"`
	ZeroAmount   bool                         `yaml:"zero_amount" json:"zero_amount"`
	DOA          string                       `yaml:"doa" json:"doa"`
	DOABySubtype map[string]string            `yaml:"doa_by_subtype" json:"doa_by_subtype"`
	Initial      string                       `yaml:"initial" json:"initial"`
	States       []string                     `yaml:"states" json:"states"`
	// Final states: nothing leaves them.
	Final []string `yaml:"final" json:"final"`
	// Immutable states: no edit, no new file version, no delete, for
	// anyone; entering one sets archived_at, from which retention counts.
	Immutable []string `yaml:"immutable" json:"immutable"`
	// Preparing states: the document is still being prepared, so a new
	// file version is accepted and the DOA basis (amount, currency,
	// subtype) may change.
	Preparing []string `yaml:"preparing" json:"preparing"`
	// Approval is where the DOA round runs; nil for kinds without one.
	Approval *Approval `yaml:"approval" json:"approval"`
	// Reviews is where department sign-offs happen; nil for kinds without.
	Reviews *Reviews `yaml:"reviews" json:"reviews"`
	// Involved maps an event to what its actor did ("submitted",
	// "reviewed"): whoever fired it may not approve the document (SPEC §6).
	Involved map[string]string `yaml:"involved" json:"involved"`
	// Scheduled maps an event the scheduler fires to the date of the
	// document after which it fires it ("expire: expiry_date"); such an
	// event is for the system role.
	Scheduled map[string]string `yaml:"scheduled" json:"scheduled,omitempty"`
	Events    []Event           `yaml:"events" json:"events"`
}

// Approval says where a kind's DOA round runs.
type Approval struct {
	State   string   `yaml:"state" json:"state"`     // the documents waiting for approval
	Approve string   `yaml:"approve" json:"approve"` // approves one level (carries the doa guard)
	Ends    []string `yaml:"ends" json:"ends"`       // end the round without approval (reject)
}

// Reviews says where a kind's department sign-offs happen.
type Reviews struct {
	State       string   `yaml:"state" json:"state"`
	Departments []string `yaml:"departments" json:"departments"`
}

// Spec returns what the definition says about its documents' metadata.
func (d *Definition) Spec() dossier.KindSpec {
	return dossier.KindSpec{Kind: d.Kind, Subtypes: d.Subtypes, Required: d.Required, Fields: d.Fields, DateOrder: d.DateOrder, ZeroAmount: d.ZeroAmount}
}

// DOARule names the rule of the DOA matrix a document of subtype follows.
func (d *Definition) DOARule(subtype string) string {
	if r, ok := d.DOABySubtype[subtype]; ok {
		return r
	}
	return d.DOA
}

// IsImmutable reports whether documents in state may no longer change.
func (d *Definition) IsImmutable(state string) bool { return slices.Contains(d.Immutable, state) }

// IsPreparing reports whether documents in state are still being prepared.
func (d *Definition) IsPreparing(state string) bool { return slices.Contains(d.Preparing, state) }

// InApproval reports whether state is where the kind's DOA round runs.
func (d *Definition) InApproval(state string) bool {
	return d.Approval != nil && d.Approval.State == state
}

// InReview reports whether state is where department sign-offs happen.
func (d *Definition) InReview(state string) bool {
	return d.Reviews != nil && d.Reviews.State == state
}

// Departments lists the departments that sign off; empty without reviews.
func (d *Definition) Departments() []string {
	if d.Reviews == nil {
		return nil
	}
	return d.Reviews.Departments
}

// StartsRound reports whether firing ev from one state to another starts a
// new review-and-approval round, after which earlier sign-offs and
// approvals no longer count: entering department review, entering approval
// other than from department review (which is part of the same round), and
// an event that ends the round (a rejection: a resubmission starts afresh).
func (d *Definition) StartsRound(ev Event, from, to string) bool {
	switch {
	case from == to:
		return false
	case d.Approval != nil && slices.Contains(d.Approval.Ends, ev.Name):
		return true
	case d.InReview(to):
		return true
	}
	return d.InApproval(to) && !d.InReview(from)
}

// Event returns the event of that name.
func (d *Definition) Event(name string) (Event, bool) {
	for _, e := range d.Events {
		if e.Name == name {
			return e, true
		}
	}
	return Event{}, false
}

// EventsFrom returns the events that may leave state, in the file's order
// (which is the order the UI shows its buttons in).
func (d *Definition) EventsFrom(state string) []Event {
	var out []Event
	for _, e := range d.Events {
		if slices.Contains(e.From, state) {
			out = append(out, e)
		}
	}
	return out
}

// HasState reports whether state belongs to the definition.
func (d *Definition) HasState(state string) bool { return slices.Contains(d.States, state) }

// IsFinal reports whether state is final: nothing may leave it.
func (d *Definition) IsFinal(state string) bool { return slices.Contains(d.Final, state) }

// Machine builds a looplab/fsm machine standing at current. The engine
// builds one per request from the stored state (SPEC §5): the database, not
// a long-lived machine, holds the truth, so the machine has no callbacks and
// is used only to ask whether an event may fire and where it leads.
func (d *Definition) Machine(current string) *fsm.FSM {
	events := make(fsm.Events, 0, len(d.Events))
	for _, e := range d.Events {
		events = append(events, fsm.EventDesc{Name: e.Name, Src: e.From, Dst: e.To})
	}
	return fsm.NewFSM(current, events, nil)
}

// Set holds one valid definition per kind and the DOA matrix they use.
type Set struct {
	defs   map[dossier.Kind]*Definition
	matrix *doa.Matrix
}

// DOA returns the approval matrix.
func (s *Set) DOA() *doa.Matrix { return s.matrix }

// Lookup returns the definition of kind k, or an EUnprocessable error that
// lists the kinds there are.
func (s *Set) Lookup(k dossier.Kind) (*Definition, error) {
	if d, ok := s.defs[k]; ok {
		return d, nil
	}
	names := make([]string, 0, len(s.defs))
	for _, k := range s.Kinds() {
		names = append(names, string(k))
	}
	if k == "" {
		return nil, dossier.Errorf(dossier.EUnprocessable, "kind is required: use one of %s", strings.Join(names, ", "))
	}
	shown := string(k)
	if len([]rune(shown)) > 40 {
		shown = string([]rune(shown)[:40]) + "…"
	}
	return nil, dossier.Errorf(dossier.EUnprocessable, "kind %q is not a document kind: use one of %s", shown, strings.Join(names, ", "))
}

// Kind returns the definition of kind k.
func (s *Set) Kind(k dossier.Kind) (*Definition, bool) {
	d, ok := s.defs[k]
	return d, ok
}

// Kinds returns the kinds the set defines, sorted.
func (s *Set) Kinds() []dossier.Kind {
	kinds := make([]dossier.Kind, 0, len(s.defs))
	for k := range s.defs {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

// Departments returns every department some kind reviews in, sorted.
func (s *Set) Departments() []string {
	var out []string
	for _, d := range s.defs {
		for _, dep := range d.Departments() {
			if !slices.Contains(out, dep) {
				out = append(out, dep)
			}
		}
	}
	slices.Sort(out)
	return out
}
