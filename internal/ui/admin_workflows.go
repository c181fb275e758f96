package ui

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
	"dossier/internal/workflow"
)

// workflowView is one kind on the workflows page: its definition, and the
// DOT text when Graphviz cannot draw it here.
type workflowView struct {
	Def *workflow.Definition
	DOT string // set only when dot is missing
}

// StateFlags names what the definition says of state: initial, final,
// immutable, preparing, approval, review.
func (w workflowView) StateFlags(state string) []string {
	d := w.Def
	var out []string
	for _, f := range []struct {
		name string
		on   bool
	}{
		{"initial", d.Initial == state}, {"final", slices.Contains(d.Final, state)},
		{"immutable", d.IsImmutable(state)}, {"preparing", d.IsPreparing(state)},
		{"approval", d.InApproval(state)}, {"review", d.InReview(state)},
	} {
		if f.on {
			out = append(out, f.name)
		}
	}
	return out
}

// GuardText is a guard as the YAML writes it: name, and its arguments.
func (workflowView) GuardText(g workflow.Guard) string {
	if len(g.Args) == 0 {
		return g.Name
	}
	return g.Name + ": " + strings.Join(g.Args, ", ")
}

type workflowsData struct {
	Kinds    []workflowView
	Graphviz bool // dot is installed: the diagrams are images
}

// workflows is GET /api/v1/workflows as a page: each kind's state diagram,
// drawn from its definition, and the same facts as tables, since an image
// says nothing to a screen reader.
func (u *UI) workflows(c echo.Context) error {
	defs := u.Engine.Definitions()
	data := workflowsData{Graphviz: u.diagrams.available()}
	for _, k := range defs.Kinds() {
		d, _ := defs.Kind(k)
		w := workflowView{Def: d}
		if !data.Graphviz {
			dot, err := d.Graph("dot")
			if err != nil {
				return err
			}
			w.DOT = dot
		}
		data.Kinds = append(data.Kinds, w)
	}
	return u.render(c, http.StatusOK, "admin_workflows", u.view(c, "admin.workflows_title", data))
}

// workflowDiagram is GET /admin/workflows/{kind}.svg: the kind's DOT drawn
// by Graphviz, for an <img>, where an SVG runs no script.
func (u *UI) workflowDiagram(c echo.Context) error {
	name, ok := strings.CutSuffix(c.Param("diagram"), ".svg")
	d, found := u.Engine.Definitions().Kind(dossier.Kind(name))
	if !ok || !found {
		return dossier.Errorf(dossier.ENotFound, "no workflow diagram %s", dossier.Clip(c.Param("diagram")))
	}
	dot, err := d.Graph("dot")
	if err != nil {
		return err
	}
	svg, err := u.diagrams.svg(c.Request().Context(), name, dot)
	if errors.Is(err, errNoDot) {
		return dossier.Errorf(dossier.EUnavailable, "install graphviz to see the diagram")
	}
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "image/svg+xml", svg)
}
