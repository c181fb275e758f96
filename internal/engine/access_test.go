package engine_test

import (
	"strings"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/engine"
)

// TestFireRefusals: who may fire what, in which state, with which version.
// Roles are checked before the state, and every refusal leaves the document
// as it was.
func TestFireRefusals(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		everything := e.user(t, "olga-all-roles", 3, dossier.RoleAdmin, dossier.RoleReviewer, dossier.RoleApprover,
			dossier.RoleBankLiaison, dossier.RoleAuditor)

		received := e.doc(t, dossier.KindPurchaseOrder, c.admin)
		inReview := e.doc(t, dossier.KindPurchaseOrder, c.admin)
		e.mustFire(t, inReview.ID, fire{by: c.admin, event: "submit", to: "in_review"})
		pending := e.doc(t, dossier.KindPurchaseOrder, c.admin)
		e.toPendingApproval(t, pending, c.admin, c.reviewer)
		lc := e.doc(t, dossier.KindLetterOfCredit, c.admin)
		lcApproved := e.doc(t, dossier.KindLetterOfCredit, c.admin)
		e.toPendingApproval(t, lcApproved, c.admin, c.reviewer)
		e.mustFire(t, lcApproved.ID, fire{by: c.appr2, event: "approve", to: "approved"})

		cases := []struct {
			name  string
			doc   dossier.Document
			by    dossier.User
			event string
			code  dossier.Code
			parts []string
		}{
			{"reviewer submits", received, c.reviewer, "submit", dossier.EForbidden, []string{"submit", "admin"}},
			{"approver submits", received, c.appr3, "submit", dossier.EForbidden, []string{"submit"}},
			{"auditor submits", received, c.auditor, "submit", dossier.EForbidden, []string{"submit"}},
			{"admin passes review", inReview, c.admin2, "pass_review", dossier.EForbidden, []string{"pass_review", "reviewer"}},
			{"bank liaison returns", inReview, c.bank, "return", dossier.EForbidden, []string{"return"}},
			{"reviewer approves", pending, c.reviewer2, "approve", dossier.EForbidden, []string{"approve", "approver"}},
			{"admin approves", pending, c.admin2, "approve", dossier.EForbidden, []string{"approve"}},
			{"auditor approves", pending, c.auditor, "approve", dossier.EForbidden, []string{"approve"}},
			{"auditor rejects", pending, c.auditor, "reject", dossier.EForbidden, []string{"reject"}},
			{"reviewer archives", received, c.reviewer, "archive", dossier.EForbidden, []string{"archive"}},
			{"admin presents an LC", lcApproved, c.admin, "present_to_bank", dossier.EForbidden, []string{"present_to_bank", "bank_liaison"}},
			{"auditor cancels an LC", lc, c.auditor, "cancel", dossier.EForbidden, []string{"cancel"}},

			// The pseudo-role system belongs to the scheduler: no user holds it.
			{"admin expires an LC", lc, c.admin, "expire", dossier.EForbidden, []string{"expire"}},
			{"bank liaison expires an LC", lc, c.bank, "expire", dossier.EForbidden, []string{"expire"}},
			{"a user with every role expires an LC", lcApproved, everything, "expire", dossier.EForbidden, []string{"expire"}},
			{"a user named system expires an LC", lc, dossier.User{ID: "system", Username: "system", Roles: []dossier.Role{"system"}}, "expire", dossier.EForbidden, []string{"expire"}},

			{"archive a received PO", received, c.admin, "archive", dossier.EConflict, []string{"archive", "received"}},
			{"submit twice", inReview, c.admin, "submit", dossier.EConflict, []string{"submit", "in_review"}},
			{"approve in review", inReview, c.appr1, "approve", dossier.EConflict, []string{"approve", "in_review"}},
			{"pass review in received", received, c.reviewer, "pass_review", dossier.EConflict, []string{"pass_review"}},
			{"present an LC not approved", lc, c.bank, "present_to_bank", dossier.EConflict, []string{"present_to_bank", "received"}},

			{"unknown event", received, c.admin, "teleport", dossier.EUnprocessable, []string{"teleport", "submit", "archive"}},
			{"event of another kind", received, c.admin, "present_to_bank", dossier.EUnprocessable, []string{"present_to_bank"}},
			{"empty event", received, c.admin, "", dossier.EUnprocessable, nil},
			{"unknown event by an auditor", received, c.auditor, "teleport", dossier.EUnprocessable, []string{"teleport"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				e.refused(t, tc.doc.ID, tc.by, tc.event, poChecklist(), tc.code, tc.parts...)
			})
		}

		t.Run("stale If-Match", func(t *testing.T) {
			d := e.doc(t, dossier.KindPurchaseOrder, c.admin)
			e.mustFire(t, d.ID, fire{by: c.admin, event: "submit", to: "in_review"})
			e.mustFire(t, d.ID, fire{by: c.reviewer, event: "return", to: "received"})
			cur := e.get(t, d.ID)
			for _, v := range []int{0, 1, cur.Version - 1, cur.Version + 1} {
				e.refusedFire(t, d.ID, c.admin, engine.Fire{Event: "submit", IfMatch: new(v)}, dossier.EConflict, "version")
			}
			got, _, err := e.eng.Fire(e.ctx, c.admin, d.ID, engine.Fire{Event: "submit", IfMatch: new(cur.Version)})
			if err != nil || got.Version != cur.Version+1 {
				t.Errorf("submit with the current If-Match: v%d, %v; want v%d", got.Version, err, cur.Version+1)
			}
		})

		t.Run("unknown document", func(t *testing.T) {
			_, _, err := e.eng.Fire(e.ctx, c.admin, "01J0000000000000000000NONE", engine.Fire{Event: "submit"})
			wantError(t, err, dossier.ENotFound)
			_, _, err = e.eng.History(e.ctx, "01J0000000000000000000NONE")
			wantError(t, err, dossier.ENotFound)
			_, err = e.eng.Approvals(e.ctx, "01J0000000000000000000NONE")
			wantError(t, err, dossier.ENotFound)
		})

		t.Run("comment length", func(t *testing.T) {
			e.refusedFire(t, received.ID, c.admin, engine.Fire{Event: "submit", Comment: strings.Repeat("x", 4001)}, dossier.EUnprocessable, "comment", "4000 characters")
			// The limit is in characters, as the message says: 4000 of them pass
			// however many bytes each takes.
			d := e.doc(t, dossier.KindPurchaseOrder, c.admin)
			e.mustFire(t, d.ID, fire{by: c.admin, event: "submit", to: "in_review", comment: strings.Repeat("é", 4000)})
		})
		e.verifyAudit(t)
	})
}
