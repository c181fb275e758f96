package workflow

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"dossier/internal/dossier"
)

// documentFields are the metadata a required_fields guard may name besides
// dates.<name> and fields.<name>.
var documentFields = []string{"title", "number", "customer", "amount", "currency", "subtype"}

// Validate reports every problem of the definition, joined; nil means the
// definition is safe to run. It checks more than looplab/fsm would: the fsm
// accepts any string as a state, so a typo in "to" would strand documents in
// a state no event leaves.
func (d *Definition) Validate() error {
	v := &validator{d: d, states: map[string]bool{}, events: map[string]bool{}}
	v.checkKind()
	v.checkStates()
	v.checkEvents()
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
	info, ok := dossier.Kinds[v.d.Kind]
	if !ok {
		v.add("", "unknown kind %q", v.d.Kind)
	}
	if ok && v.d.Initial != info.InitialState {
		// The documents service creates documents in the kind's initial
		// state without reading the YAML, so the two must agree.
		v.add("", "initial is %q but new %s documents start in %q", v.d.Initial, v.d.Kind, info.InitialState)
	}
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
	seen = map[string]bool{}
	for _, dep := range d.Departments {
		if !isName(dep) {
			v.add("", "department %q is not a name", dep)
		}
		if seen[dep] {
			v.add("", "department %q listed twice", dep)
		}
		seen[dep] = true
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
		v.checkTransition(subject, e)
		v.checkRoles(subject, e)
		v.checkGuards(subject, e)
		v.checkEffects(subject, e)
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
		if g.Name == GuardReviewsComplete && len(v.d.Departments) == 0 {
			v.add(subject, "guard reviews_complete needs the departments that must sign off")
		}
	}
}

func (v *validator) checkGuardArg(subject, guard, arg string) {
	switch guard {
	case GuardRequiredFields:
		if !isDocumentField(arg) {
			v.add(subject, "guard required_fields: unknown field %q (use %s, dates.<name> or fields.<name>)",
				arg, strings.Join(documentFields, ", "))
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

func (v *validator) checkEffects(subject string, e Event) {
	for j, f := range e.Effects {
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
// payload keys; keeping them plain also keeps the DOT and Mermaid output
// free of quoting problems.
func isName(s string) bool {
	if s == "" || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

func isDocumentField(s string) bool {
	if slices.Contains(documentFields, s) {
		return true
	}
	for _, prefix := range []string{"dates.", "fields."} {
		if rest, ok := strings.CutPrefix(s, prefix); ok {
			return isName(rest)
		}
	}
	return false
}

// quote shows an offending name readably, empty ones included.
func quote(s string) string { return fmt.Sprintf("%q", s) }
