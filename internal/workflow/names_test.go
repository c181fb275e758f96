package workflow_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoCodeNamesAState enforces that workflows are data: no Go file outside
// this package has a string literal that is the name of a state or an event
// of a shipped definition. Tests and the packages that only serve tests
// (storetest, searchtest, testenv, …: their states are sample values) are
// exempt. Code asks the definition
// (IsImmutable, InApproval, Involved, …) instead, so renaming a state in a
// definition cannot silently switch a rule off.
func TestNoCodeNamesAState(t *testing.T) {
	t.Parallel()
	names := map[string]string{}
	set := shipped(t)
	for _, k := range set.Kinds() {
		d, _ := set.Kind(k)
		for _, s := range d.States {
			names[s] = "a state of " + string(k)
		}
		for _, e := range d.Events {
			names[e.Name] = "an event of " + string(k)
		}
	}
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if e.IsDir() {
			testOnly := strings.HasSuffix(e.Name(), "test") || e.Name() == "testenv"
			if rel == filepath.Join("internal", "workflow") || testOnly || strings.HasPrefix(e.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, rel, src, 0)
		if err != nil {
			return err
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && names[s] != "" {
				t.Errorf("%s: %q is %s: ask the definition instead of naming it", fset.Position(lit.Pos()), s, names[s])
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("checked only %d Go files: is the walk rooted at the module?", checked)
	}
}
