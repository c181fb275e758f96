package ui

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"dossier/internal/workflow"
	"dossier/web"
	"dossier/workflows"
)

// catalog reads one language's messages: id to text, or to plural forms.
func catalog(t *testing.T, lang string) map[string]any {
	t.Helper()
	data, err := fs.ReadFile(web.Locales, "locales/"+lang+".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.json: %v", lang, err)
	}
	return m
}

// TestCatalogsComplete fails when a message lacks a translation: every id
// of the English catalog is in every other, non-empty, and no catalog has
// an id English lacks.
func TestCatalogsComplete(t *testing.T) {
	t.Parallel()
	en := catalog(t, "en")
	if len(en) < 100 {
		t.Fatalf("the English catalog has %d messages: is it the right file?", len(en))
	}
	for _, tag := range languages[1:] {
		other := catalog(t, tag.String())
		for id, msg := range en {
			tr, ok := other[id]
			if !ok {
				t.Errorf("%s lacks %q (English: %v)", tag, id, msg)
				continue
			}
			if s, ok := tr.(string); ok && s == "" {
				t.Errorf("%s has an empty translation of %q", tag, id)
			}
			if forms, ok := tr.(map[string]any); ok && forms["other"] == nil {
				t.Errorf("%s: the plural message %q lacks its \"other\" form", tag, id)
			}
		}
		for id := range other {
			if _, ok := en[id]; !ok {
				t.Errorf("%s has %q, which English lacks", tag, id)
			}
		}
	}
}

// TestMessagesUsedExist checks that every message id the templates and the
// Go code ask for is in the catalog, and that every kind, state and event
// of the shipped workflows has a label (a definition added later falls back
// to its name made readable).
func TestMessagesUsedExist(t *testing.T) {
	t.Parallel()
	en := catalog(t, "en")
	used := map[string]string{}
	re := regexp.MustCompile(`\.T "([a-z_]+\.[a-z_]+)"`)
	_ = fs.WalkDir(web.Templates, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(web.Templates, path)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = path
		}
		return nil
	})
	goRe := regexp.MustCompile(`(?:T\(|view\(c, )"([a-z_]+\.[a-z_]+)"`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, m := range goRe.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
	}
	if len(used) < 50 {
		t.Fatalf("found only %d message ids in use: do the patterns still match?", len(used))
	}
	for id, where := range used {
		if _, ok := en[id]; !ok {
			t.Errorf("%s uses the message %q, which the catalog lacks", where, id)
		}
	}
	set, err := workflow.Load(workflows.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range set.Kinds() {
		def, _ := set.Kind(k)
		if _, ok := en["kind."+string(k)]; !ok {
			t.Errorf("no label for the kind %s", k)
		}
		for _, s := range def.States {
			if _, ok := en["state."+s]; !ok {
				t.Errorf("no label for the state %s of %s", s, k)
			}
		}
		for _, e := range def.Events {
			if _, ok := en["event."+e.Name]; !ok {
				t.Errorf("no label for the event %s of %s", e.Name, k)
			}
			for name := range e.Payload {
				if _, ok := en["field."+name]; !ok {
					t.Errorf("no label for the payload %s of %s's event %s", name, k, e.Name)
				}
			}
			if g, ok := e.Guard(workflow.GuardChecklist); ok {
				for _, item := range g.Args {
					if _, ok := en["check."+item]; !ok {
						t.Errorf("no label for the checklist item %s of %s", item, k)
					}
				}
			}
		}
		for name := range def.Fields {
			if _, ok := en["field."+name]; !ok {
				t.Errorf("no label for the field %s of %s", name, k)
			}
		}
		for _, st := range def.Subtypes {
			if _, ok := en["subtype."+st]; !ok {
				t.Errorf("no label for the subtype %s of %s", st, k)
			}
		}
		for _, dep := range def.Departments() {
			if _, ok := en["department."+dep]; !ok {
				t.Errorf("no label for the department %s of %s", dep, k)
			}
		}
	}
}
