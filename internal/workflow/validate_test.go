package workflow_test

import (
	"errors"
	"strings"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/workflow"
)

// base is a small valid definition; each case below breaks one thing in it.
const base = `kind: other
doa: none
initial: received
states: [received, in_review, done, archived]
final: [archived]
immutable: [archived]
preparing: [received]
events:
  - name: submit
    from: [received]
    to: in_review
    roles: [admin]
    effects: [notify]
  - name: finish
    from: [in_review]
    to: done
    roles: [reviewer]
    guards:
      - not_actor_of: [submit]
      - checklist: [looks_right]
  - name: archive
    from: [done]
    to: archived
    roles: [admin]
`

func TestBaseIsValid(t *testing.T) {
	t.Parallel()
	d, err := workflow.Parse(dossier.KindOther, []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateFindsProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		old, new string // replace old by new in base
		want     []string
	}{
		{"unknown state in to", "to: done", "to: dun", []string{"event finish", `unknown state "dun" in to`, `state done: unreachable`}},
		{"unknown state in from", "from: [done]", "from: [don]", []string{"event archive", `unknown state "don" in from`}},
		{"unreachable state", "states: [received, in_review, done, archived]", "states: [received, in_review, done, limbo, archived]",
			[]string{"state limbo: unreachable from initial state \"received\"", "state limbo: no event leaves it"}},
		{"event without roles", "    roles: [reviewer]\n", "", []string{"event finish: no roles"}},
		{"unknown role", "roles: [reviewer]", "roles: [reviewr]", []string{"event finish", `unknown role "reviewr"`}},
		{"auditor may not act", "roles: [reviewer]", "roles: [auditor]", []string{"event finish: role auditor is read-only"}},
		{"unknown guard", "- checklist: [looks_right]", "- doa_check", []string{"event finish", `unknown guard "doa_check"`}},
		{"unknown effect", "effects: [notify]", "effects: [notify, email]", []string{"event submit", `unknown effect "email"`}},
		{"not_actor_of unknown event", "not_actor_of: [submit]", "not_actor_of: [sumbit]", []string{"event finish", `not_actor_of names unknown event "sumbit"`}},
		{"guard missing args", "- checklist: [looks_right]", "- checklist", []string{"guard checklist needs a list of arguments"}},
		{"guard extra args", "- checklist: [looks_right]", "- doa: [x]", []string{"guard doa takes no arguments"}},
		{"reviews_complete without departments", "- checklist: [looks_right]", "- reviews_complete", []string{"reviews_complete needs reviews", "reviews is missing"}},
		{"bad required field", "- checklist: [looks_right]", "- required_fields: [title, dates.expiry_date, colour]", []string{`unknown field "colour"`}},
		{"duplicate state", "states: [received, in_review, done, archived]", "states: [received, in_review, done, done, archived]", []string{"state done: declared twice"}},
		{"duplicate event", "  - name: archive\n", "  - name: submit\n", []string{"event submit: defined twice"}},
		{"final state with outgoing event", "final: [archived]", "final: [done, archived]", []string{"event archive", `leaves final state "done"`}},
		{"initial not preparing", "initial: received", "initial: in_review", []string{`preparing does not include the initial state "in_review"`}},
		{"initial not a state", "initial: received", "initial: start", []string{`initial state "start" is not among the states`}},
		{"self loop", "to: done", "to: in_review", []string{`goes from "in_review" to itself`}},
		{"no final state", "final: [archived]", "final: []", []string{"no final state"}},
		{"dead end", "from: [done]", "from: [in_review]", []string{"state done: no event leaves it and it is not final"}},
		{"unknown key", "final: [archived]", "final: [archived]\nstates_extra: x", []string{`other:6: unknown field "states_extra"`}},
		{"no immutable state", "immutable: [archived]\n", "", []string{"immutable is missing"}},
		{"immutable but not final", "immutable: [archived]", "immutable: [done, archived]", []string{`immutable state "done" is not final`}},
		{"immutable unknown", "immutable: [archived]", "immutable: [archive]", []string{`immutable state "archive" is not among the states`}},
		{"no preparing state", "preparing: [received]\n", "", []string{"preparing is missing"}},
		{"preparing and immutable", "preparing: [received]", "preparing: [received, archived]", []string{`state "archived" is both preparing and immutable`}},
		{"no doa rule", "doa: none\n", "", []string{"doa is missing"}},
		{"doa guard without approval", "- checklist: [looks_right]", "- doa", []string{"approval is missing: event finish has the doa guard"}},
		{"approval in unknown state", "preparing: [received]", "preparing: [received]\napproval: {state: waiting, approve: finish}\ninvolved: {submit: submitted}",
			[]string{`approval: state "waiting" is not among the states`}},
		{"approving event without doa", "preparing: [received]", "preparing: [received]\napproval: {state: in_review, approve: finish}\ninvolved: {submit: submitted}",
			[]string{"approval: event finish must have the doa guard"}},
		{"approval without involved", "preparing: [received]", "preparing: [received]\napproval: {state: in_review, approve: finish}", []string{"involved is missing"}},
		{"involved unknown event", "preparing: [received]", "preparing: [received]\ninvolved: {sumbit: submitted}", []string{`involved names unknown event "sumbit"`}},
		{"ends unknown event", "preparing: [received]", "preparing: [received]\napproval: {state: in_review, approve: finish, ends: [refuse]}\ninvolved: {submit: submitted}",
			[]string{`approval: ends names unknown event "refuse"`}},
		{"payload of unknown type", "effects: [notify]", "effects: [notify]\n    payload: {sent_on: day}", []string{`event submit: payload member sent_on has the unknown type "day"`}},
		{"payload field not declared", "- checklist: [looks_right]", "- payload_fields: [sent_on]", []string{"event finish: guard payload_fields requires sent_on, which payload does not declare"}},
		{"payload typing a checklist item", "      - checklist: [looks_right]\n", "      - checklist: [looks_right]\n    payload: {looks_right: boolean}\n",
			[]string{"payload member looks_right is also a checklist item"}},
		{"event named review", "  - name: archive\n", "  - name: review\n", []string{`the name "review" is kept for department sign-offs`}},
		{"retain outside immutable", "effects: [notify]", "effects: [notify, retain]", []string{`effect retain locks the archive, but "in_review" is not an immutable state`}},
		{"date order of one date", "doa: none", "doa: none\ndate_order: [[issue_date]]", []string{"date_order: [issue_date] names fewer than two dates"}},
		{"date order of a non-date", "doa: none", "doa: none\ndate_order: [[issue_date, expiry]]", []string{`date_order: "expiry" is not a date name`}},
		{"scheduled after a non-date", "doa: none", "doa: none\nscheduled: {archive: expiry}", []string{"scheduled: archive needs the name of a date of the document"}},
		{"unknown field type", "doa: none", "doa: none\nfields: {days: number}", []string{`fields: days has the unknown type "number"`}},
		{"unknown required metadata", "doa: none", "doa: none\nrequired: [colour]", []string{`required: unknown metadata "colour"`}},
		{"bad subtype", "doa: none", "doa: none\nsubtypes: [Big, big]", []string{`subtype "Big" is not a name`}},
		{"doa rule for unknown subtype", "doa: none", "doa: none\nsubtypes: [small]\ndoa_by_subtype: {large: none}", []string{`doa_by_subtype: "large" is not one of the subtypes`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := strings.Replace(base, tt.old, tt.new, 1)
			if src == base {
				t.Fatalf("%q is not in the base document", tt.old)
			}
			err := parseAndValidate(src)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
			var p *workflow.Problem
			if !errors.As(err, &p) {
				t.Errorf("error %T carries no *Problem", err)
			}
		})
	}
}

func parseAndValidate(src string) error {
	d, err := workflow.Parse(dossier.KindOther, []byte(src))
	if err != nil {
		return err
	}
	return d.Validate()
}

// TestValidateReportsEverything checks that problems are collected, not
// just the first one, so one check run shows all that needs fixing.
func TestValidateReportsEverything(t *testing.T) {
	t.Parallel()
	src := strings.NewReplacer("roles: [reviewer]", "roles: []", "effects: [notify]", "effects: [fax]").Replace(base)
	err := parseAndValidate(src)
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 {
		t.Errorf("want 2 problems, one per line, got %d:\n%v", len(lines), err)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "other: event ") {
			t.Errorf("problem %q does not name the kind and event", l)
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"unknown key with line", strings.Replace(base, "    to: in_review\n", "    to: in_review\n    gaurds: [doa]\n", 1), `other:12: unknown field "gaurds"`},
		{"unknown top-level key", "kind: other\ninitial: received\nstate: [received]\n", `other:3: unknown field "state"`},
		{"guard with two keys", strings.Replace(base, "- checklist: [looks_right]", "- {checklist: [a], doa: []}", 1), "guard has 2 keys"},
		{"guard args not a list", strings.Replace(base, "- checklist: [looks_right]", "- checklist: looks_right", 1), "other:20: guard checklist: the arguments must be a list"},
		{"guard number", strings.Replace(base, "- checklist: [looks_right]", "- 42", 1), "other:20: a guard is a name"},
		{"wrong kind", strings.Replace(base, "kind: other", "kind: customs", 1), "the file says kind: customs but defines other"},
		{"missing kind", strings.Replace(base, "kind: other\n", "", 1), "kind is missing"},
		{"empty file", "", "kind is missing"},
		{"syntax error", "kind: other\nstates: [received\n", "other:"},
		{"tag over a list (go-yaml #735 panics)", strings.Replace(base, "roles: [reviewer]", "roles: !x", 1), "the YAML parser failed"},
		{"from not a list", strings.Replace(base, "from: [received]", "from: {a: b}", 1), "other:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := workflow.Parse(dossier.KindOther, []byte(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
		})
	}
}
