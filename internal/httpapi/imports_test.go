package httpapi_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestHandlersUseServicesOnly: a request is one service call, so the
// handlers reach the store, the job queue and the audit writer only through
// the services, never directly.
func TestHandlersUseServicesOnly(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	forbidden := []string{"dossier/internal/store", "dossier/internal/jobs", "dossier/internal/auditchain", "database/sql"}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden {
				if path == bad || strings.HasPrefix(path, bad+"/") {
					t.Errorf("%s imports %s: go through a service", name, path)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no handler files found")
	}
}
