package workflow

import (
	"fmt"

	"github.com/looplab/fsm"
)

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

// Graph draws the definition as Graphviz DOT ("dot") or a Mermaid state
// diagram ("mermaid"), with the initial state marked as current.
func (d *Definition) Graph(format string) (string, error) {
	var t fsm.VisualizeType
	switch format {
	case "dot":
		t = fsm.GRAPHVIZ
	case "mermaid":
		t = fsm.MERMAID
	default:
		return "", fmt.Errorf("graph %s: unknown format %q: use dot or mermaid", d.Kind, format)
	}
	return fsm.VisualizeWithType(d.Machine(d.Initial), t)
}
