package engine_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/engine"
	"dossier/internal/store"
)

// TestDOAMatrix: the levels each kind and amount needs with the shipped
// matrix (SPEC §6), as the approvals panel shows them, and the whole round
// approved with one approver per level: the document waits in
// pending_approval until the last level.
func TestDOAMatrix(t *testing.T) {
	t.Parallel()
	cases := []struct {
		kind     dossier.Kind
		subtype  string
		amount   string
		currency string
		levels   []int
	}{
		{dossier.KindPurchaseOrder, "serial", "50000", "EUR", []int{1}},
		{dossier.KindPurchaseOrder, "tooling", "99999.99", "EUR", []int{1}},
		{dossier.KindPurchaseOrder, "serial", "100000", "EUR", []int{1, 2}},
		{dossier.KindPurchaseOrder, "serial", "150000", "EUR", []int{1, 2}},
		{dossier.KindPurchaseOrder, "rnd", "999999.99", "EUR", []int{1, 2}},
		{dossier.KindPurchaseOrder, "serial", "1000000", "EUR", []int{1, 2, 3}},
		{dossier.KindPurchaseOrder, "packaging", "1500000", "EUR", []int{1, 2, 3}},
		{dossier.KindContract, "", "150000", "EUR", []int{1, 2}},
		{dossier.KindFrameworkAgreement, "", "2500000", "EUR", []int{1, 2, 3}},
		{dossier.KindToolingInvoice, "prototype", "20000", "EUR", []int{1}},
		{dossier.KindLetterOfCredit, "sight", "50000", "EUR", []int{2}},
		{dossier.KindLetterOfCredit, "deferred", "500000", "EUR", []int{2}},
		{dossier.KindLetterOfCredit, "sight", "1000000", "EUR", []int{2, 3}},
		// Converted with the rate set below: 1 USD = 0.9 EUR, 1 CHF = 1.05 EUR.
		{dossier.KindPurchaseOrder, "serial", "100000", "USD", []int{1}},           // 90,000 EUR
		{dossier.KindPurchaseOrder, "serial", "120000", "USD", []int{1, 2}},        // 108,000 EUR
		{dossier.KindPurchaseOrder, "serial", "1111111.12", "USD", []int{1, 2, 3}}, // 1,000,000.008 EUR
		{dossier.KindContract, "", "95238.10", "CHF", []int{1, 2}},                 // 100,000.005 EUR
		{dossier.KindLetterOfCredit, "sight", "1000000", "USD", []int{2}},          // 900,000 EUR
	}
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		for _, r := range [][2]string{{"USD", "0.9"}, {"CHF", "1.05"}} {
			if _, err := e.eng.SetFXRate(e.ctx, c.admin.ID, r[0], r[1]); err != nil {
				t.Fatalf("SetFXRate %s: %v", r[0], err)
			}
		}
		approverFor := map[int][]dossier.User{1: {c.appr1, c.appr1b}, 2: {c.appr2, c.appr2b}, 3: {c.appr3, c.appr3b}}
		for _, tc := range cases {
			t.Run(string(tc.kind)+" "+tc.amount+" "+tc.currency, func(t *testing.T) {
				d := e.doc(t, tc.kind, c.admin, amount(tc.amount, tc.currency), subtype(tc.subtype))
				d = e.toPendingApproval(t, d, c.admin, c.reviewer)
				for i, level := range tc.levels {
					a := e.approvals(t, d.ID)
					if !slices.Equal(a.Required, tc.levels) || a.NextLevel != level || a.Complete || a.Round != d.Round || len(a.Approvals) != i {
						t.Fatalf("before level %d: Approvals = %+v, want required %v, next %d, %d done, round %d",
							level, a, tc.levels, level, i, d.Round)
					}
					to := "pending_approval"
					if i == len(tc.levels)-1 {
						to = "approved"
					}
					// Approvers are picked at exactly the level, the first of each.
					e.mustFire(t, d.ID, fire{by: approverFor[level][0], event: "approve", to: to})
				}
				a := e.approvals(t, d.ID)
				if !a.Complete || a.NextLevel != 0 || len(a.Approvals) != len(tc.levels) || len(a.Eligible) != 0 {
					t.Errorf("after the last level: Approvals = %+v, want complete with %d approvals, nobody eligible", a, len(tc.levels))
				}
				for i, ap := range a.Approvals {
					if ap.Level != tc.levels[i] || ap.ApproverID != approverFor[tc.levels[i]][0].ID || ap.OnBehalfOf != "" || ap.Round != d.Round {
						t.Errorf("approval %d = %+v, want level %d by %s in round %d", i, ap, tc.levels[i], approverFor[tc.levels[i]][0].Username, d.Round)
					}
				}
			})
		}
		t.Run("no approval for customs and other", func(t *testing.T) {
			for _, k := range []dossier.Kind{dossier.KindCustoms, dossier.KindOther} {
				d := e.doc(t, k, c.admin, amount("5000000", "EUR"))
				if a := e.approvals(t, d.ID); len(a.Required) != 0 || a.Error != "" || a.NextLevel != 0 {
					t.Errorf("%s: Approvals = %+v, want no level required", k, a)
				}
			}
		})
	})
}

// TestDOALevelsInOrder: 150,000 EUR needs levels 1 then 2; after level 1 the
// document stays in pending_approval with its version bumped, and no stamp
// is queued until the round is complete. 1,500,000 EUR needs three distinct
// approvers, each at least the level they sign.
func TestDOALevelsInOrder(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)

		t.Run("150,000", func(t *testing.T) {
			d := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin, amount("150000", "EUR")), c.admin, c.reviewer)
			// A level 3 approver going first signs level 1: levels are not skipped.
			after := e.mustFire(t, d.ID, fire{by: c.appr3, event: "approve", to: "pending_approval"})
			if after.Version != d.Version+1 || after.Round != d.Round {
				t.Errorf("after level 1: v%d round %d, want v%d round %d", after.Version, after.Round, d.Version+1, d.Round)
			}
			a := e.approvals(t, d.ID)
			if len(a.Approvals) != 1 || a.Approvals[0].Level != 1 || a.Approvals[0].ApproverID != c.appr3.ID || a.NextLevel != 2 {
				t.Errorf("after level 1: Approvals = %+v, want level 1 by %s, next 2", a, c.appr3.Username)
			}
			if got := e.jobStates(t, "stamp", d.ID); len(got) != 0 {
				t.Errorf("stamp jobs after level 1 of 2: %v, want none", got)
			}
			e.refused(t, d.ID, c.appr1b, "approve", nil, dossier.EUnprocessable, "doa", "level 2")
			e.mustFire(t, d.ID, fire{by: c.appr2, event: "approve", to: "approved"})
			if got := e.jobStates(t, "stamp", d.ID); !slices.Equal(got, []string{"approved"}) {
				t.Errorf("stamp jobs after the last level: %v, want [approved]", got)
			}
		})

		t.Run("1,500,000", func(t *testing.T) {
			d := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin, amount("1500000", "EUR")), c.admin, c.reviewer)
			e.mustFire(t, d.ID, fire{by: c.appr1, event: "approve", to: "pending_approval"})
			e.refused(t, d.ID, c.appr1b, "approve", nil, dossier.EUnprocessable, "doa", "level 2")
			e.mustFire(t, d.ID, fire{by: c.appr2, event: "approve", to: "pending_approval"})
			e.refused(t, d.ID, c.appr2b, "approve", nil, dossier.EUnprocessable, "doa", "level 3")
			e.refused(t, d.ID, c.appr2, "approve", nil, dossier.EUnprocessable, "doa", "already approved level 2")
			e.mustFire(t, d.ID, fire{by: c.appr3, event: "approve", to: "approved"})
			var signers []string
			for _, h := range e.history(t, d.ID) {
				if h.Event == "approve" {
					signers = append(signers, h.Actor)
				}
			}
			if !slices.Equal(signers, []string{c.appr1.ID, c.appr2.ID, c.appr3.ID}) {
				t.Errorf("approve history by %v, want levels 1, 2, 3 by %s, %s, %s", signers, c.appr1.Username, c.appr2.Username, c.appr3.Username)
			}
		})
	})
}

// TestDelegation: SPEC §6 — an approver lends their authority for a date
// range; the approval is recorded as "B on behalf of A", and segregation of
// duties still binds B (and A).
func TestDelegation(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		// An approver with no level of their own: all their authority is lent.
		nobody := e.user(t, "nina-approver-l0", 0, dossier.RoleApprover)
		plainReviewer := e.user(t, "ned-reviewer", 0, dossier.RoleReviewer)
		delegate := func(from, to dossier.User, start, until string) {
			t.Helper()
			dl, err := e.eng.Delegate(e.ctx, from, from.ID, engine.DelegationRequest{ToUserID: to.ID, From: start, Until: until})
			if err != nil {
				t.Fatalf("delegate %s -> %s: %v", from.Username, to.Username, err)
			}
			if dl.FromUserID != from.ID || dl.ToUserID != to.ID || dl.From != start || dl.Until != until || dl.ID == "" {
				t.Errorf("Delegate returned %+v", dl)
			}
		}
		// A (appr2) lends level 2 to B (appr1, level 1) for this month.
		delegate(c.appr2, c.appr1, day(-15), day(15))
		// appr3b lends level 3 to a non-approver, today only.
		delegate(c.appr3b, nobody, day(0), day(0))
		// appr3 lent level 3 to appr2b until yesterday.
		delegate(c.appr3, c.appr2b, day(-10), day(-1))

		t.Run("B approves level 2 on behalf of A", func(t *testing.T) {
			d := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin, amount("150000", "EUR")), c.admin, c.reviewer)
			e.mustFire(t, d.ID, fire{by: c.appr1b, event: "approve", to: "pending_approval"})
			a := e.approvals(t, d.ID)
			if !slices.Contains(a.Eligible, c.appr1.Username) {
				t.Errorf("eligible for level 2 = %v, want it to hold the delegate %s", a.Eligible, c.appr1.Username)
			}
			e.mustFire(t, d.ID, fire{by: c.appr1, event: "approve", to: "approved", behalf: c.appr2.ID})
			a = e.approvals(t, d.ID)
			if len(a.Approvals) != 2 || a.Approvals[1].Level != 2 || a.Approvals[1].ApproverID != c.appr1.ID || a.Approvals[1].OnBehalfOf != c.appr2.ID {
				t.Errorf("Approvals = %+v, want level 2 by %s on behalf of %s", a.Approvals, c.appr1.Username, c.appr2.Username)
			}
			// Own authority first: B's level-1 approval needs no delegation.
			d2 := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin), c.admin, c.reviewer)
			e.mustFire(t, d2.ID, fire{by: c.appr1, event: "approve", to: "approved", behalf: ""})
		})

		t.Run("an approver without a level approves level 3 on behalf of A", func(t *testing.T) {
			d := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin, amount("1500000", "EUR")), c.admin, c.reviewer)
			e.mustFire(t, d.ID, fire{by: c.appr1b, event: "approve", to: "pending_approval"})
			e.mustFire(t, d.ID, fire{by: c.appr2, event: "approve", to: "pending_approval"})
			a := e.approvals(t, d.ID)
			if !slices.Contains(a.Eligible, nobody.Username) {
				t.Errorf("eligible for level 3 = %v, want it to hold the delegate %s", a.Eligible, nobody.Username)
			}
			if got := e.allowed(t, nobody, d.ID); !slices.Contains(got, "approve") {
				t.Errorf("Allowed for the delegate %s = %v, want approve", nobody.Username, got)
			}
			e.mustFire(t, d.ID, fire{by: nobody, event: "approve", to: "approved", behalf: c.appr3b.ID})
		})

		t.Run("a delegation that ended yesterday does not help", func(t *testing.T) {
			d := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin, amount("1500000", "EUR")), c.admin, c.reviewer)
			e.mustFire(t, d.ID, fire{by: c.appr1, event: "approve", to: "pending_approval"})
			e.mustFire(t, d.ID, fire{by: c.appr2, event: "approve", to: "pending_approval"})
			e.refused(t, d.ID, c.appr2b, "approve", nil, dossier.EUnprocessable, "doa", "level 3", "not active")
			if a := e.approvals(t, d.ID); slices.Contains(a.Eligible, c.appr2b.Username) {
				t.Errorf("eligible = %v holds %s, whose delegation ended", a.Eligible, c.appr2b.Username)
			}
			// Nor does one that starts tomorrow.
			soon := e.user(t, "sven-l2-soon", 2, dossier.RoleApprover)
			delegate(c.appr3b, soon, day(1), day(5))
			e.refused(t, d.ID, soon, "approve", nil, dossier.EUnprocessable, "doa", "level 3", "not active")
			// The day it still ran, it counted.
			e.clock.Advance(-48 * 3600e9)
			defer e.clock.Advance(48 * 3600e9)
			e.mustFire(t, d.ID, fire{by: c.appr2b, event: "approve", to: "approved", behalf: c.appr3.ID})
		})

		t.Run("SoD binds B: B submitted", func(t *testing.T) {
			b := e.user(t, "bea-admin-delegate", 0, dossier.RoleAdmin, dossier.RoleApprover)
			delegate(c.appr3, b, day(-1), day(1))
			d := e.toPendingApproval(t, e.doc(t, dossier.KindLetterOfCredit, c.admin, amount("500000", "EUR")), b, c.reviewer)
			e.refused(t, d.ID, b, "approve", nil, dossier.EUnprocessable, "doa", "submitted")
			if a := e.approvals(t, d.ID); slices.Contains(a.Eligible, b.Username) {
				t.Errorf("eligible = %v holds the submitter %s", a.Eligible, b.Username)
			}
		})

		t.Run("SoD binds A: A reviewed", func(t *testing.T) {
			a := e.user(t, "rhea-reviewer-l2", 2, dossier.RoleReviewer, dossier.RoleApprover)
			b := e.user(t, "bo-l1", 1, dossier.RoleApprover)
			delegate(a, b, day(-1), day(1))
			d := e.toPendingApproval(t, e.doc(t, dossier.KindLetterOfCredit, c.admin, amount("500000", "EUR")), c.admin, a)
			e.refused(t, d.ID, b, "approve", nil, dossier.EUnprocessable, "doa", a.Username)
		})

		t.Run("one authority per document: A approved, B cannot use A for the next level", func(t *testing.T) {
			d := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin, amount("150000", "EUR")), c.admin, c.reviewer)
			// A (appr2) signs level 1 in person; B (appr1) holds A's level 2.
			e.mustFire(t, d.ID, fire{by: c.appr2, event: "approve", to: "pending_approval"})
			e.refused(t, d.ID, c.appr1, "approve", nil, dossier.EUnprocessable, "doa", c.appr2.Username)
		})

		t.Run("delegation requests", func(t *testing.T) {
			_, err := e.eng.Delegate(e.ctx, c.appr1, c.appr2.ID, engine.DelegationRequest{ToUserID: c.appr1.ID, From: day(0), Until: day(1)})
			wantError(t, err, dossier.EForbidden)
			_, err = e.eng.Delegate(e.ctx, c.appr2, c.appr2.ID, engine.DelegationRequest{ToUserID: c.appr1.ID, From: day(2), Until: day(1)})
			wantError(t, err, dossier.EUnprocessable, "before")
			_, err = e.eng.Delegate(e.ctx, c.appr2, c.appr2.ID, engine.DelegationRequest{ToUserID: c.appr1.ID, From: "16.03.2026", Until: day(1)})
			wantError(t, err, dossier.EUnprocessable)
			_, err = e.eng.Delegate(e.ctx, c.appr2, c.appr2.ID, engine.DelegationRequest{ToUserID: c.appr2.ID, From: day(0), Until: day(1)})
			wantError(t, err, dossier.EUnprocessable, "themselves")
			_, err = e.eng.Delegate(e.ctx, c.admin, c.reviewer.ID, engine.DelegationRequest{ToUserID: c.appr1.ID, From: day(0), Until: day(1)})
			wantError(t, err, dossier.EUnprocessable, "not an approver")
			_, err = e.eng.Delegate(e.ctx, c.admin, c.appr2.ID, engine.DelegationRequest{ToUserID: "no-such-user", From: day(0), Until: day(1)})
			wantError(t, err, dossier.EUnprocessable, "no-such-user")
			// A delegation lends a level, not the approver role that approve needs.
			_, err = e.eng.Delegate(e.ctx, c.appr2, c.appr2.ID, engine.DelegationRequest{ToUserID: plainReviewer.ID, From: day(0), Until: day(1)})
			wantError(t, err, dossier.EUnprocessable, plainReviewer.Username, "not an approver")
			// An admin may ask for one for an approver: it waits for a second admin.
			dl, err := e.eng.Delegate(e.ctx, c.admin, c.appr2b.ID, engine.DelegationRequest{ToUserID: c.appr1b.ID, From: day(0), Until: day(0)})
			if err != nil || dl.Pending == nil || dl.Pending.State != dossier.GrantPending || dl.Pending.UserID != c.appr1b.ID {
				t.Errorf("admin delegating for an approver: %+v, %v; want a pending grant for %s", dl.Pending, err, c.appr1b.Username)
			}
			n := 0
			for _, ev := range mustAudit(t, e) {
				if ev.Action == "delegation.create" {
					n++
				}
			}
			if n != 6 {
				t.Errorf("%d delegation.create audit events, want 6 (the admin's waits for confirmation)", n)
			}
		})
		e.verifyAudit(t)
	})
}

func mustAudit(t *testing.T, e *env) []dossier.AuditEvent {
	t.Helper()
	return e.auditActions(t, "")
}

// TestSoDNoRoleIsExempt: an admin who is also an approver does not approve
// what they uploaded or submitted (SPEC §6: "admin included").
func TestSoDNoRoleIsExempt(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		boss := e.user(t, "bob-admin-l3", 3, dossier.RoleAdmin, dossier.RoleApprover, dossier.RoleReviewer)
		uploaded := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, boss), c.admin, c.reviewer)
		e.refused(t, uploaded.ID, boss, "approve", nil, dossier.EUnprocessable, "uploaded")
		submitted := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin), boss, c.reviewer)
		e.refused(t, submitted.ID, boss, "approve", nil, dossier.EUnprocessable, "submitted")
		e.refused(t, submitted.ID, boss, "reject", nil, dossier.EUnprocessable, "not_actor_of")
		reviewed := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin), c.admin, boss)
		e.refused(t, reviewed.ID, boss, "approve", nil, dossier.EUnprocessable, "reviewed")
		e.refused(t, reviewed.ID, boss, "reject", nil, dossier.EUnprocessable, "not_actor_of")
		// On a document boss had no part in, boss approves like anyone.
		clean := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin), c.admin, c.reviewer)
		e.mustFire(t, clean.ID, fire{by: boss, event: "approve", to: "approved"})
	})
}

// TestRejectEndsTheRound: reject ends the round whatever was approved; the
// next submission (after the shipped reopen event) starts a round with no
// approvals, in which the same people may approve again.
func TestRejectEndsTheRound(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		d := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin, amount("150000", "EUR")), c.admin, c.reviewer)
		first := d.Round
		if first < 1 {
			t.Errorf("round on entering approval = %d, want >= 1", first)
		}
		e.mustFire(t, d.ID, fire{by: c.appr1, event: "approve", to: "pending_approval"})
		e.mustFire(t, d.ID, fire{by: c.appr2b, event: "reject", to: "rejected", comment: "price too low"})
		if a := e.approvals(t, d.ID); len(a.Eligible) != 0 || a.NextLevel != 0 {
			t.Errorf("after reject: Approvals = %+v, want nobody eligible and no next level", a)
		}
		e.refused(t, d.ID, c.appr2, "approve", nil, dossier.EConflict, "rejected")

		e.mustFire(t, d.ID, fire{by: c.admin, event: "reopen", to: "received"})
		d = e.toPendingApproval(t, d, c.admin, c.reviewer)
		if d.Round <= first {
			t.Errorf("round after resubmission = %d, want more than %d", d.Round, first)
		}
		a := e.approvals(t, d.ID)
		if a.Round != d.Round || len(a.Approvals) != 0 || a.NextLevel != 1 || a.Complete {
			t.Errorf("new round: Approvals = %+v, want round %d, no approvals, next level 1", a, d.Round)
		}
		// The level-1 approver of the rejected round signs again.
		e.mustFire(t, d.ID, fire{by: c.appr1, event: "approve", to: "pending_approval"})
		e.mustFire(t, d.ID, fire{by: c.appr2, event: "approve", to: "approved"})
		// The rejected round keeps its approval, for the record.
		e.read(t, func(tx store.Tx) error {
			old, err := tx.Approvals(e.ctx, d.ID, first)
			if err != nil {
				return err
			}
			if len(old) != 1 || old[0].Level != 1 || old[0].ApproverID != c.appr1.ID {
				t.Errorf("approvals of the rejected round %d = %+v, want level 1 by %s", first, old, c.appr1.Username)
			}
			return nil
		})
	})
}

// TestApprovalsPanel: required levels, what is done, the next level and
// exactly who may approve it now.
func TestApprovalsPanel(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		submitter := e.user(t, "sue-admin-l3", 3, dossier.RoleAdmin, dossier.RoleApprover)
		d := e.doc(t, dossier.KindPurchaseOrder, c.admin, amount("1500000", "EUR"))

		a := e.approvals(t, d.ID)
		if !slices.Equal(a.Required, []int{1, 2, 3}) || a.NextLevel != 0 || len(a.Eligible) != 0 || len(a.Approvals) != 0 {
			t.Errorf("received: Approvals = %+v, want levels [1 2 3], no next level, nobody eligible", a)
		}
		d = e.toPendingApproval(t, d, submitter, c.reviewer)

		everyApprover := usernames(c.appr1, c.appr1b, c.appr2, c.appr2b, c.appr3, c.appr3b)
		steps := []struct {
			by       dossier.User
			next     int
			eligible []string
		}{
			{c.appr2, 1, everyApprover}, // the submitter, an approver too, is not eligible
			{c.appr3, 2, usernames(c.appr2b, c.appr3, c.appr3b)},
			{c.appr3b, 3, usernames(c.appr3b)},
		}
		for i, s := range steps {
			a := e.approvals(t, d.ID)
			if a.NextLevel != s.next || !reflect.DeepEqual(sorted(a.Eligible), s.eligible) || len(a.Approvals) != i || a.Complete {
				t.Errorf("before level %d: next %d eligible %v done %d, want next %d eligible %v done %d",
					s.next, a.NextLevel, sorted(a.Eligible), len(a.Approvals), s.next, s.eligible, i)
			}
			to := "pending_approval"
			if i == len(steps)-1 {
				to = "approved"
			}
			e.mustFire(t, d.ID, fire{by: s.by, event: "approve", to: to})
		}
		a = e.approvals(t, d.ID)
		var got []string
		for _, ap := range a.Approvals {
			got = append(got, ap.ApproverID)
		}
		if !a.Complete || !slices.Equal(got, []string{c.appr2.ID, c.appr3.ID, c.appr3b.ID}) || a.NextLevel != 0 || len(a.Eligible) != 0 {
			t.Errorf("complete: Approvals = %+v", a)
		}
	})
}

// TestRateChangeMidRound: the FX rate may change while a document waits in
// pending_approval. Whatever the levels are then taken to be, the document
// must not get stuck: an eligible approver can still finish the round.
func TestRateChangeMidRound(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		if _, err := e.eng.SetFXRate(e.ctx, c.admin.ID, "USD", "0.9"); err != nil {
			t.Fatal(err)
		}
		// 150,000 USD = 135,000 EUR: levels 1 and 2.
		d := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin, amount("150000", "USD")), c.admin, c.reviewer)
		e.mustFire(t, d.ID, fire{by: c.appr1, event: "approve", to: "pending_approval"})
		// Now 150,000 USD = 75,000 EUR: level 1 alone, which is approved.
		if _, err := e.eng.SetFXRate(e.ctx, c.admin.ID, "USD", "0.5"); err != nil {
			t.Fatal(err)
		}
		a := e.approvals(t, d.ID)
		if a.Complete && len(a.Eligible) == 0 && e.get(t, d.ID).State == "pending_approval" {
			t.Errorf("Approvals = %+v: complete, nobody eligible, yet the document waits in pending_approval", a)
		}
		_, _, err := e.eng.Fire(e.ctx, c.appr2, d.ID, engine.Fire{Event: "approve"})
		if err != nil {
			t.Errorf("approve after the rate fell: %v; the document can only be rejected now", err)
		}
		if got := e.get(t, d.ID); got.State != "approved" {
			t.Errorf("state %s, want approved", got.State)
		}
	})
}

// TestApprovalsSayWhyNobodyMayApprove: when nobody may approve the next
// level, the approvals panel says why of each approver (SPEC §6).
func TestApprovalsSayWhyNobodyMayApprove(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		d := e.doc(t, dossier.KindPurchaseOrder, c.admin, amount("2000000", "EUR"))
		e.toPendingApproval(t, d, c.admin, c.reviewer)
		e.mustFire(t, d.ID, fire{by: c.appr3, event: "approve", to: "pending_approval"})
		e.mustFire(t, d.ID, fire{by: c.appr3b, event: "approve", to: "pending_approval"})
		a := e.approvals(t, d.ID)
		if len(a.Eligible) != 0 || a.NextLevel != 3 {
			t.Fatalf("level %d eligible %v, want level 3 and nobody: both level-3 approvers have approved", a.NextLevel, a.Eligible)
		}
		all := strings.Join(a.Nobody, "\n")
		for _, want := range []string{"peter-l3", "one person approves at most one level", "paul-l1", "approval_level 3"} {
			if !strings.Contains(all, want) {
				t.Errorf("nobody_because does not mention %q:\n%s", want, all)
			}
		}
		if len(a.Nobody) != 6 {
			t.Errorf("nobody_because has %d reasons, want one per approver (6):\n%s", len(a.Nobody), all)
		}
	})
}
