package engine_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"dossier/internal/dossier"
	"dossier/internal/engine"
)

// TestChecklistGuard: pass_review needs every checklist item of the event set
// to JSON true; anything else is a 422 that names the guard and the items
// still open, and changes nothing.
func TestChecklistGuard(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		kind    dossier.Kind
		payload any
		open    []string // items the message must name
	}{
		{"po: one item false", dossier.KindPurchaseOrder, with(poChecklist(), "delivery_date_confirmed", false), []string{"delivery_date_confirmed"}},
		{"po: one item missing", dossier.KindPurchaseOrder, without(poChecklist(), "gpn_lpn_verified"), []string{"gpn_lpn_verified"}},
		{"po: the string true does not count", dossier.KindPurchaseOrder, with(poChecklist(), "price_matches_quotation", "true"), []string{"price_matches_quotation"}},
		{"po: 1 does not count", dossier.KindPurchaseOrder, with(poChecklist(), "price_matches_quotation", 1), []string{"price_matches_quotation"}},
		{"po: no payload", dossier.KindPurchaseOrder, nil, []string{"price_matches_quotation", "delivery_date_confirmed", "gpn_lpn_verified"}},
		{"contract: one item false", dossier.KindContract, with(poChecklist(), "gpn_lpn_verified", false), []string{"gpn_lpn_verified"}},
		{"lc: confirmation missing", dossier.KindLetterOfCredit, without(lcChecklist(), "confirmation_ok"), []string{"confirmation_ok"}},
		{"lc: expiry false", dossier.KindLetterOfCredit, with(lcChecklist(), "expiry_ok", false), []string{"expiry_ok"}},
		{"lc: no checklist", dossier.KindLetterOfCredit, nil, []string{"amount_matches", "expiry_ok", "latest_shipment_ok", "documents_required_ok", "confirmation_ok"}},
	}
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				d := e.doc(t, tc.kind, c.admin)
				e.mustFire(t, d.ID, fire{by: c.admin, event: "submit", to: "in_review"})
				e.refused(t, d.ID, c.reviewer, "pass_review", tc.payload, dossier.EUnprocessable, append([]string{"checklist"}, tc.open...)...)
			})
		}
		t.Run("lc: the po checklist is not the LC's", func(t *testing.T) {
			d := e.doc(t, dossier.KindLetterOfCredit, c.admin)
			e.mustFire(t, d.ID, fire{by: c.admin, event: "submit", to: "in_review"})
			e.refused(t, d.ID, c.reviewer, "pass_review", poChecklist(), dossier.EUnprocessable, "delivery_date_confirmed", "is not one of pass_review's", "amount_matches")
		})
	})
}

// TestPayloadIsTyped: an event's payload carries only the members its
// definition declares, each of its type, like metadata fields.
func TestPayloadIsTyped(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		d := e.doc(t, dossier.KindLetterOfCredit, c.admin)
		e.toPendingApproval(t, d, c.admin, c.reviewer)
		e.mustFire(t, d.ID, fire{by: c.appr2, event: "approve", to: "approved"})
		for _, tc := range []struct {
			event   string
			payload map[string]any
			want    []string
		}{
			{"present_to_bank", map[string]any{"presentation_date": "2026-02-30"}, []string{"payload.presentation_date", "not a day of the calendar"}},
			{"present_to_bank", map[string]any{"presentation_date": "soon"}, []string{"payload.presentation_date", "YYYY-MM-DD"}},
			{"present_to_bank", map[string]any{"presentation_date": "2026-04-02", "shipment_date": 20260328}, []string{"payload.shipment_date"}},
			{"present_to_bank", map[string]any{"presentation_date": "2026-04-02", "courier": "DHL"}, []string{`"courier" is not one of present_to_bank's`, "presentation_date, shipment_date"}},
		} {
			e.refused(t, d.ID, c.bank, tc.event, tc.payload, dossier.EUnprocessable, tc.want...)
		}
		e.mustFire(t, d.ID, fire{by: c.bank, event: "present_to_bank", to: "submitted_to_bank", payload: map[string]any{"presentation_date": "2026-04-02"}})
		e.refused(t, d.ID, c.bank, "record_discrepancies", map[string]any{"discrepancies": "late shipment"}, dossier.EUnprocessable, "payload.discrepancies", "list of strings")
		e.refused(t, d.ID, c.bank, "record_acceptance", map[string]any{"maturity_date": "soon"}, dossier.EUnprocessable, "payload.maturity_date")
		e.refused(t, d.ID, c.bank, "record_payment", map[string]any{"paid_on": "2027-13-45"}, dossier.EUnprocessable, "payload.paid_on")
		e.refused(t, d.ID, c.bank, "record_acceptance", map[string]any{"note": "x"}, dossier.EUnprocessable, `"note" is not one of record_acceptance's: maturity_date`)
		po := e.doc(t, dossier.KindPurchaseOrder, c.admin)
		e.refused(t, po.ID, c.admin, "submit", map[string]any{"note": "x"}, dossier.EUnprocessable, `"note": submit takes no payload`)
	})
}

// TestPayloadFieldsGuard: present_to_bank takes presentation_date and
// record_discrepancies the discrepancies (SPEC §5); a missing or empty value
// is a 422 naming the guard and the field.
func TestPayloadFieldsGuard(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		d := e.doc(t, dossier.KindLetterOfCredit, c.admin)
		e.toPendingApproval(t, d, c.admin, c.reviewer)
		e.mustFire(t, d.ID, fire{by: c.appr2, event: "approve", to: "approved"})

		for _, p := range []any{nil, map[string]any{"shipment_date": "2026-03-28"}, map[string]any{"presentation_date": ""}, map[string]any{"presentation_date": nil}} {
			e.refused(t, d.ID, c.bank, "present_to_bank", p, dossier.EUnprocessable, "payload_fields", "presentation_date")
		}
		e.mustFire(t, d.ID, fire{by: c.bank, event: "present_to_bank", to: "submitted_to_bank", payload: map[string]any{"presentation_date": "2026-04-02"}})

		t.Run("discrepancies missing", func(t *testing.T) {
			e.refused(t, d.ID, c.bank, "record_discrepancies", map[string]any{}, dossier.EUnprocessable, "payload_fields", "discrepancies")
		})
		// workflow.GuardPayloadFields: "not empty (not null, "", [] or {})".
		t.Run("discrepancies an empty list", func(t *testing.T) {
			e.refused(t, d.ID, c.bank, "record_discrepancies", map[string]any{"discrepancies": []string{}}, dossier.EUnprocessable, "payload_fields", "discrepancies")
		})
		t.Run("discrepancies an empty object", func(t *testing.T) {
			e.refused(t, d.ID, c.bank, "record_discrepancies", map[string]any{"discrepancies": map[string]any{}}, dossier.EUnprocessable, "payload.discrepancies", "list of strings")
		})
		e.mustFire(t, d.ID, fire{by: c.bank, event: "record_discrepancies", to: "discrepant", payload: map[string]any{"discrepancies": []string{"late shipment"}}})
		e.refused(t, d.ID, c.bank, "present_to_bank", map[string]any{}, dossier.EUnprocessable, "payload_fields", "presentation_date")
	})
}

// TestPayloadMustBeAnObject: a payload that is not a JSON object is a 400.
func TestPayloadMustBeAnObject(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		d := e.doc(t, dossier.KindPurchaseOrder, c.admin)
		for _, raw := range []string{`[true]`, `"yes"`, `{"a":`, `42`} {
			e.refusedFire(t, d.ID, c.admin, engine.Fire{Event: "submit", Payload: json.RawMessage(raw)}, dossier.EInvalid, "payload")
		}
	})
}

// TestRequiredFieldsGuard: the shipped purchase order requires only amount
// and currency on submit, so the test asks for more.
func TestRequiredFieldsGuard(t *testing.T) {
	t.Parallel()
	patch := withDefinitions(func(t *testing.T, files fstest.MapFS) {
		replaceIn(t, files, "purchase_order.yaml",
			"      - required_fields: [amount, currency]\n",
			"      - required_fields: [amount, currency, number, customer, dates.due_date, fields.incoterms]\n")
	})
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		bare := e.doc(t, dossier.KindPurchaseOrder, c.admin, func(d *dossier.Document) { d.Number, d.Customer = "", "" })
		e.refused(t, bare.ID, c.admin, "submit", nil, dossier.EUnprocessable,
			"required_fields", "number", "customer", "dates.due_date", "fields.incoterms")

		partial := e.doc(t, dossier.KindPurchaseOrder, c.admin, func(d *dossier.Document) {
			d.Dates = map[string]string{"due_date": "2026-06-30"}
			d.Fields = json.RawMessage(`{"incoterms":""}`)
		})
		msg := e.refused(t, partial.ID, c.admin, "submit", nil, dossier.EUnprocessable, "required_fields", "fields.incoterms")
		for _, set := range []string{"number", "customer", "due_date"} {
			if strings.Contains(msg, set) {
				t.Errorf("message %q names %s, which is set", msg, set)
			}
		}

		full := e.doc(t, dossier.KindPurchaseOrder, c.admin, func(d *dossier.Document) {
			d.Dates = map[string]string{"due_date": "2026-06-30"}
			d.Fields = json.RawMessage(`{"incoterms":"FCA"}`)
		})
		e.mustFire(t, full.ID, fire{by: c.admin, event: "submit", to: "in_review"})
	}, patch)
}

// TestAmountBandsNeedAnAmount: a kind whose DOA rule has amount bands
// cannot leave preparation for approval without an amount and a currency
// (SPEC §6); without one a purchase order of any size would need level 1
// only.
func TestAmountBandsNeedAnAmount(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		for _, kind := range []dossier.Kind{dossier.KindPurchaseOrder, dossier.KindContract, dossier.KindLetterOfCredit, dossier.KindToolingInvoice, dossier.KindFrameworkAgreement} {
			bare := e.doc(t, kind, c.admin, func(d *dossier.Document) { d.Amount, d.Currency = "", "" })
			e.refused(t, bare.ID, c.admin, "submit", nil, dossier.EUnprocessable, "required_fields", "amount, currency")
		}
		// A kind without approval files documents without an amount.
		other := e.doc(t, dossier.KindOther, c.admin, func(d *dossier.Document) { d.Amount, d.Currency = "", "" })
		e.mustFire(t, other.ID, fire{by: c.admin, event: "archive", to: "archived"})
	})
}

// TestReviewsCompleteGuard: complete_review needs an approving sign-off of
// every department the YAML lists, in this round.
func TestReviewsCompleteGuard(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		deps := e.departments(t, dossier.KindFrameworkAgreement)
		if len(deps) < 2 {
			t.Fatalf("framework_agreement lists %v: want at least two departments", deps)
		}
		last := deps[len(deps)-1]

		t.Run("one department missing", func(t *testing.T) {
			d := e.doc(t, dossier.KindFrameworkAgreement, c.admin)
			e.mustFire(t, d.ID, fire{by: c.admin, event: "submit", to: "department_review"})
			for _, dep := range deps[:len(deps)-1] {
				e.review(t, d.ID, c.reviewer, dep, "approve")
			}
			msg := e.refused(t, d.ID, c.reviewer, "complete_review", nil, dossier.EUnprocessable, "reviews_complete", last)
			for _, dep := range deps[:len(deps)-1] {
				if strings.Contains(msg, dep) {
					t.Errorf("message %q names %s, which signed off", msg, dep)
				}
			}
			e.review(t, d.ID, c.reviewer2, last, "approve")
			e.mustFire(t, d.ID, fire{by: c.admin2, event: "complete_review", to: "pending_approval"})
		})

		t.Run("one department rejected", func(t *testing.T) {
			d := e.doc(t, dossier.KindFrameworkAgreement, c.admin)
			e.mustFire(t, d.ID, fire{by: c.admin, event: "submit", to: "department_review"})
			for _, dep := range deps {
				decision := "approve"
				if dep == deps[1] {
					decision = "reject"
				}
				e.review(t, d.ID, c.reviewer, dep, decision)
			}
			e.refused(t, d.ID, c.reviewer2, "complete_review", nil, dossier.EUnprocessable, "reviews_complete", "rejected", deps[1])
			// The reviewers send it back; a new round of reviews starts on resubmission.
			e.mustFire(t, d.ID, fire{by: c.reviewer2, event: "return", to: "draft"})
			e.mustFire(t, d.ID, fire{by: c.admin, event: "submit", to: "department_review"})
			e.refused(t, d.ID, c.reviewer2, "complete_review", nil, dossier.EUnprocessable, "reviews_complete", deps[0])
		})

		t.Run("no reviews", func(t *testing.T) {
			d := e.doc(t, dossier.KindFrameworkAgreement, c.admin)
			e.mustFire(t, d.ID, fire{by: c.admin, event: "submit", to: "department_review"})
			e.refused(t, d.ID, c.admin, "complete_review", nil, dossier.EUnprocessable, append([]string{"reviews_complete"}, deps...)...)
		})

		t.Run("review requests", func(t *testing.T) {
			d := e.doc(t, dossier.KindFrameworkAgreement, c.admin)
			_, err := e.eng.Review(e.ctx, c.reviewer, d.ID, engine.ReviewRequest{Department: deps[0], Decision: "approve"})
			wantError(t, err, dossier.EConflict, "department review")
			e.mustFire(t, d.ID, fire{by: c.admin, event: "submit", to: "department_review"})
			_, err = e.eng.Review(e.ctx, c.reviewer, d.ID, engine.ReviewRequest{Department: "marketing", Decision: "approve"})
			wantError(t, err, dossier.EUnprocessable, "marketing", deps[0])
			_, err = e.eng.Review(e.ctx, c.reviewer, d.ID, engine.ReviewRequest{Department: deps[0], Decision: "maybe"})
			wantError(t, err, dossier.EUnprocessable, "maybe")
			po := e.doc(t, dossier.KindPurchaseOrder, c.admin)
			_, err = e.eng.Review(e.ctx, c.reviewer, po.ID, engine.ReviewRequest{Department: deps[0], Decision: "approve"})
			wantError(t, err, dossier.EUnprocessable, "no department reviews")
		})
	})
}

// TestNotActorOfGuard: four eyes on the review — whoever submitted does not
// pass the review, even when they hold the reviewer role.
func TestNotActorOfGuard(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		both := e.user(t, "sam-admin-reviewer", 0, dossier.RoleAdmin, dossier.RoleReviewer)
		for _, k := range []dossier.Kind{dossier.KindPurchaseOrder, dossier.KindContract, dossier.KindLetterOfCredit, dossier.KindToolingInvoice} {
			t.Run(string(k), func(t *testing.T) {
				d := e.doc(t, k, c.admin)
				e.mustFire(t, d.ID, fire{by: both, event: "submit", to: "in_review"})
				payload := map[string]any(poChecklist())
				switch k {
				case dossier.KindLetterOfCredit:
					payload = lcChecklist()
				case dossier.KindToolingInvoice:
					payload = nil // its review has no checklist
				}
				e.refused(t, d.ID, both, "pass_review", payload, dossier.EUnprocessable, "not_actor_of", "submit")
				e.mustFire(t, d.ID, fire{by: c.reviewer, event: "pass_review", payload: payload, to: "pending_approval"})
			})
		}
		// The framework agreement's approvers may not have closed the review.
		fa := e.doc(t, dossier.KindFrameworkAgreement, c.admin)
		closer := e.user(t, "cleo-reviewer-l3", 3, dossier.RoleReviewer, dossier.RoleApprover)
		e.mustFire(t, fa.ID, fire{by: c.admin, event: "submit", to: "department_review"})
		for _, dep := range e.departments(t, dossier.KindFrameworkAgreement) {
			e.review(t, fa.ID, c.reviewer, dep, "approve")
		}
		e.mustFire(t, fa.ID, fire{by: closer, event: "complete_review", to: "pending_approval"})
		e.refused(t, fa.ID, closer, "approve", nil, dossier.EUnprocessable, "reviewed")
		e.refused(t, fa.ID, closer, "reject", nil, dossier.EUnprocessable, "not_actor_of", "complete_review")
	})
}

// TestDOAGuard: the refusals of the doa guard, each a 422 whose message
// names the guard and the rule.
func TestDOAGuard(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		adminApprover := e.user(t, "ada-admin-l3", 3, dossier.RoleAdmin, dossier.RoleApprover)
		reviewerApprover := e.user(t, "rob-reviewer-l3", 3, dossier.RoleReviewer, dossier.RoleApprover)

		t.Run("level too low", func(t *testing.T) {
			d := e.doc(t, dossier.KindLetterOfCredit, c.admin, amount("500000", "EUR"))
			e.toPendingApproval(t, d, c.admin, c.reviewer)
			e.refused(t, d.ID, c.appr1, "approve", nil, dossier.EUnprocessable, "doa", "level 2", c.appr1.Username)
			e.mustFire(t, d.ID, fire{by: c.appr2, event: "approve", to: "approved"})
		})
		t.Run("uploader", func(t *testing.T) {
			d := e.doc(t, dossier.KindPurchaseOrder, adminApprover)
			e.toPendingApproval(t, d, c.admin, c.reviewer)
			e.refused(t, d.ID, adminApprover, "approve", nil, dossier.EUnprocessable, "doa", "uploaded")
		})
		t.Run("submitter", func(t *testing.T) {
			d := e.doc(t, dossier.KindPurchaseOrder, c.admin)
			e.toPendingApproval(t, d, adminApprover, c.reviewer)
			e.refused(t, d.ID, adminApprover, "approve", nil, dossier.EUnprocessable, "doa", "submitted")
		})
		t.Run("reviewer", func(t *testing.T) {
			d := e.doc(t, dossier.KindPurchaseOrder, c.admin)
			e.toPendingApproval(t, d, c.admin, reviewerApprover)
			e.refused(t, d.ID, reviewerApprover, "approve", nil, dossier.EUnprocessable, "doa", "reviewed")
		})
		t.Run("department reviewer", func(t *testing.T) {
			// SPEC §6: nobody approves a document they reviewed. A department
			// sign-off is a review, though it was given in the previous round.
			d := e.doc(t, dossier.KindFrameworkAgreement, c.admin)
			e.mustFire(t, d.ID, fire{by: c.admin, event: "submit", to: "department_review"})
			for i, dep := range e.departments(t, dossier.KindFrameworkAgreement) {
				by := c.reviewer
				if i == 0 {
					by = reviewerApprover
				}
				e.review(t, d.ID, by, dep, "approve")
			}
			e.mustFire(t, d.ID, fire{by: c.reviewer2, event: "complete_review", to: "pending_approval"})
			e.refused(t, d.ID, reviewerApprover, "approve", nil, dossier.EUnprocessable, "doa", "reviewed")
			if got := e.approvals(t, d.ID).Eligible; slices.Contains(got, reviewerApprover.Username) {
				t.Errorf("Approvals lists the department reviewer %s as eligible: %v", reviewerApprover.Username, got)
			}
		})
		t.Run("same approver for a second level", func(t *testing.T) {
			d := e.doc(t, dossier.KindPurchaseOrder, c.admin, amount("150000", "EUR"))
			e.toPendingApproval(t, d, c.admin, c.reviewer)
			e.mustFire(t, d.ID, fire{by: c.appr3, event: "approve", to: "pending_approval"})
			e.refused(t, d.ID, c.appr3, "approve", nil, dossier.EUnprocessable, "doa", "already approved level 1")
			e.mustFire(t, d.ID, fire{by: c.appr2, event: "approve", to: "approved"})
			e.refused(t, d.ID, c.appr3b, "approve", nil, dossier.EConflict, "approve")
		})
		t.Run("missing FX rate, then set", func(t *testing.T) {
			d := e.doc(t, dossier.KindPurchaseOrder, c.admin, amount("120000", "USD"))
			e.toPendingApproval(t, d, c.admin, c.reviewer)
			// Like every guard failure, the message names the guard, then the currency.
			e.refused(t, d.ID, c.appr1, "approve", nil, dossier.EUnprocessable, "guard doa", "USD")
			if a := e.approvals(t, d.ID); !strings.Contains(a.Error, "USD") {
				t.Errorf("Approvals.Error = %q, want it to name USD", a.Error)
			}
			if _, err := e.eng.SetFXRate(e.ctx, c.admin.ID, "usd", "0.9"); err != nil {
				t.Fatalf("SetFXRate: %v", err)
			}
			// 120,000 USD at 0.9 is 108,000 EUR: levels 1 and 2.
			if a := e.approvals(t, d.ID); a.Error != "" || !equalInts(a.Required, []int{1, 2}) {
				t.Errorf("after the rate: Approvals = %+v, want levels [1 2] and no error", a)
			}
			e.mustFire(t, d.ID, fire{by: c.appr1, event: "approve", to: "pending_approval"})
			e.mustFire(t, d.ID, fire{by: c.appr2, event: "approve", to: "approved"})
		})
		t.Run("complete", func(t *testing.T) {
			d := e.doc(t, dossier.KindPurchaseOrder, c.admin)
			e.toPendingApproval(t, d, c.admin, c.reviewer)
			e.mustFire(t, d.ID, fire{by: c.appr1, event: "approve", to: "approved"})
			e.refused(t, d.ID, c.appr2, "approve", nil, dossier.EConflict)
		})
		e.verifyAudit(t)
	})
}

func equalInts(a, b []int) bool { return slices.Equal(a, b) }

// TestCommentRequired: a return or a rejection, and a department's refusal,
// must say why (the definition marks the events), so that the next person
// knows what to change.
func TestCommentRequired(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		d := e.doc(t, dossier.KindPurchaseOrder, c.admin)
		e.mustFire(t, d.ID, fire{by: c.admin, event: "submit", to: "in_review"})
		for _, comment := range []string{"", "  \n\t"} {
			e.refusedFire(t, d.ID, c.reviewer, engine.Fire{Event: "return", Comment: comment}, dossier.EUnprocessable, "comment is required for return")
		}
		e.mustFire(t, d.ID, fire{by: c.reviewer, event: "return", to: "received", comment: "the quotation says 30 days, the PO 60"})

		fa := e.doc(t, dossier.KindFrameworkAgreement, c.admin)
		e.mustFire(t, fa.ID, fire{by: c.admin, event: "submit", to: "department_review"})
		dep := e.departments(t, fa.Kind)[0]
		_, err := e.eng.Review(e.ctx, c.reviewer, fa.ID, engine.ReviewRequest{Department: dep, Decision: "reject"})
		wantError(t, err, dossier.EUnprocessable, "comment is required")
		r, err := e.eng.Review(e.ctx, c.reviewer, fa.ID, engine.ReviewRequest{Department: dep, Decision: "reject", Comment: "liability cap missing"})
		if err != nil || r.ID <= 0 {
			t.Fatalf("review with a comment: id %d, %v", r.ID, err)
		}
		got, err := e.eng.Reviews(e.ctx, fa.ID)
		if err != nil || len(got.Items) != 1 || got.Items[0].ID != r.ID || len(got.Departments) != 4 || got.Round != r.Round {
			t.Errorf("Reviews = %+v, %v; want the one sign-off with its id and the four departments", got, err)
		}
	})
}
