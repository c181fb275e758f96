package workflow

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"dossier/internal/dossier"
)

// Validate reports every problem of the definition, joined; nil means the
// definition is safe to run. It checks more than looplab/fsm would: the fsm
// accepts any string as a state, so a typo in "to" would strand documents in
// a state no event leaves.
func (d *Definition) Validate() error {
	v := &validator{d: d, states: map[string]bool{}, events: map[string]bool{}}
	v.checkKind()
	v.checkStates()
	v.checkEvents()
	v.checkRelied()
	v.checkReachability()
	return errors.Join(v.problems...)
}

type validator struct {
	d        *Definition
	states   map[string]bool // declared states
	events   map[string]bool // declared event names
	problems []error
}

func (v *validator) add(subject, format string, args ...any) {
	v.problems = append(v.problems, &Problem{Kind: v.d.Kind, Subject: subject, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) checkKind() {
	d := v.d
	if !isName(string(d.Kind)) {
		v.add("", "kind %q is not a name: use lower case letters, digits and _ (the file is <kind>.yaml)", d.Kind)
	}
	v.checkNames("subtype", d.Subtypes)
	for _, r := range d.Required {
		if !dossier.IsMetadataName(r) {
			v.add("", "required: unknown metadata %q (use %s)", r, dossier.MetadataNameHint())
		}
	}
	for _, name := range slices.Sorted(maps.Keys(d.Fields)) {
		if !isName(name) {
			v.add("", "fields: %q is not a name: use lower case letters, digits and _", name)
		}
		if t := d.Fields[name]; !slices.Contains(dossier.FieldTypes, t) {
			v.add("", "fields: %s has the unknown type %q (known: %s)", name, t, fieldTypeList())
		}
	}
	for _, chain := range d.DateOrder {
		if len(chain) < 2 {
			v.add("", "date_order: %v names fewer than two dates: list them in the order they must follow", chain)
		}
		for _, name := range chain {
			if !dossier.IsDateName(name) {
				v.add("", "date_order: %q is not a date name: use the names of dates entries, ending in _date", name)
			}
		}
	}
	if d.DOA == "" {
		v.add("", "doa is missing: name the rule of doa.yaml this kind follows (a rule with no_approval: true for none)")
	}
	for _, st := range slices.Sorted(maps.Keys(d.DOABySubtype)) {
		if !slices.Contains(d.Subtypes, st) {
			v.add("", "doa_by_subtype: %q is not one of the subtypes %v", st, d.Subtypes)
		}
	}
}

// checkNames reports names that are not snake_case or appear twice.
func (v *validator) checkNames(what string, names []string) {
	seen := map[string]bool{}
	for _, n := range names {
		if !isName(n) {
			v.add("", "%s %q is not a name", what, n)
		}
		if seen[n] {
			v.add("", "%s %q listed twice", what, n)
		}
		seen[n] = true
	}
}

func fieldTypeList() string {
	names := make([]string, len(dossier.FieldTypes))
	for i, t := range dossier.FieldTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

func (v *validator) checkStates() {
	d := v.d
	if len(d.States) == 0 {
		v.add("", "no states")
	}
	for _, s := range d.States {
		if !isName(s) {
			v.add("state "+quote(s), "not a name: use lower case letters, digits and _")
		}
		if v.states[s] {
			v.add("state "+s, "declared twice")
		}
		v.states[s] = true
	}
	if d.Initial == "" {
		v.add("", "initial is missing")
	} else if !v.states[d.Initial] {
		v.add("", "initial state %q is not among the states", d.Initial)
	}
	if len(d.Final) == 0 {
		v.add("", "no final state: list the states documents end in under final")
	}
	seen := map[string]bool{}
	for _, s := range d.Final {
		if !v.states[s] {
			v.add("", "final state %q is not among the states", s)
		}
		if seen[s] {
			v.add("", "final state %q listed twice", s)
		}
		seen[s] = true
	}
	v.checkStateList("immutable", d.Immutable)
	v.checkStateList("preparing", d.Preparing)
	if len(d.Immutable) == 0 {
		v.add("", "immutable is missing: list the states in which documents are archived and may no longer change")
	}
	for _, s := range d.Immutable {
		if !d.IsFinal(s) {
			v.add("", "immutable state %q is not final: an immutable document must not move on", s)
		}
	}
	switch {
	case len(d.Preparing) == 0:
		v.add("", "preparing is missing: list the states in which a document is still prepared (new file versions, amount changes), at least the initial state")
	case d.Initial != "" && !d.IsPreparing(d.Initial):
		v.add("", "preparing does not include the initial state %q", d.Initial)
	}
	for _, s := range d.Preparing {
		if d.IsImmutable(s) {
			v.add("", "state %q is both preparing and immutable", s)
		}
	}
}

// checkStateList reports entries of a state list that are not declared
// states or appear twice.
func (v *validator) checkStateList(what string, states []string) {
	seen := map[string]bool{}
	for _, s := range states {
		if !v.states[s] {
			v.add("", "%s state %q is not among the states", what, s)
		}
		if seen[s] {
			v.add("", "%s state %q listed twice", what, s)
		}
		seen[s] = true
	}
}

func (v *validator) checkEvents() {
	for _, e := range v.d.Events {
		v.events[e.Name] = true
	}
	seen := map[string]bool{}
	for i, e := range v.d.Events {
		subject := "event " + e.Name
		if !isName(e.Name) {
			subject = fmt.Sprintf("event #%d", i+1)
			v.add(subject, "name %q is not a name: use lower case letters, digits and _", e.Name)
		}
		if seen[e.Name] {
			// One row per event keeps Event(name) unambiguous; list several
			// states in from instead.
			v.add(subject, "defined twice: give one event all its from states")
		}
		seen[e.Name] = true
		if e.Name == ReviewEntry {
			v.add(subject, "the name %q is kept for department sign-offs in the history: choose another", ReviewEntry)
		}
		v.checkTransition(subject, e)
		v.checkRoles(subject, e)
		v.checkGuards(subject, e)
		v.checkEffects(subject, e)
		v.checkPayload(subject, e)
	}
}

func (v *validator) checkTransition(subject string, e Event) {
	if len(e.From) == 0 {
		v.add(subject, "from is empty")
	}
	for j, s := range e.From {
		switch {
		case !v.states[s]:
			v.add(subject, "unknown state %q in from", s)
		case slices.Contains(e.From[:j], s):
			v.add(subject, "state %q listed twice in from", s)
		case v.d.IsFinal(s):
			v.add(subject, "leaves final state %q: nothing may leave a final state", s)
		}
	}
	switch {
	case e.To == "":
		v.add(subject, "to is missing")
	case !v.states[e.To]:
		v.add(subject, "unknown state %q in to", e.To)
	case slices.Contains(e.From, e.To):
		// looplab/fsm answers a transition to the current state with
		// NoTransitionError, so the engine would report a failure.
		v.add(subject, "goes from %q to itself", e.To)
	}
}

func (v *validator) checkRoles(subject string, e Event) {
	if len(e.Roles) == 0 {
		v.add(subject, "no roles: nobody could fire it")
	}
	for j, r := range e.Roles {
		switch {
		case r == string(dossier.RoleAuditor):
			v.add(subject, "role auditor is read-only and may fire no event")
		case !slices.Contains(Roles, r):
			v.add(subject, "unknown role %q (known: %s)", r, strings.Join(Roles, ", "))
		case slices.Contains(e.Roles[:j], r):
			v.add(subject, "role %q listed twice", r)
		}
	}
}

func (v *validator) checkGuards(subject string, e Event) {
	for j, g := range e.Guards {
		spec, ok := lookupGuard(g.Name)
		if !ok {
			v.add(subject, "unknown guard %q (known: %s)", g.Name, strings.Join(KnownGuards(), ", "))
			continue
		}
		if slices.ContainsFunc(e.Guards[:j], func(o Guard) bool { return o.Name == g.Name }) {
			v.add(subject, "guard %s appears twice: merge its arguments into one", g.Name)
		}
		switch want := spec.wantArgs; {
		case want && len(g.Args) == 0:
			v.add(subject, "guard %s needs a list of arguments, e.g. %s: [a, b]", g.Name, g.Name)
		case !want && len(g.Args) > 0:
			v.add(subject, "guard %s takes no arguments; write it as a plain name", g.Name)
		}
		for k, a := range g.Args {
			if slices.Contains(g.Args[:k], a) {
				v.add(subject, "guard %s: %q listed twice", g.Name, a)
			}
			v.checkGuardArg(subject, g.Name, a)
		}
		if g.Name == GuardReviewsComplete && len(v.d.Departments()) == 0 {
			v.add(subject, "guard reviews_complete needs reviews: {state, departments} naming the departments that must sign off")
		}
	}
}

func (v *validator) checkGuardArg(subject, guard, arg string) {
	switch guard {
	case GuardRequiredFields:
		if !dossier.IsMetadataName(arg) {
			v.add(subject, "guard required_fields: unknown field %q (use %s)", arg, dossier.MetadataNameHint())
		}
	case GuardNotActorOf:
		if !v.events[arg] {
			v.add(subject, "guard not_actor_of names unknown event %q", arg)
		}
	default:
		if !isName(arg) {
			v.add(subject, "guard %s: %q is not a name: use lower case letters, digits and _", guard, arg)
		}
	}
}

// checkPayload checks the declared payload members and that every member a
// payload_fields guard requires is declared.
func (v *validator) checkPayload(subject string, e Event) {
	checklist, _ := e.Guard(GuardChecklist)
	for _, name := range slices.Sorted(maps.Keys(e.Payload)) {
		switch t := e.Payload[name]; {
		case !isName(name):
			v.add(subject, "payload member %q is not a name: use lower case letters, digits and _", name)
		case !slices.Contains(dossier.FieldTypes, t):
			v.add(subject, "payload member %s has the unknown type %q (known: %s)", name, t, fieldTypeList())
		case slices.Contains(checklist.Args, name):
			v.add(subject, "payload member %s is also a checklist item: checklist items are confirmed with true and need no type", name)
		}
	}
	if g, ok := e.Guard(GuardPayloadFields); ok {
		for _, name := range g.Args {
			if _, ok := e.Payload[name]; !ok {
				v.add(subject, "guard payload_fields requires %s, which payload does not declare: give it a type, e.g. payload: {%s: date}", name, name)
			}
		}
	}
}

func (v *validator) checkEffects(subject string, e Event) {
	for j, f := range e.Effects {
		if f == EffectRetain && !v.d.IsImmutable(e.To) {
			v.add(subject, "effect retain locks the archive, but %q is not an immutable state", e.To)
		}
		switch {
		case !slices.Contains(knownEffects, f):
			v.add(subject, "unknown effect %q (known: %s)", f, strings.Join(knownEffects, ", "))
		case slices.Contains(e.Effects[:j], f):
			v.add(subject, "effect %q listed twice", f)
		}
	}
}

// checkReachability finds states no document can get to and states a
// document could get stuck in.
func (v *validator) checkReachability() {
	d := v.d
	if !v.states[d.Initial] {
		return // already reported; every state would look unreachable
	}
	reached := map[string]bool{d.Initial: true}
	queue := []string{d.Initial}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, e := range d.EventsFrom(s) {
			if v.states[e.To] && !reached[e.To] {
				reached[e.To] = true
				queue = append(queue, e.To)
			}
		}
	}
	seen := map[string]bool{}
	for _, s := range d.States {
		if seen[s] {
			continue
		}
		seen[s] = true
		if !reached[s] {
			v.add("state "+s, "unreachable from initial state %q", d.Initial)
		}
		if !d.IsFinal(s) && len(d.EventsFrom(s)) == 0 {
			v.add("state "+s, "no event leaves it and it is not final: documents would be stuck there")
		}
	}
}

// isName accepts the snake_case identifiers used for states, events and
// payload keys.
func isName(s string) bool { return dossier.IsName(s) }

// quote shows an offending name readably, empty ones included.
func quote(s string) string { return fmt.Sprintf("%q", s) }
