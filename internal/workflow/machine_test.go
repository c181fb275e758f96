package workflow_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/looplab/fsm"

	"dossier/internal/dossier"
	"dossier/workflows"

	"dossier/internal/workflow"
)

func TestGraph(t *testing.T) {
	t.Parallel()
	set, err := workflow.Load(workflows.FS)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		format, header string
		quote          func(string) string // how the format writes a state
	}{
		{"dot", "digraph fsm {", func(s string) string { return `"` + s + `"` }},
		{"mermaid", "stateDiagram-v2", func(s string) string { return " " + s }},
	}
	for _, tt := range tests {
		for _, k := range set.Kinds() {
			d, _ := set.Kind(k)
			out, err := d.Graph(tt.format)
			if err != nil {
				t.Fatalf("%s %s: %v", k, tt.format, err)
			}
			if !strings.HasPrefix(out, tt.header) {
				t.Errorf("%s %s does not start with %q:\n%s", k, tt.format, tt.header, out)
			}
			for _, s := range d.States {
				if !strings.Contains(out, tt.quote(s)) {
					t.Errorf("%s %s lacks state %s:\n%s", k, tt.format, s, out)
				}
			}
			for _, e := range d.Events {
				if !strings.Contains(out, e.Name) {
					t.Errorf("%s %s lacks event %s", k, tt.format, e.Name)
				}
			}
		}
	}
	d, _ := set.Kind(dossier.KindOther)
	if _, err := d.Graph("svg"); err == nil || !strings.Contains(err.Error(), `unknown format "svg"`) {
		t.Errorf("Graph(svg) error = %v, want unknown format", err)
	}
}

// TestMachineRefusesWrongState checks the property the engine relies on
// for 409s: an event fired from a state it does not leave is refused.
func TestMachineRefusesWrongState(t *testing.T) {
	t.Parallel()
	set, err := workflow.Load(workflows.FS)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := set.Kind(dossier.KindPurchaseOrder)
	m := d.Machine("received")
	err = m.Event(context.Background(), "approve")
	var invalid fsm.InvalidEventError
	if !errors.As(err, &invalid) || m.Current() != "received" {
		t.Errorf("approve from received: err %v, state %s; want InvalidEventError and no move", err, m.Current())
	}
	err = m.Event(context.Background(), "launch")
	var unknown fsm.UnknownEventError
	if !errors.As(err, &unknown) {
		t.Errorf("unknown event: err %v, want UnknownEventError", err)
	}
}
