package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dossier/workflows"
)

// commandPaths is every command and group; TestEveryCommandIsListed keeps it
// complete, so that each gets the help test below.
var commandPaths = [][]string{
	{},
	{"serve"},
	{"migrate"},
	{"user"},
	{"user", "add"},
	{"user", "list"},
	{"user", "set"},
	{"user", "disable"},
	{"user", "passwd"},
	{"token"},
	{"token", "create"},
	{"audit"},
	{"audit", "verify"},
	{"audit", "checkpoint"},
	{"audit", "verify-export"},
	{"audit", "key"},
	{"workflows"},
	{"workflows", "check"},
	{"workflows", "graph"},
	{"fx"},
	{"fx", "set"},
	{"reindex"},
	{"purge"},
	{"fsck"},
	{"import"},
	{"export"},
	{"help"},
}

// TestHelp: --help, -h and help work on every command, print the text once
// on standard output and exit 0.
func TestHelp(t *testing.T) {
	t.Parallel()
	for _, path := range commandPaths {
		name := strings.Join(append([]string{"dossier"}, path...), " ")
		for _, args := range [][]string{
			append(append([]string{}, path...), "--help"),
			append(append([]string{}, path...), "-h"),
			append([]string{"help"}, path...),
		} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				t.Parallel()
				code, out, errOut := runCLI(t, nil, args...)
				if code != 0 || errOut != "" {
					t.Fatalf("exit %d, want 0; stderr:\n%s", code, errOut)
				}
				// Every command's help lists the configuration flags.
				if n := strings.Count(out, "HTTP listen address"); n != 1 {
					t.Errorf("the help text appears %d times, want once:\n%s", n, out)
				}
				if !strings.Contains(out, name) {
					t.Errorf("the help does not name %q:\n%s", name, out)
				}
			})
		}
	}
}

// TestUsageErrors: every way of calling a command wrongly exits 2 and says
// what was wrong, before the command does any work.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no command", nil, "missing command"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown command, suggestion", []string{"serv"}, `unknown command "serv" (did you mean serve?)`},
		{"unknown sub-command", []string{"user", "frobnicate"}, `dossier user: usage: unknown command "frobnicate"`},
		{"group without sub-command", []string{"workflows"}, "missing command"},
		{"unknown help topic", []string{"help", "frobnicate"}, `unknown command "frobnicate"`},
		{"unknown flag", []string{"serve", "--bogus"}, "unknown flag: --bogus"},
		{"unknown flag of another command", []string{"serve", "--restart"}, "unknown flag: --restart"},
		{"bad flag value", []string{"user", "add", "--username", "bob", "--level", "two"}, `invalid argument "two" for "--level"`},
		{"flag without value", []string{"workflows", "graph", "customs", "--format"}, "flag needs an argument: --format"},
		{"extra argument", []string{"serve", "now"}, `unexpected argument "now"`},
		{"extra argument after flags", []string{"user", "list", "--listen", ":1", "all"}, `unexpected argument "all"`},
		{"missing arguments", []string{"fx", "set", "USD"}, "give CURRENCY and RATE"},
		{"bad configuration flag", []string{"workflows", "check", "--ocr", "maybe"}, `DOSSIER_OCR "maybe"`},
		{"single-dash long flag", []string{"serve", "-listen", ":9000"}, "unknown shorthand flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runCLI(t, map[string]string{"DOSSIER_DATA_DIR": t.TempDir()}, tt.args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, errOut)
			}
			if strings.Contains(out, "Usage:") {
				t.Errorf("a usage error printed help on standard output:\n%s", out)
			}
		})
	}
}

// TestFlagsAnywhere: flags work after arguments and configuration flags
// before or after the command's name.
func TestFlagsAnywhere(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"workflows", "graph", "letter_of_credit", "--format", "mermaid"},
		{"workflows", "graph", "letter_of_credit", "--format=mermaid"},
		{"workflows", "graph", "--format", "mermaid", "letter_of_credit"},
		{"workflows", "--format", "mermaid", "graph", "letter_of_credit"},
		{"--listen", ":9000", "workflows", "graph", "letter_of_credit", "--format", "mermaid"},
		{"workflows", "graph", "letter_of_credit", "--listen", ":9000", "--format", "mermaid"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runCLI(t, nil, args...)
			if code != 0 || !strings.HasPrefix(out, "stateDiagram-v2") {
				t.Errorf("exit %d, stdout %.40q, want 0 and Mermaid; stderr:\n%s", code, out, errOut)
			}
		})
	}
}

// TestConfigPrecedence: a flag wins over its environment variable, which
// wins over the default. workflows check shows which directory it read.
func TestConfigPrecedence(t *testing.T) {
	t.Parallel()
	broken := brokenWorkflows(t)
	good := t.TempDir()
	if err := os.CopyFS(good, workflows.FS); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"default: embedded", nil, nil, 0, ""},
		{"environment", map[string]string{"DOSSIER_WORKFLOWS_DIR": broken}, nil, 1, "definitions in " + broken + " are invalid"},
		{"flag", nil, []string{"--workflows-dir", broken}, 1, "definitions in " + broken + " are invalid"},
		{"flag over environment", map[string]string{"DOSSIER_WORKFLOWS_DIR": broken}, []string{"--workflows-dir", good}, 0, ""},
		{"flag over environment, = form", map[string]string{"DOSSIER_WORKFLOWS_DIR": good}, []string{"--workflows-dir=" + broken}, 1, broken},
		{"bad environment value", map[string]string{"DOSSIER_MAX_UPLOAD": "lots"}, nil, 2, `DOSSIER_MAX_UPLOAD "lots"`},
		{"flag mends a bad environment value", map[string]string{"DOSSIER_MAX_UPLOAD": "lots"}, []string{"--max-upload", "1GiB"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"workflows", "check"}, tt.args...)
			code, _, errOut := runCLI(t, tt.env, args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit %d, want %d and stderr with %q; stderr:\n%s", code, tt.wantCode, tt.wantErr, errOut)
			}
		})
	}
}

// TestUserAdd adds users on an embedded database and expects the approval
// level it set in the answer.
func TestUserAdd(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DOSSIER_DATA_DIR": filepath.Join(t.TempDir(), "data")}
	tests := []struct {
		args     []string
		wantCode int
		wantOut  string
	}{
		{[]string{"--username", "alice", "--password", "long-enough", "--roles", "admin,approver", "--level", "2"}, 0,
			"with roles admin,approver and approval level 2\n"},
		{[]string{"--roles", "auditor", "--display-name", "Bob B", "--password", "long-enough", "--username", "bob"}, 0,
			"with roles auditor and no approval level\n"},
		{[]string{"--username", "carol", "--password", "long-enough", "--roles", "approver", "--level", "4"}, 1, ""},
		{[]string{"--username", "dave", "--password", "long-enough", "--password-stdin", "--roles", "admin"}, 2, ""},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, env, append([]string{"user", "add"}, tt.args...)...)
		if code != tt.wantCode || !strings.Contains(out, tt.wantOut) {
			t.Errorf("user add %v: exit %d, stdout %q, want %d and %q; stderr:\n%s", tt.args, code, out, tt.wantCode, tt.wantOut, errOut)
		}
	}
	code, out, errOut := runCLI(t, env, "user", "list")
	if code != 0 || !strings.Contains(out, "alice") || !strings.Contains(out, "bob") || strings.Contains(out, "carol") {
		t.Errorf("user list: exit %d, stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

// brokenWorkflows returns a copy of the definitions with one error in it.
func brokenWorkflows(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, workflows.FS); err != nil {
		t.Fatal(err)
	}
	// A definition that leaves out what the engine relies on.
	path := filepath.Join(dir, "customs.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, bytes.Replace(data, []byte("immutable: [archived]\n"), nil, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}
