package workflow_test

import (
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"dossier/internal/dossier"
	"dossier/internal/workflow"
	"dossier/workflows"
)

// withFiles returns the shipped workflows directory with files added or
// replaced.
func withFiles(t *testing.T, files map[string]string) fs.FS {
	t.Helper()
	dir := fstest.MapFS{}
	err := fs.WalkDir(workflows.FS, ".", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		data, err := fs.ReadFile(workflows.FS, path)
		dir[path] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		dir[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return dir
}

func ndaYAML(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("testdata/nda/nda.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestNewKindFromAFileAlone loads a kind the product does not ship, with
// its own state and event names, and checks that what the engine relies on
// comes from its file.
func TestNewKindFromAFileAlone(t *testing.T) {
	t.Parallel()
	set, err := workflow.Load(withFiles(t, map[string]string{"nda.yaml": ndaYAML(t)}))
	if err != nil {
		t.Fatal(err)
	}
	d, ok := set.Kind("nda")
	if !ok {
		t.Fatalf("no nda among %v", set.Kinds())
	}
	spec := d.Spec()
	if spec.Kind != "nda" || len(spec.Subtypes) != 2 || spec.Fields["term_months"] != dossier.FieldInteger || spec.Required[0] != "customer" {
		t.Errorf("Spec = %+v", spec)
	}
	checks := []struct {
		what string
		got  bool
	}{
		{"filed is immutable", d.IsImmutable("filed")},
		{"cleared is not immutable", !d.IsImmutable("cleared")},
		{"drafted is preparing", d.IsPreparing("drafted")},
		{"legal_check is not preparing", !d.IsPreparing("legal_check")},
		{"approval runs in awaiting_signoff", d.InApproval("awaiting_signoff")},
		{"no department review", !d.InReview("legal_check") && len(d.Departments()) == 0},
	}
	for _, c := range checks {
		if !c.got {
			t.Errorf("%s: false", c.what)
		}
	}
	if d.DOARule("mutual") != "commercial" || d.DOARule("one_way") != "none" {
		t.Errorf("DOARule: mutual %q, one_way %q", d.DOARule("mutual"), d.DOARule("one_way"))
	}
	clear, _ := d.Event("clear_legal")
	decline, _ := d.Event("decline")
	redraft, _ := d.Event("redraft")
	if !d.StartsRound(clear, "legal_check", "awaiting_signoff") || !d.StartsRound(decline, "awaiting_signoff", "declined") ||
		d.StartsRound(redraft, "declined", "drafted") {
		t.Error("StartsRound does not follow the declared approval round")
	}
	if got := d.Involved["hand_over"]; got != "handed over" {
		t.Errorf("Involved[hand_over] = %q", got)
	}
}

func TestLoadRefusesWhatDoesNotFit(t *testing.T) {
	t.Parallel()
	nda := ndaYAML(t)
	for _, tc := range []struct {
		name     string
		old, new string // replace in nda.yaml
		want     string
	}{
		{"unknown rule", "doa: commercial", "doa: big_deals", `nda.yaml: doa names the rule "big_deals", which doa.yaml does not have`},
		{"unknown subtype rule", "doa_by_subtype: {one_way: none}", "doa_by_subtype: {one_way: tiny}", `doa names the rule "tiny"`},
		{"amount not required before approval", "      - required_fields: [amount, currency]\n", "",
			"nda.yaml: event hand_over: leaves preparation under a DOA rule with amount bands"},
		{"bands without approval round", "approval: {state: awaiting_signoff, approve: sign_off, ends: [decline]}\n", "",
			"approval is missing: event sign_off has the doa guard"},
		{"file name and kind differ", "kind: nda", "kind: nda2", "the file says kind: nda2 but defines nda"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := strings.Replace(nda, tc.old, tc.new, 1)
			if src == nda {
				t.Fatalf("%q is not in nda.yaml", tc.old)
			}
			_, err := workflow.Load(withFiles(t, map[string]string{"nda.yaml": src}))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestRenamedArchiveStaysImmutable renames archived in a shipped
// definition: immutability follows the declaration, not the name.
func TestRenamedArchiveStaysImmutable(t *testing.T) {
	t.Parallel()
	data, err := fs.ReadFile(workflows.FS, "customs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	renamed := strings.ReplaceAll(string(data), "archived", "filed_away")
	set, err := workflow.Load(withFiles(t, map[string]string{"customs.yaml": renamed}))
	if err != nil {
		t.Fatal(err)
	}
	d, _ := set.Kind(dossier.KindCustoms)
	if !d.IsImmutable("filed_away") || d.IsImmutable("archived") {
		t.Errorf("immutable = %v, want [filed_away]", d.Immutable)
	}
	// Leaving the declaration out is refused, naming what is missing.
	dropped := strings.Replace(renamed, "immutable: [filed_away]\n", "", 1)
	if _, err := workflow.Load(withFiles(t, map[string]string{"customs.yaml": dropped})); err == nil ||
		!strings.Contains(err.Error(), "customs.yaml: immutable is missing") {
		t.Errorf("Load without immutable = %v", err)
	}
}

func TestGraphMarksFinalAndImmutable(t *testing.T) {
	t.Parallel()
	d, _ := shipped(t).Kind(dossier.KindPurchaseOrder)
	dot, err := d.Graph("dot")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dot, `"archived" [shape = doublecircle, style = filled`) || !strings.HasSuffix(strings.TrimSpace(dot), "}") {
		t.Errorf("dot does not mark archived as final and immutable:\n%s", dot)
	}
	mermaid, err := d.Graph("mermaid")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"archived --> [*]", "class archived immutable"} {
		if !strings.Contains(mermaid, want) {
			t.Errorf("mermaid lacks %q:\n%s", want, mermaid)
		}
	}
}
