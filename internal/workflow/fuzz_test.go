package workflow_test

import (
	"context"
	"io/fs"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/workflow"
	"dossier/workflows"
)

// FuzzParse feeds arbitrary YAML to the loader: administrators edit these
// files by hand (SPEC §15 "fuzz the workflow loader"), so no input may make
// Parse, Validate or the machine built from a valid result panic.
func FuzzParse(f *testing.F) {
	kinds, err := workflow.KindFiles(workflows.FS)
	if err != nil {
		f.Fatal(err)
	}
	for _, k := range kinds {
		data, err := fs.ReadFile(workflows.FS, workflow.FileName(k))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(k), data)
	}
	f.Add("other", []byte(base))
	f.Add("other", []byte("kind: other\nevents:\n  - guards: [{a: [b]}, *x]\n"))
	f.Add("other", []byte("kind: other\nevents: [{guards: [!!str doa, {checklist: [&a x]}]}]\n"))
	f.Fuzz(func(t *testing.T, kind string, data []byte) {
		d, err := workflow.Parse(dossier.Kind(kind), data)
		if err != nil {
			return
		}
		if err := d.Validate(); err != nil {
			return
		}
		if _, err := d.Graph("dot"); err != nil {
			t.Errorf("valid definition does not draw: %v", err)
		}
		for _, s := range d.States {
			m := d.Machine(s)
			for _, e := range d.EventsFrom(s) {
				if !m.Can(e.Name) {
					t.Errorf("machine at %s cannot fire %s", s, e.Name)
				}
			}
			for _, name := range m.AvailableTransitions() {
				_ = d.Machine(s).Event(context.Background(), name)
			}
		}
	})
}
