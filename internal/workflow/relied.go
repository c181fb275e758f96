package workflow

import (
	"dossier/internal/dossier"
	"maps"
	"slices"
)

// checkRelied checks what the engine relies on beyond the state machine:
// the approval round, the department reviews and who counts as involved.
// Each is required as soon as an event needs it, so that a definition that
// leaves one out is refused with its name instead of silently losing a rule.
func (v *validator) checkRelied() {
	d := v.d
	var doaEvents []string
	reviewsNeeded := false
	for _, e := range d.Events {
		if _, ok := e.Guard(GuardDOA); ok {
			doaEvents = append(doaEvents, e.Name)
		}
		if _, ok := e.Guard(GuardReviewsComplete); ok {
			reviewsNeeded = true
		}
	}
	switch {
	case d.Approval == nil && len(doaEvents) > 0:
		v.add("", "approval is missing: event %s has the doa guard, so say where the round runs (approval: {state, approve, ends})", doaEvents[0])
	case d.Approval != nil:
		v.checkApproval(doaEvents)
	}
	switch {
	case d.Reviews == nil && reviewsNeeded:
		v.add("", "reviews is missing: the reviews_complete guard needs reviews: {state, departments}")
	case d.Reviews != nil:
		if !v.states[d.Reviews.State] {
			v.add("", "reviews: state %q is not among the states", d.Reviews.State)
		}
		if len(d.Reviews.Departments) == 0 {
			v.add("", "reviews: departments is empty: list the departments that sign off")
		}
		v.checkNames("department", d.Reviews.Departments)
	}
	v.checkInvolved()
	v.checkScheduled()
}

// checkScheduled insists that what the scheduler fires is an event for the
// system role, after a date the kind has.
func (v *validator) checkScheduled() {
	d := v.d
	for _, name := range slices.Sorted(maps.Keys(d.Scheduled)) {
		ev, ok := d.Event(name)
		switch {
		case !ok:
			v.add("", "scheduled names unknown event %q", name)
		case !slices.Contains(ev.Roles, SystemRole):
			v.add("", "scheduled: event %s must have the role %s, which the scheduler fires it as", name, SystemRole)
		}
		if !dossier.IsDateName(d.Scheduled[name]) {
			v.add("", "scheduled: %s needs the name of a date of the document, e.g. %s: expiry_date", name, name)
		}
	}
}

func (v *validator) checkApproval(doaEvents []string) {
	a := v.d.Approval
	if !v.states[a.State] {
		v.add("", "approval: state %q is not among the states", a.State)
	}
	ev, ok := v.d.Event(a.Approve)
	switch {
	case !ok:
		v.add("", "approval: approve names unknown event %q", a.Approve)
	case !slices.Equal(ev.From, []string{a.State}):
		v.add("", "approval: event %s must leave only the approval state %q", a.Approve, a.State)
	case !slices.Contains(doaEvents, a.Approve):
		v.add("", "approval: event %s must have the doa guard", a.Approve)
	}
	for _, name := range doaEvents {
		if name != a.Approve {
			v.add("event "+name, "has the doa guard but approval names %s as the approving event: one event approves", a.Approve)
		}
	}
	for _, name := range a.Ends {
		ev, ok := v.d.Event(name)
		switch {
		case !ok:
			v.add("", "approval: ends names unknown event %q", name)
		case !slices.Contains(ev.From, a.State):
			v.add("", "approval: event %s ends the round but does not leave %q", name, a.State)
		}
	}
}

// checkInvolved insists on a list of involvement wherever approvals run:
// segregation of duties (SPEC §6) needs to know who submitted and reviewed.
func (v *validator) checkInvolved() {
	d := v.d
	if d.Approval != nil && len(d.Involved) == 0 {
		v.add("", "involved is missing: name the events whose actors may not approve the document, e.g. involved: {submit: submitted, pass_review: reviewed}")
	}
	for _, name := range slices.Sorted(maps.Keys(d.Involved)) {
		if _, ok := d.Event(name); !ok {
			v.add("", "involved names unknown event %q", name)
		}
		if d.Involved[name] == "" {
			v.add("", "involved: say what the actor of %s did, e.g. %s: submitted", name, name)
		}
	}
}
