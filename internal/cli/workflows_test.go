package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dossier/internal/dossier"
	"dossier/workflows"
)

// runCLI runs the command line with only the given environment and returns
// the exit code, standard output and standard error.
func runCLI(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env := Env{
		Getenv: func(k string) string { return vars[k] },
		Stdin:  strings.NewReader(""),
		Stdout: &stdout,
		Stderr: &stderr,
	}
	code := Run(context.Background(), args, env)
	return code, stdout.String(), stderr.String()
}

func TestWorkflowsCheckEmbedded(t *testing.T) {
	t.Parallel()
	code, out, errOut := runCLI(t, nil, "workflows", "check")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	for _, k := range []dossier.Kind{dossier.KindPurchaseOrder, dossier.KindFrameworkAgreement, dossier.KindContract,
		dossier.KindLetterOfCredit, dossier.KindToolingInvoice, dossier.KindCustoms, dossier.KindOther} {
		if !strings.Contains(out, "ok "+string(k)+": ") {
			t.Errorf("output lacks %s:\n%s", k, out)
		}
	}
	if !strings.Contains(out, "ok purchase_order: 6 states, 7 events\n") {
		t.Errorf("purchase_order line wrong:\n%s", out)
	}
}

// TestWorkflowsCheckBrokenDir edits a copy of the definitions the way an
// administrator would and expects the check to name the file and problem.
func TestWorkflowsCheckBrokenDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.CopyFS(dir, workflows.FS); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "purchase_order.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(data), "to: approved", "to: aproved", 1)
	broken = strings.Replace(broken, "effects: [stamp, retain, index]", "effects: [stamp, retain, index, fax]", 1)
	if err := os.WriteFile(path, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, map[string]string{"DOSSIER_WORKFLOWS_DIR": dir}, "workflows", "check")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{
		`purchase_order.yaml: event approve: unknown state "aproved" in to`,
		`purchase_order.yaml: event archive: unknown effect "fax"`,
		"1 of 7 workflow definitions in " + dir + " are invalid",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(out, "ok purchase_order") || !strings.Contains(out, "ok letter_of_credit: ") {
		t.Errorf("stdout should list the valid kinds only:\n%s", out)
	}
}

func TestWorkflowsCheckMissingFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.CopyFS(dir, workflows.FS); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "doa.yaml")); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, map[string]string{"DOSSIER_WORKFLOWS_DIR": dir}, "workflows", "check")
	if code != 1 || !strings.Contains(errOut, "doa.yaml") {
		t.Errorf("exit %d, stderr:\n%s\nwant 1 and the missing file named", code, errOut)
	}
}

func TestWorkflowsGraph(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // prefix of stdout
		wantErr  string // part of stderr
	}{
		{"dot by default", []string{"purchase_order"}, 0, "digraph fsm {", ""},
		{"mermaid", []string{"--format", "mermaid", "letter_of_credit"}, 0, "stateDiagram-v2", ""},
		{"explicit dot", []string{"--format=dot", "customs"}, 0, "digraph fsm {", ""},
		{"no kind", nil, 2, "", "give exactly one KIND"},
		{"unknown kind", []string{"invoice"}, 2, "", `unknown kind "invoice"`},
		{"two kinds", []string{"customs", "other"}, 2, "", "give exactly one KIND"},
		{"unknown format", []string{"--format", "svg", "customs"}, 2, "", `unknown --format "svg"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runCLI(t, nil, append([]string{"workflows", "graph"}, tt.args...)...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.wantCode, errOut)
			}
			if !strings.HasPrefix(out, tt.wantOut) {
				t.Errorf("stdout does not start with %q:\n%s", tt.wantOut, out)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, errOut)
			}
		})
	}
	_, out, _ := runCLI(t, nil, "workflows", "graph", "letter_of_credit")
	for _, s := range []string{"discrepant", "submitted_to_bank", "amendment_requested", "expired"} {
		if !strings.Contains(out, `"`+s+`"`) {
			t.Errorf("LC graph lacks %s:\n%s", s, out)
		}
	}
}
