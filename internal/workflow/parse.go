package workflow

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"dossier/internal/dossier"
)

// Problem is one thing wrong with a definition. Validate and Load return
// every problem joined with errors.Join, so err.Error() has one problem per
// line, each naming where it is: the file (or, before Load knows the file,
// the kind), the line when the parser knows it, and the state or event.
type Problem struct {
	Kind    dossier.Kind
	File    string // set by Load
	Line    int    // 0 when unknown
	Subject string // e.g. `event approve`, `state rejected`; "" for the whole file
	Message string
}

func (p *Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
	} else {
		b.WriteString(string(p.Kind))
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	if p.Subject != "" {
		b.WriteString(": ")
		b.WriteString(p.Subject)
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}

// Parse decodes the definition of kind from YAML. Decoding is strict: an
// unknown key is an error with its line, because a misspelt "gaurds" would
// otherwise silently drop every guard of an event. Parse does not validate;
// call Validate (Load does both).
func Parse(kind dossier.Kind, data []byte) (*Definition, error) {
	var d Definition
	if err := decode(data, &d); err != nil {
		return nil, parseProblem(kind, err)
	}
	switch {
	case d.Kind == "":
		return nil, &Problem{Kind: kind, Message: fmt.Sprintf("kind is missing; the file must say kind: %s", kind)}
	case d.Kind != kind:
		return nil, &Problem{Kind: kind, Message: fmt.Sprintf("the file says kind: %s but defines %s", d.Kind, kind)}
	}
	d.normalise()
	return &d, nil
}

// decode runs the strict decoder and turns a panic into an error. go-yaml
// v1.19.2 panics on a tag over a list field ("roles: !x", goccy/go-yaml
// issue #735, fixed upstream after that release); these files are edited by
// hand and read by the server, so a typo must not take the process down.
func decode(data []byte, d *Definition) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the YAML parser failed on this file (%v); look for a stray tag such as !x", r)
		}
	}()
	return yaml.UnmarshalWithOptions(data, d, yaml.Strict())
}

// parseProblem turns a decoder error into a Problem with the line and
// message alone: the parser's own rendering quotes the source over several
// lines, which breaks the one-problem-per-line output of workflows check.
func parseProblem(kind dossier.Kind, err error) error {
	var p *Problem
	if errors.As(err, &p) {
		p.Kind = kind
		return p
	}
	var yerr yaml.Error
	if errors.As(err, &yerr) {
		line := 0
		if tk := yerr.GetToken(); tk != nil && tk.Position != nil {
			line = tk.Position.Line
		}
		return &Problem{Kind: kind, Line: line, Message: yerr.GetMessage()}
	}
	return &Problem{Kind: kind, Message: err.Error()}
}

// normalise turns absent lists into empty ones so that the JSON of the API
// always has arrays, never null.
func (d *Definition) normalise() {
	d.Subtypes = nonNil(d.Subtypes)
	d.Required = nonNil(d.Required)
	d.States = nonNil(d.States)
	d.Final = nonNil(d.Final)
	d.Immutable = nonNil(d.Immutable)
	d.Preparing = nonNil(d.Preparing)
	if d.Fields == nil {
		d.Fields = map[string]dossier.FieldType{}
	}
	if d.DateOrder == nil {
		d.DateOrder = [][]string{}
	}
	if d.DOABySubtype == nil {
		d.DOABySubtype = map[string]string{}
	}
	if d.Involved == nil {
		d.Involved = map[string]string{}
	}
	if d.Approval != nil {
		d.Approval.Ends = nonNil(d.Approval.Ends)
	}
	if d.Reviews != nil {
		d.Reviews.Departments = nonNil(d.Reviews.Departments)
	}
	if d.Events == nil {
		d.Events = []Event{}
	}
	for i := range d.Events {
		e := &d.Events[i]
		e.From = nonNil(e.From)
		e.Roles = nonNil(e.Roles)
		e.Effects = nonNil(e.Effects)
		if e.Payload == nil {
			e.Payload = map[string]dossier.FieldType{}
		}
		if e.Guards == nil {
			e.Guards = []Guard{}
		}
		for j := range e.Guards {
			e.Guards[j].Args = nonNil(e.Guards[j].Args)
		}
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// UnmarshalYAML reads a guard written as a plain name (doa) or as a map with
// one key and a list of arguments ({checklist: [a, b]}). It works on the
// syntax tree so that a malformed guard is reported at its line.
func (g *Guard) UnmarshalYAML(node ast.Node) error {
	const shape = "a guard is a name (doa) or a map with one key and a list ({checklist: [a, b]})"
	var mv *ast.MappingValueNode
	switch n := node.(type) {
	case *ast.StringNode:
		*g = Guard{Name: n.Value}
		return nil
	case *ast.MappingValueNode:
		mv = n
	case *ast.MappingNode:
		if len(n.Values) != 1 {
			return &Problem{Line: line(node), Message: fmt.Sprintf("guard has %d keys: %s", len(n.Values), shape)}
		}
		mv = n.Values[0]
	default:
		return &Problem{Line: line(node), Message: shape}
	}
	key, ok := mv.Key.(*ast.StringNode)
	if !ok {
		return &Problem{Line: line(node), Message: shape}
	}
	seq, ok := mv.Value.(*ast.SequenceNode)
	if !ok {
		return &Problem{Line: line(mv.Value), Message: fmt.Sprintf("guard %s: the arguments must be a list, e.g. %s: [a, b]", key.Value, key.Value)}
	}
	args := make([]string, 0, len(seq.Values))
	for _, v := range seq.Values {
		s, ok := v.(*ast.StringNode)
		if !ok {
			return &Problem{Line: line(v), Message: fmt.Sprintf("guard %s: each argument must be a name", key.Value)}
		}
		args = append(args, s.Value)
	}
	*g = Guard{Name: key.Value, Args: args}
	return nil
}

// line is the line a node starts on, or 0 when the parser gave none.
func line(n ast.Node) int {
	if n == nil {
		return 0
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}
