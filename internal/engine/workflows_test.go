package engine_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"dossier/internal/dossier"
)

// TestHappyPaths walks every shipped workflow of SPEC §5 from its initial
// state to archived, each event fired by a user holding the right role and
// distinct users wherever segregation of duties demands it. mustFire checks
// state, version and the history entry after every step; at the end the
// document is archived, the stamp and retain jobs were queued and the audit
// chain verifies.
func TestHappyPaths(t *testing.T) {
	t.Parallel()
	type path struct {
		kind  dossier.Kind
		opts  []docOption
		steps func(e *env, c cast, id string, t *testing.T)
		// stamps lists the states the stamp jobs were queued in.
		stamps []string
	}
	paths := map[string]path{
		"purchase_order": {
			kind: dossier.KindPurchaseOrder, opts: []docOption{amount("50000.00", "EUR")},
			steps: func(e *env, c cast, id string, t *testing.T) {
				e.chain(t, id,
					fire{by: c.admin, event: "submit", to: "in_review"},
					fire{by: c.reviewer, event: "return", to: "received", comment: "price differs from quotation Q-17"},
					fire{by: c.admin, event: "submit", to: "in_review"},
					fire{by: c.reviewer, event: "pass_review", payload: poChecklist(), to: "pending_approval"},
					fire{by: c.appr1, event: "approve", to: "approved"},
					fire{by: c.admin2, event: "archive", to: "archived"},
				)
			},
			stamps: []string{"approved", "archived"},
		},
		"contract with two DOA levels": {
			kind: dossier.KindContract, opts: []docOption{amount("150000", "EUR")},
			steps: func(e *env, c cast, id string, t *testing.T) {
				e.chain(t, id,
					fire{by: c.admin, event: "submit", to: "in_review"},
					fire{by: c.reviewer, event: "pass_review", payload: poChecklist(), to: "pending_approval"},
					fire{by: c.appr1, event: "approve", to: "pending_approval"},
					fire{by: c.appr2, event: "approve", to: "approved"},
					fire{by: c.admin, event: "archive", to: "archived"},
				)
			},
			stamps: []string{"approved", "archived"},
		},
		"framework_agreement": {
			kind: dossier.KindFrameworkAgreement, opts: []docOption{amount("80000", "EUR")},
			steps: func(e *env, c cast, id string, t *testing.T) {
				e.mustFire(t, id, fire{by: c.admin, event: "submit", to: "department_review"})
				deps := e.departments(t, dossier.KindFrameworkAgreement)
				if len(deps) == 0 {
					t.Fatal("framework_agreement.yaml lists no departments")
				}
				for i, dep := range deps {
					by := c.reviewer
					if i%2 == 1 {
						by = c.reviewer2
					}
					e.review(t, id, by, dep, "approve")
				}
				e.chain(t, id,
					fire{by: c.reviewer, event: "complete_review", to: "pending_approval"},
					fire{by: c.appr1, event: "approve", to: "approved"},
					fire{by: c.admin, event: "record_signature", to: "signed", payload: map[string]any{"signed_on": "2026-03-16"}},
					fire{by: c.admin, event: "archive", to: "archived"},
				)
			},
			stamps: []string{"approved", "archived"},
		},
		"letter_of_credit": {
			kind: dossier.KindLetterOfCredit, opts: []docOption{amount("500000", "EUR"), subtype("deferred")},
			steps: func(e *env, c cast, id string, t *testing.T) {
				e.chain(t, id,
					fire{by: c.bank, event: "submit", to: "in_review"},
					fire{by: c.reviewer, event: "request_amendment", to: "amendment_requested", comment: "46A asks for a document we cannot produce"},
					fire{by: c.bank, event: "receive_amendment", to: "received"},
					fire{by: c.admin, event: "submit", to: "in_review"},
					fire{by: c.reviewer, event: "pass_review", payload: lcChecklist(), to: "pending_approval"},
					fire{by: c.appr2, event: "approve", to: "approved"},
					fire{by: c.bank, event: "present_to_bank", to: "submitted_to_bank",
						payload: map[string]any{"presentation_date": "2026-04-02", "shipment_date": "2026-03-28"}},
					fire{by: c.bank, event: "record_discrepancies", to: "discrepant",
						payload: map[string]any{"discrepancies": []string{"late presentation", "invoice amount exceeds credit"}}},
					fire{by: c.bank, event: "present_to_bank", to: "submitted_to_bank",
						payload: map[string]any{"presentation_date": "2026-04-06"}},
					fire{by: c.bank, event: "record_acceptance", to: "accepted", payload: map[string]any{"maturity_date": "2026-07-05"}},
					fire{by: c.bank, event: "record_payment", to: "paid", payload: map[string]any{"paid_on": "2026-07-06"}},
					fire{by: c.admin, event: "archive", to: "archived"},
				)
			},
			stamps: []string{"approved", "archived"},
		},
		"tooling_invoice": {
			kind: dossier.KindToolingInvoice, opts: []docOption{amount("20000", "EUR"), subtype("prototype")},
			steps: func(e *env, c cast, id string, t *testing.T) {
				e.chain(t, id,
					fire{by: c.admin, event: "submit", to: "in_review"},
					fire{by: c.reviewer, event: "return", to: "draft"},
					fire{by: c.admin, event: "submit", to: "in_review"},
					fire{by: c.reviewer, event: "pass_review", to: "pending_approval"},
					fire{by: c.appr1, event: "approve", to: "approved"},
					fire{by: c.admin, event: "issue", to: "issued"},
					fire{by: c.bank, event: "record_payment", to: "paid", payload: map[string]any{"paid_on": "2026-05-01"}},
					fire{by: c.admin, event: "archive", to: "archived"},
				)
			},
			stamps: []string{"approved", "archived"},
		},
		"customs": {
			kind: dossier.KindCustoms, opts: []docOption{amount("", "")},
			steps: func(e *env, c cast, id string, t *testing.T) {
				e.mustFire(t, id, fire{by: c.admin, event: "archive", to: "archived"})
			},
			stamps: []string{"archived"},
		},
		"other": {
			kind: dossier.KindOther, opts: []docOption{amount("999999999", "EUR")},
			steps: func(e *env, c cast, id string, t *testing.T) {
				e.mustFire(t, id, fire{by: c.admin, event: "archive", to: "archived"})
			},
			stamps: []string{"archived"},
		},
	}
	for name, p := range paths {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			forEachBackend(t, func(t *testing.T, e *env) {
				c := e.cast(t)
				d := e.doc(t, p.kind, c.admin, p.opts...)
				def, _ := e.defs.Kind(p.kind)
				if d.State != def.Initial || d.Version != 1 {
					t.Fatalf("new %s is %s v%d, want %s v1", p.kind, d.State, d.Version, def.Initial)
				}
				p.steps(e, c, d.ID, t)

				final := e.get(t, d.ID)
				if final.State != "archived" || final.ArchivedAt == nil {
					t.Errorf("after the path: state %s archived_at %v, want archived with a time", final.State, final.ArchivedAt)
				} else if !final.ArchivedAt.Equal(e.clock.Now()) {
					t.Errorf("archived_at = %v, want the clock's %v", final.ArchivedAt, e.clock.Now())
				}
				if got := e.jobStates(t, "stamp", d.ID); !reflect.DeepEqual(got, p.stamps) {
					t.Errorf("stamp jobs queued in states %v, want %v", got, p.stamps)
				}
				if got := e.jobStates(t, "retain", d.ID); !reflect.DeepEqual(got, []string{"archived"}) {
					t.Errorf("retain jobs queued in states %v, want [archived]", got)
				}
				// Every fired event was audited, in order, with its states and version.
				type step struct {
					Event, From, To string
					Version         int
				}
				var audited, fired []step
				for _, ev := range e.auditActions(t, d.ID) {
					if ev.Action != "document.event" {
						continue
					}
					var s step
					if err := json.Unmarshal(ev.Details, &s); err != nil {
						t.Fatalf("audit details %s: %v", ev.Details, err)
					}
					audited = append(audited, s)
				}
				for _, h := range e.history(t, d.ID) {
					if h.Event != "review" {
						fired = append(fired, step{h.Event, h.From, h.To, h.Version})
					}
				}
				if !reflect.DeepEqual(audited, fired) {
					t.Errorf("audited transitions:\n%v\nwant the history's:\n%v", audited, fired)
				}
				e.verifyAudit(t)
			})
		})
	}
}
