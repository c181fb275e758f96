package workflow

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"dossier/internal/dossier"
)

// FileName is the file that holds kind's definition inside a workflows
// directory.
func FileName(k dossier.Kind) string { return string(k) + ".yaml" }

// Load reads and validates <kind>.yaml for every kind of dossier.Kinds. It
// keeps going after a bad file so that the error lists every problem of
// every file; other files in fsys (doa.yaml) are not its business.
func Load(fsys fs.FS) (*Set, error) {
	kinds := make([]dossier.Kind, 0, len(dossier.Kinds))
	for k := range dossier.Kinds {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	set := &Set{defs: make(map[dossier.Kind]*Definition, len(kinds))}
	var errs []error
	for _, k := range kinds {
		d, err := LoadKind(fsys, k)
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
