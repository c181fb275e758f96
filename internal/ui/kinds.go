package ui

import (
	"slices"

	"dossier/internal/dossier"
	"dossier/internal/workflow"
)

// row is a document in a list, with what the definition of its kind says
// about its state.
type row struct {
	dossier.Document
	Badge  string   // the badge's style: preparing, review, approval, final, open
	Events []string // what the user can do on it now, when known
}

func (u *UI) row(d dossier.Document, events []string) row {
	return row{Document: d, Badge: u.badge(d.Kind, d.State), Events: events}
}

// badge styles a state by what the definition says of it, never by its name.
func (u *UI) badge(kind dossier.Kind, state string) string {
	def, ok := u.Engine.Definitions().Kind(kind)
	switch {
	case !ok:
		return "open"
	case def.IsFinal(state) || def.IsImmutable(state):
		return "final"
	case def.InApproval(state):
		return "approval"
	case def.InReview(state) || leadsToApproval(def, state):
		return "review"
	case def.IsPreparing(state):
		return "preparing"
	}
	return "open"
}

// leadsToApproval: a state from which an event enters the approval state
// is where a document is checked before approval.
func leadsToApproval(def *workflow.Definition, state string) bool {
	if def.Approval == nil {
		return false
	}
	for _, ev := range def.EventsFrom(state) {
		if ev.To == def.Approval.State {
			return true
		}
	}
	return false
}

// kinds lists the kinds of the definitions, in their order.
func (u *UI) kinds() []string {
	var out []string
	for _, k := range u.Engine.Definitions().Kinds() {
		out = append(out, string(k))
	}
	return out
}

// states lists every state of every kind once, for filters.
func (u *UI) states() []string {
	defs := u.Engine.Definitions()
	var out []string
	for _, k := range defs.Kinds() {
		d, _ := defs.Kind(k)
		for _, s := range d.States {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}
