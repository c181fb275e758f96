// Package doa implements the delegation-of-authority rules of SPEC §6: the
// approval matrix read from workflows/doa.yaml (which DOA levels a document
// needs for its kind, subtype and amount in the base currency), the exact
// conversion of amounts with the admin-managed FX rates, and who may approve
// the next level of a document under segregation of duties and delegation.
//
// The package does no I/O: the workflow engine loads the YAML, the FX rates,
// the approvals so far and the delegations, and asks this package to decide.
package doa

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/cockroachdb/apd/v3"
	"github.com/goccy/go-yaml"

	"dossier/internal/dossier"
)

// DefaultBaseCurrency is the base currency when the matrix names none.
const DefaultBaseCurrency = "EUR"

// Matrix is a parsed, validated approval matrix: named rules, each either
// amount bands or no approval. Which rule a document follows is said by its
// kind's workflow definition (doa: and doa_by_subtype:), so a new kind picks
// a rule without an edit here.
type Matrix struct {
	BaseCurrency string

	rules map[string]*rule
	names []string // in file order
}

type rule struct {
	name       string
	noApproval bool
	bands      []band // ascending; the last one is unbounded
}

type band struct {
	below  *apd.Decimal // nil: no upper bound
	levels []int
}

// The YAML shape. Every field is named so that Strict decoding refuses a
// misspelt key instead of silently ignoring, say, "subtype:" for "subtypes:".
type matrixYAML struct {
	BaseCurrency string     `yaml:"base_currency"`
	Rules        []ruleYAML `yaml:"rules"`
}

type ruleYAML struct {
	Name       string     `yaml:"name"`
	NoApproval bool       `yaml:"no_approval"`
	Bands      []bandYAML `yaml:"bands"`
}

type bandYAML struct {
	Below  *limitText  `yaml:"below"`
	Levels []levelText `yaml:"levels"`
}

// limitText is a band limit as written. An unquoted 1e6 or 1.5 would reach a
// plain string field already converted by the YAML library (1.50 becomes
// "1.5", 0x10 becomes "16"), so the value is taken as the library typed it;
// anything but a string or an integer is kept as bad and reported later by
// parseBands, where the rule and band it belongs to are known.
type limitText struct {
	text string
	bad  bool
}

func (l *limitText) UnmarshalYAML(decode func(any) error) error {
	var v any
	if err := decode(&v); err != nil {
		return err
	}
	switch x := v.(type) {
	case string:
		l.text = x
	case uint64:
		l.text = strconv.FormatUint(x, 10)
	case int64:
		l.text = strconv.FormatInt(x, 10) // negative: refused by the decimal check
	default:
		l.text, l.bad = fmt.Sprint(v), true
	}
	return nil
}

// levelText keeps 1.5 or "2" apart from real levels, which a plain int field
// would truncate or reject without naming the rule.
type levelText struct {
	n   int
	bad string // the value as written when it is not an integer
}

func (l *levelText) UnmarshalYAML(decode func(any) error) error {
	var v any
	if err := decode(&v); err != nil {
		return err
	}
	switch x := v.(type) {
	case uint64:
		l.n = int(min(x, 1000)) // out of range either way; no overflow
	case int64:
		l.n = int(max(x, -1))
	default:
		l.bad = fmt.Sprint(v)
	}
	return nil
}

// Parse reads and validates an approval matrix. Every problem names the rule
// and what is wrong, because an admin edits this file by hand and
// `dossier workflows check` shows these messages as they are.
func Parse(data []byte) (*Matrix, error) {
	var raw matrixYAML
	if err := yaml.UnmarshalWithOptions(data, &raw, yaml.Strict()); err != nil {
		return nil, fmt.Errorf("doa matrix: %w", err)
	}
	m := &Matrix{BaseCurrency: raw.BaseCurrency, rules: map[string]*rule{}}
	if m.BaseCurrency == "" {
		m.BaseCurrency = DefaultBaseCurrency
	}
	if !dossier.IsCurrency(m.BaseCurrency) {
		return nil, fmt.Errorf("doa matrix: base_currency %q is not an ISO 4217 code: use e.g. \"EUR\"", m.BaseCurrency)
	}
	if len(raw.Rules) == 0 {
		return nil, errors.New("doa matrix: no rules: every document kind names a rule (one with no_approval: true for kinds without approval)")
	}
	for i, r := range raw.Rules {
		if err := m.addRule(i, r); err != nil {
			return nil, fmt.Errorf("doa matrix: %w", err)
		}
	}
	return m, nil
}

func (m *Matrix) addRule(i int, r ruleYAML) error {
	name := fmt.Sprintf("rules[%d] (%s)", i, r.Name)
	switch {
	case !dossier.IsName(r.Name):
		return fmt.Errorf("rules[%d]: name %q is not a name: give the rule a name of lower-case letters, digits and _, e.g. name: commercial", i, r.Name)
	case m.rules[r.Name] != nil:
		return fmt.Errorf("%s: the name is used by an earlier rule: rule names are unique", name)
	}
	parsed := &rule{name: name, noApproval: r.NoApproval}
	switch {
	case r.NoApproval && len(r.Bands) > 0:
		return fmt.Errorf("%s: has both no_approval and bands: keep one", name)
	case !r.NoApproval && len(r.Bands) == 0:
		return fmt.Errorf("%s: has no bands: give amount bands, or no_approval: true", name)
	case !r.NoApproval:
		bands, err := parseBands(r.Bands)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		parsed.bands = bands
	}
	m.rules[r.Name] = parsed
	m.names = append(m.names, r.Name)
	return nil
}

// parseBands checks that the bands partition [0, ∞): limits strictly
// ascending and positive, and exactly one band, the last, without a limit.
func parseBands(raw []bandYAML) ([]band, error) {
	bands := make([]band, 0, len(raw))
	for j, b := range raw {
		where := fmt.Sprintf("bands[%d]", j)
		last := j == len(raw)-1
		var limit *apd.Decimal
		switch {
		case b.Below == nil && !last:
			return nil, fmt.Errorf("%s has no below but is not the last band: only the last band is unbounded", where)
		case b.Below != nil && last:
			return nil, fmt.Errorf("%s (below %s) is the last band: the last band must have no below, so that every amount is covered", where, b.Below.text)
		case b.Below != nil && b.Below.bad:
			return nil, fmt.Errorf("%s: below %s is not a decimal: write it in quotes, e.g. below: \"100000\"", where, b.Below.text)
		case b.Below != nil:
			a, err := dossier.ParseAmount("below", b.Below.text)
			if err != nil {
				return nil, fmt.Errorf("%s: %s", where, dossier.ErrorMessage(err))
			}
			d := a.Decimal()
			if d.IsZero() {
				return nil, fmt.Errorf("%s: below 0 matches no amount: use a positive limit", where)
			}
			if j > 0 && d.Cmp(bands[j-1].below) <= 0 {
				return nil, fmt.Errorf("%s: below %s is not above the previous band's %s: limits must be strictly ascending", where, b.Below.text, bands[j-1].below.Text('f'))
			}
			limit = d
		}
		levels, err := checkLevels(b.Levels)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		bands = append(bands, band{below: limit, levels: levels})
	}
	return bands, nil
}

// checkLevels insists on ascending distinct levels because levels are
// approved in the order listed, and a repeated level would ask for an
// approval that segregation of duties can never allow twice.
func checkLevels(raw []levelText) ([]int, error) {
	if len(raw) == 0 {
		return nil, errors.New("levels is empty: list the DOA levels, e.g. [1, 2]; use no_approval: true on the rule for none")
	}
	levels := make([]int, len(raw))
	for i, l := range raw {
		switch {
		case l.bad != "":
			return nil, fmt.Errorf("level %s is not a DOA level: use 1, 2 or 3", l.bad)
		case l.n < 1 || l.n > MaxLevel:
			return nil, fmt.Errorf("level %d is not a DOA level: use 1, 2 or 3", l.n)
		case i > 0 && l.n <= levels[i-1]:
			return nil, fmt.Errorf("levels are not ascending and distinct (%d after %d): write them as e.g. [1, 2, 3]", l.n, levels[i-1])
		}
		levels[i] = l.n
	}
	return levels, nil
}

// HasRule reports whether the matrix has a rule of that name.
func (m *Matrix) HasRule(name string) bool { return m.rules[name] != nil }

// HasBands reports whether the named rule decides levels by amount, so that
// a document following it needs an amount and a currency before approval.
func (m *Matrix) HasBands(name string) bool {
	r := m.rules[name]
	return r != nil && !r.noApproval
}

// RuleNames returns the rule names in file order.
func (m *Matrix) RuleNames() []string { return slices.Clone(m.names) }

// MaxLevel is the highest DOA level (SPEC §1).
const MaxLevel = 3
