package workflow

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"dossier/internal/doa"
	"dossier/internal/dossier"
)

// MatrixFile is the file of a workflows directory that holds the DOA matrix;
// every other <name>.yaml defines the kind <name>.
const MatrixFile = "doa.yaml"

// FileName is the file that holds kind's definition inside a workflows
// directory.
func FileName(k dossier.Kind) string { return string(k) + ".yaml" }

// Load reads and validates every definition of a workflows directory (one
// <kind>.yaml per kind) and its DOA matrix, and checks that every rule a
// definition names is in the matrix. A new kind needs nothing but its file.
// Load keeps going after a bad file so that the error lists every problem
// of every file.
func Load(fsys fs.FS) (*Set, error) {
	kinds, err := KindFiles(fsys)
	if err != nil {
		return nil, err
	}
	var errs []error
	data, err := fs.ReadFile(fsys, MatrixFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", MatrixFile, err)
	}
	matrix, err := doa.Parse(data)
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", MatrixFile, err))
	}
	set := &Set{defs: make(map[dossier.Kind]*Definition, len(kinds)), matrix: matrix}
	for _, k := range kinds {
		d, err := LoadKind(fsys, k)
		if err == nil && matrix != nil {
			if rerr := d.checkRules(matrix); rerr != nil {
				err = inFile(rerr, FileName(k))
			}
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		set.defs[k] = d
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return set, nil
}

// KindFiles lists the kinds a workflows directory defines, sorted.
func KindFiles(fsys fs.FS) ([]dossier.Kind, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read the workflows directory: %w", err)
	}
	var kinds []dossier.Kind
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".yaml")
		if !ok || e.IsDir() || e.Name() == MatrixFile {
			continue
		}
		kinds = append(kinds, dossier.Kind(name))
	}
	if len(kinds) == 0 {
		return nil, errors.New("the workflows directory defines no kind: add one <kind>.yaml per document kind")
	}
	slices.Sort(kinds)
	return kinds, nil
}

// checkRules reports rules the definition names that the matrix lacks, and
// an approval round under a rule that needs none (or the reverse).
func (d *Definition) checkRules(m *doa.Matrix) error {
	v := &validator{d: d}
	rules := []string{d.DOA}
	for _, st := range slices.Sorted(maps.Keys(d.DOABySubtype)) {
		rules = append(rules, d.DOABySubtype[st])
	}
	for _, r := range rules {
		if !m.HasRule(r) {
			v.add("", "doa names the rule %q, which %s does not have (it has %s)", r, MatrixFile, strings.Join(m.RuleNames(), ", "))
			continue
		}
		if m.HasBands(r) && d.Approval == nil {
			v.add("", "the DOA rule %q has amount bands but the definition has no approval round: add approval, or use a rule with no_approval", r)
		}
		if m.HasBands(r) {
			d.checkBasisRequired(v)
		}
	}
	return errors.Join(v.problems...)
}

// checkBasisRequired insists that a document whose DOA levels depend on its
// amount has one before it leaves preparation on its way to approval, the
// last moment its amount may change (SPEC §6: amount bands need an
// amount): every event from a preparing state towards the approval state
// must require amount and currency.
func (d *Definition) checkBasisRequired(v *validator) {
	for _, e := range d.Events {
		if d.IsPreparing(e.To) || !slices.ContainsFunc(e.From, d.IsPreparing) || !d.leadsToApproval(e.To) {
			continue
		}
		g, _ := e.Guard(GuardRequiredFields)
		if !slices.Contains(g.Args, "amount") || !slices.Contains(g.Args, "currency") {
			v.add("event "+e.Name, "leaves preparation under a DOA rule with amount bands: give it the guard required_fields: [amount, currency]")
		}
	}
}

// LoadKind reads and validates the definition of one kind; every problem in
// the error names the file.
func LoadKind(fsys fs.FS, k dossier.Kind) (*Definition, error) {
	name := FileName(k)
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	d, err := Parse(k, data)
	if err != nil {
		return nil, inFile(err, name)
	}
	if err := d.Validate(); err != nil {
		return nil, inFile(err, name)
	}
	return d, nil
}

// inFile records the file name on every Problem in err, so that each line
// of the joined message starts with the file an administrator must edit.
func inFile(err error, name string) error {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	out := make([]error, 0, len(errs))
	for _, e := range errs {
		var p *Problem
		if errors.As(e, &p) {
			p.File = name
			out = append(out, p)
			continue
		}
		out = append(out, fmt.Errorf("%s: %w", name, e))
	}
	return errors.Join(out...)
}

// leadsToApproval reports whether the approval state can be reached from
// state without going back through preparation.
func (d *Definition) leadsToApproval(state string) bool {
	if d.Approval == nil {
		return false
	}
	seen := map[string]bool{state: true}
	queue := []string{state}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if s == d.Approval.State {
			return true
		}
		for _, e := range d.EventsFrom(s) {
			if !seen[e.To] && !d.IsPreparing(e.To) {
				seen[e.To] = true
				queue = append(queue, e.To)
			}
		}
	}
	return false
}
