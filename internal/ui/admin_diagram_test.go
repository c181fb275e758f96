package ui

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
	"dossier/internal/engine"
	"dossier/internal/workflow"
	"dossier/workflows"
)

// workflowsUI is the pages over the shipped workflows, with no store: the
// workflows pages read only the definitions.
func workflowsUI(t *testing.T, dot string) *UI {
	t.Helper()
	defs, err := workflow.Load(workflows.FS)
	if err != nil {
		t.Fatal(err)
	}
	u, err := New(Deps{Engine: engine.New(nil, defs, time.Now), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	u.diagrams = &diagrams{Dot: dot}
	return u
}

func serve(t *testing.T, h echo.HandlerFunc, path string, params ...string) *httptest.ResponseRecorder {
	t.Helper()
	e := echo.New()
	rec := httptest.NewRecorder()
	c := e.NewContext(httptest.NewRequest(http.MethodGet, path, nil), rec)
	for i := 0; i+1 < len(params); i += 2 {
		c.SetParamNames(params[i])
		c.SetParamValues(params[i+1])
	}
	if err := h(c); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return rec
}

// TestWorkflowsPageWithoutGraphviz: with no dot command the page says to
// install graphviz, shows each kind's DOT text, and the SVG is unavailable.
func TestWorkflowsPageWithoutGraphviz(t *testing.T) {
	t.Parallel()
	u := workflowsUI(t, "no-such-dot-command")
	page := serve(t, u.workflows, "/admin/workflows").Body.String()
	for _, want := range []string{"Install graphviz to see the diagrams", `<pre class="dot" data-test="dot">digraph`, "<caption>States of Purchase order</caption>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page without dot lacks %q", want)
		}
	}
	if strings.Contains(page, `<img src="/admin/workflows/`) {
		t.Error("the page without dot links diagrams that cannot be drawn")
	}
	e := echo.New()
	c := e.NewContext(httptest.NewRequest(http.MethodGet, "/admin/workflows/contract.svg", nil), httptest.NewRecorder())
	c.SetParamNames("diagram")
	c.SetParamValues("contract.svg")
	if err := u.workflowDiagram(c); dossier.ErrorCode(err) != dossier.EUnavailable || !strings.Contains(dossier.ErrorMessage(err), "install graphviz") {
		t.Fatalf("the SVG without dot: %v, want unavailable saying to install graphviz", err)
	}
}

// TestDiagramsAreDrawnOnceAndCached: the SVG is drawn by dot, then served
// from memory; a DOT that dot refuses is an error that says why.
func TestDiagramsAreDrawnOnceAndCached(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("dot"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("dot is not installed: scripts/test.sh installs graphviz")
		}
		t.Skip("dot is not installed: install graphviz to draw the workflows")
	}
	u := workflowsUI(t, "")
	first := serve(t, u.workflowDiagram, "/admin/workflows/contract.svg", "diagram", "contract.svg")
	if ct := first.Header().Get("Content-Type"); ct != "image/svg+xml" || !strings.Contains(first.Body.String(), "<svg") {
		t.Fatalf("the diagram: type %q: %.200s", ct, first.Body.String())
	}
	u.diagrams.Dot = "no-such-dot-command" // a second request must not run dot again
	again := serve(t, u.workflowDiagram, "/admin/workflows/contract.svg", "diagram", "contract.svg")
	if !bytes.Equal(first.Body.Bytes(), again.Body.Bytes()) {
		t.Error("the second request did not get the cached diagram")
	}
	d := &diagrams{}
	if _, err := d.svg(t.Context(), "broken", "digraph {"); err == nil || !strings.Contains(err.Error(), "dot:") {
		t.Errorf("a broken DOT: %v, want dot's refusal", err)
	}
}
