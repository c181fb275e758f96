package workflow

import (
	"fmt"
	"strings"

	"github.com/looplab/fsm"
)

// Graph draws the definition as Graphviz DOT ("dot") or a Mermaid state
// diagram ("mermaid"), with the initial state marked as current, final
// states drawn as ends and immutable states shaded.
func (d *Definition) Graph(format string) (string, error) {
	var t fsm.VisualizeType
	switch format {
	case "dot":
		t = fsm.GRAPHVIZ
	case "mermaid":
		t = fsm.MERMAID
	default:
		return "", fmt.Errorf("graph %s: unknown format %q: use dot or mermaid", d.Kind, format)
	}
	out, err := fsm.VisualizeWithType(d.Machine(d.Initial), t)
	if err != nil {
		return "", err
	}
	var marks strings.Builder
	for _, s := range d.Final {
		switch {
		case format == "dot" && d.IsImmutable(s):
			fmt.Fprintf(&marks, "    %q [shape = doublecircle, style = filled, fillcolor = \"lightgrey\", tooltip = \"final, immutable\"];\n", s)
		case format == "dot":
			fmt.Fprintf(&marks, "    %q [shape = doublecircle, tooltip = \"final\"];\n", s)
		default:
			fmt.Fprintf(&marks, "    %s --> [*]\n", s)
		}
	}
	if format == "dot" {
		// The library closes the graph with "}"; the marks go inside.
		i := strings.LastIndex(out, "}")
		return out[:i] + marks.String() + out[i:], nil
	}
	if len(d.Immutable) > 0 {
		marks.WriteString("    classDef immutable fill:#ddd,stroke:#333,stroke-width:2px\n")
		fmt.Fprintf(&marks, "    class %s immutable\n", strings.Join(d.Immutable, ","))
	}
	return out + marks.String(), nil
}
