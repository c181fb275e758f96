package workflow_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/workflow"
	"dossier/workflows"
)

func shipped(t *testing.T) *workflow.Set {
	t.Helper()
	set, err := workflow.Load(workflows.FS)
	if err != nil {
		t.Fatalf("the shipped workflows do not load:\n%v", err)
	}
	return set
}

func TestShippedDefinitionsLoad(t *testing.T) {
	t.Parallel()
	set := shipped(t)
	// SPEC §5's kinds and the state each starts in.
	initial := map[dossier.Kind]string{
		dossier.KindPurchaseOrder: "received", dossier.KindFrameworkAgreement: "draft", dossier.KindContract: "received",
		dossier.KindLetterOfCredit: "received", dossier.KindToolingInvoice: "draft", dossier.KindCustoms: "received", dossier.KindOther: "received",
	}
	for kind, want := range initial {
		d, ok := set.Kind(kind)
		if !ok {
			t.Errorf("no definition for %s", kind)
			continue
		}
		if d.Initial != want {
			t.Errorf("%s starts in %q, want %q", kind, d.Initial, want)
		}
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", kind, err)
		}
		if !d.IsImmutable("archived") || !d.IsFinal("archived") {
			t.Errorf("%s: archived is not final and immutable", kind)
		}
	}
	if got := set.Kinds(); len(got) != len(initial) || !slices.IsSorted(got) {
		t.Errorf("Kinds() = %v, want all %d kinds sorted", got, len(initial))
	}
}

// step is one event of a happy path and the state it must lead to.
type step struct{ event, state string }

func TestHappyPaths(t *testing.T) {
	t.Parallel()
	review := []step{{"submit", "in_review"}, {"pass_review", "pending_approval"}, {"approve", "approved"}}
	tests := []struct {
		kind dossier.Kind
		path []step
	}{
		{dossier.KindPurchaseOrder, append(review, step{"archive", "archived"})},
		{dossier.KindContract, append(review, step{"archive", "archived"})},
		{dossier.KindFrameworkAgreement, []step{
			{"submit", "department_review"}, {"complete_review", "pending_approval"},
			{"approve", "approved"}, {"record_signature", "signed"}, {"archive", "archived"},
		}},
		{dossier.KindLetterOfCredit, append(review,
			step{"present_to_bank", "submitted_to_bank"}, step{"record_discrepancies", "discrepant"},
			step{"present_to_bank", "submitted_to_bank"}, step{"record_acceptance", "accepted"},
			step{"record_payment", "paid"}, step{"archive", "archived"})},
		{dossier.KindToolingInvoice, append(review,
			step{"issue", "issued"}, step{"record_payment", "paid"}, step{"archive", "archived"})},
		{dossier.KindCustoms, []step{{"archive", "archived"}}},
		{dossier.KindOther, []step{{"archive", "archived"}}},
	}
	set := shipped(t)
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			t.Parallel()
			d, _ := set.Kind(tt.kind)
			m := d.Machine(d.Initial)
			for i, s := range tt.path {
				if err := m.Event(context.Background(), s.event); err != nil {
					t.Fatalf("step %d: %s from %s: %v", i+1, s.event, m.Current(), err)
				}
				if m.Current() != s.state {
					t.Fatalf("step %d: %s led to %s, want %s", i+1, s.event, m.Current(), s.state)
				}
			}
		})
	}
}

// TestSideRoutes covers the transitions off the happy paths that SPEC §5
// names: returns, rejections, amendments, expiry and cancellation.
func TestSideRoutes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind         dossier.Kind
		from, event  string
		wantTo       string
		wantRoles    []string
		wantGuardArg string // an argument one of the event's guards must carry
	}{
		{dossier.KindPurchaseOrder, "in_review", "return", "received", []string{"reviewer"}, ""},
		{dossier.KindPurchaseOrder, "pending_approval", "reject", "rejected", []string{"approver"}, "submit"},
		{dossier.KindPurchaseOrder, "rejected", "archive", "archived", []string{"admin"}, ""},
		{dossier.KindPurchaseOrder, "in_review", "pass_review", "pending_approval", []string{"reviewer"}, "gpn_lpn_verified"},
		{dossier.KindFrameworkAgreement, "department_review", "return", "draft", []string{"reviewer"}, ""},
		{dossier.KindFrameworkAgreement, "pending_approval", "reject", "rejected", []string{"approver"}, ""},
		{dossier.KindLetterOfCredit, "in_review", "request_amendment", "amendment_requested", nil, ""},
		{dossier.KindLetterOfCredit, "amendment_requested", "receive_amendment", "received", nil, ""},
		{dossier.KindLetterOfCredit, "in_review", "pass_review", "pending_approval", nil, "documents_required_ok"},
		{dossier.KindLetterOfCredit, "approved", "present_to_bank", "submitted_to_bank", nil, "presentation_date"},
		{dossier.KindLetterOfCredit, "submitted_to_bank", "record_discrepancies", "discrepant", nil, "discrepancies"},
		{dossier.KindLetterOfCredit, "approved", "expire", "expired", []string{"system"}, ""},
		{dossier.KindLetterOfCredit, "discrepant", "expire", "expired", []string{"system"}, ""},
		{dossier.KindLetterOfCredit, "pending_approval", "cancel", "cancelled", nil, ""},
		{dossier.KindLetterOfCredit, "expired", "archive", "archived", nil, ""},
		{dossier.KindLetterOfCredit, "cancelled", "archive", "archived", nil, ""},
		{dossier.KindToolingInvoice, "pending_approval", "reject", "rejected", nil, ""},
	}
	set := shipped(t)
	for _, tt := range tests {
		d, _ := set.Kind(tt.kind)
		m := d.Machine(tt.from)
		if err := m.Event(context.Background(), tt.event); err != nil || m.Current() != tt.wantTo {
			t.Errorf("%s: %s from %s: state %s, err %v; want %s", tt.kind, tt.event, tt.from, m.Current(), err, tt.wantTo)
			continue
		}
		e, _ := d.Event(tt.event)
		if tt.wantRoles != nil && !slices.Equal(e.Roles, tt.wantRoles) {
			t.Errorf("%s: %s roles %v, want %v", tt.kind, tt.event, e.Roles, tt.wantRoles)
		}
		if tt.wantGuardArg != "" && !slices.ContainsFunc(e.Guards, func(g workflow.Guard) bool {
			return slices.Contains(g.Args, tt.wantGuardArg)
		}) {
			t.Errorf("%s: %s guards %v lack %q", tt.kind, tt.event, e.Guards, tt.wantGuardArg)
		}
	}
}

func TestNoEventLeavesArchived(t *testing.T) {
	t.Parallel()
	set := shipped(t)
	for _, k := range set.Kinds() {
		d, _ := set.Kind(k)
		if got := d.EventsFrom("archived"); len(got) != 0 || !d.IsFinal("archived") {
			t.Errorf("%s: archived is not a final state (events %v)", k, got)
		}
		if m := d.Machine("archived"); len(m.AvailableTransitions()) != 0 {
			t.Errorf("%s: the machine offers %v from archived", k, m.AvailableTransitions())
		}
	}
}

func TestAccessors(t *testing.T) {
	t.Parallel()
	d, _ := shipped(t).Kind(dossier.KindPurchaseOrder)
	var names []string
	for _, e := range d.EventsFrom("in_review") {
		names = append(names, e.Name)
	}
	if want := []string{"return", "pass_review"}; !slices.Equal(names, want) {
		t.Errorf("EventsFrom(in_review) = %v, want %v in file order", names, want)
	}
	approve, ok := d.Event("approve")
	if !ok {
		t.Fatal("no approve event")
	}
	if _, ok := approve.Guard(workflow.GuardDOA); !ok || !approve.HasEffect(workflow.EffectStamp) {
		t.Errorf("approve = %+v, want the doa guard and the stamp effect", approve)
	}
	if !approve.AllowsRole(dossier.RoleAuditor, dossier.RoleApprover) || approve.AllowsRole(dossier.RoleAdmin) {
		t.Errorf("approve roles %v: want approvers only", approve.Roles)
	}
	if _, ok := d.Event("fly"); ok {
		t.Error("Event(fly) found an event")
	}
}

// TestJSONShape pins the API shape of GET /api/v1/workflows/{kind}.
func TestJSONShape(t *testing.T) {
	t.Parallel()
	d, _ := shipped(t).Kind(dossier.KindCustoms)
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"kind":"customs","subtypes":[],"required":[],"fields":{},"date_order":[],"zero_amount":true,"doa":"none","doa_by_subtype":{},` +
		`"initial":"received","states":["received","archived"],"final":["archived"],"immutable":["archived"],` +
		`"preparing":["received"],"approval":null,"reviews":null,"involved":{},` +
		`"events":[{"name":"archive","from":["received"],"to":"archived","roles":["admin"],` +
		`"guards":[],"effects":["stamp","retain","index"],"payload":{},"comment_required":false}]}`
	if string(b) != want {
		t.Errorf("JSON\n got %s\nwant %s", b, want)
	}
	po, _ := shipped(t).Kind(dossier.KindPurchaseOrder)
	e, _ := po.Event("approve")
	b, _ = json.Marshal(e.Guards)
	if want := `[{"name":"doa","args":[]},{"name":"not_actor_of","args":["submit","pass_review"]}]`; string(b) != want {
		t.Errorf("guards JSON %s, want %s", b, want)
	}
}

func TestKnownNames(t *testing.T) {
	t.Parallel()
	for _, r := range dossier.AllRoles {
		if !slices.Contains(workflow.Roles, string(r)) {
			t.Errorf("Roles lacks %s", r)
		}
	}
	if g := strings.Join(workflow.KnownGuards(), ","); g != "required_fields,checklist,reviews_complete,doa,not_actor_of,payload_fields,presentation_check" {
		t.Errorf("KnownGuards() = %s", g)
	}
	if e := strings.Join(workflow.KnownEffects(), ","); e != "stamp,retain,notify,index" {
		t.Errorf("KnownEffects() = %s", e)
	}
}
