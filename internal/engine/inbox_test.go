package engine_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/oklog/ulid/v2"

	"dossier/internal/dossier"
	"dossier/internal/engine"
	"dossier/internal/store"
)

// TestAllowed: the events each user is offered on a document follow role,
// state, segregation of duties and DOA eligibility, in the file's order.
func TestAllowed(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		submitter := e.user(t, "sid-admin-l3", 3, dossier.RoleAdmin, dossier.RoleApprover)

		received := e.doc(t, dossier.KindPurchaseOrder, c.admin)
		inReview := e.doc(t, dossier.KindPurchaseOrder, c.admin)
		e.mustFire(t, inReview.ID, fire{by: submitter, event: "submit", to: "in_review"})
		pending := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin, amount("150000", "EUR")), submitter, c.reviewer)
		lc := e.toPendingApproval(t, e.doc(t, dossier.KindLetterOfCredit, c.admin), c.bank, c.reviewer)

		cases := []struct {
			name string
			doc  dossier.Document
			by   dossier.User
			want []string
		}{
			{"admin on a received PO", received, c.admin, []string{"submit"}},
			{"reviewer on a received PO", received, c.reviewer, []string{}},
			{"auditor on a received PO", received, c.auditor, []string{}},
			{"reviewer on a PO in review", inReview, c.reviewer, []string{"return", "pass_review"}},
			{"approver on a PO in review", inReview, c.appr1, []string{}},
			{"admin who submitted, on a PO in review", inReview, submitter, []string{}},
			{"eligible approver on a pending PO", pending, c.appr1, []string{"approve", "reject"}},
			{"the submitter, an approver, on a pending PO", pending, submitter, []string{}},
			{"the reviewer on a pending PO", pending, c.reviewer, []string{}},
			{"auditor on a pending PO", pending, c.auditor, []string{}},
			// Level 2 needed: appr1 may reject but not approve.
			{"level 1 approver on a pending LC", lc, c.appr1, []string{"reject"}},
			{"level 2 approver on a pending LC", lc, c.appr2, []string{"approve", "reject"}},
			{"admin on a pending LC", lc, c.admin, []string{"cancel"}},
			{"bank liaison who submitted, on a pending LC", lc, c.bank, []string{"cancel"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if got := e.allowed(t, tc.by, tc.doc.ID); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("Allowed = %v, want %v", got, tc.want)
				}
			})
		}

		t.Run("after level 1, the level 1 approvers drop out", func(t *testing.T) {
			e.mustFire(t, pending.ID, fire{by: c.appr1, event: "approve", to: "pending_approval"})
			for _, tc := range []struct {
				by   dossier.User
				want []string
			}{
				{c.appr1, []string{"reject"}},
				{c.appr1b, []string{"reject"}},
				{c.appr2, []string{"approve", "reject"}},
				{submitter, []string{}},
			} {
				if got := e.allowed(t, tc.by, pending.ID); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("Allowed for %s = %v, want %v", tc.by.Username, got, tc.want)
				}
			}
		})
	})
}

// TestInbox: a user's inbox holds exactly the documents on which they can
// fire something now, newest first.
func TestInbox(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		boss := e.user(t, "bea-admin-l1", 1, dossier.RoleAdmin, dossier.RoleApprover)

		poReceived := e.doc(t, dossier.KindPurchaseOrder, c.admin)
		poInReview := e.doc(t, dossier.KindPurchaseOrder, c.admin)
		e.mustFire(t, poInReview.ID, fire{by: c.admin, event: "submit", to: "in_review"})
		poPendingBoss := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin), boss, c.reviewer2)
		poPending := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin), c.admin, c.reviewer2)
		poArchived := e.doc(t, dossier.KindPurchaseOrder, c.admin)
		e.toPendingApproval(t, poArchived, c.admin, c.reviewer)
		e.mustFire(t, poArchived.ID, fire{by: c.appr2, event: "approve", to: "approved"})
		e.mustFire(t, poArchived.ID, fire{by: c.admin, event: "archive", to: "archived"})
		lcApproved := e.toPendingApproval(t, e.doc(t, dossier.KindLetterOfCredit, c.admin), c.admin, c.reviewer)
		e.mustFire(t, lcApproved.ID, fire{by: c.appr2, event: "approve", to: "approved"})
		fa := e.doc(t, dossier.KindFrameworkAgreement, c.admin)
		e.mustFire(t, fa.ID, fire{by: c.admin, event: "submit", to: "department_review"})
		other := e.doc(t, dossier.KindOther, c.admin)

		ids := func(docs ...dossier.Document) []string {
			out := []string{}
			for _, d := range docs {
				out = append(out, d.ID)
			}
			// Newest first: ids are ULIDs made in order.
			slices.Sort(out)
			slices.Reverse(out)
			return out
		}
		cases := []struct {
			name string
			by   dossier.User
			want []string
		}{
			{"admin", c.admin, ids(poReceived, lcApproved, other)},
			// fa: complete_review is open to admins, but its guard fails until every department signed off.
			{"admin and approver", boss, ids(poReceived, lcApproved, other, poPending)},
			// Reviewers may return the framework agreement from department review.
			{"reviewer", c.reviewer, ids(poInReview, fa)},
			{"reviewer who reviewed both pending POs", c.reviewer2, ids(poInReview, fa)},
			{"level 1 approver", c.appr1, ids(poPendingBoss, poPending)},
			{"bank liaison", c.bank, ids(lcApproved)},
			{"auditor", c.auditor, ids()},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				docs, err := e.eng.Inbox(e.ctx, tc.by)
				if err != nil {
					t.Fatalf("Inbox: %v", err)
				}
				got := ids()
				for _, d := range docs {
					got = append(got, d.ID)
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("Inbox of %s = %v, want %v", tc.by.Username, got, tc.want)
				}
			})
		}

		t.Run("the inbox follows the reviews", func(t *testing.T) {
			for _, dep := range e.departments(t, dossier.KindFrameworkAgreement) {
				e.review(t, fa.ID, c.reviewer, dep, "approve")
			}
			docs, err := e.eng.Inbox(e.ctx, c.admin)
			if err != nil {
				t.Fatalf("Inbox: %v", err)
			}
			if !slices.ContainsFunc(docs, func(d engine.InboxItem) bool { return d.ID == fa.ID }) {
				t.Errorf("admin's inbox lacks the framework agreement whose reviews are complete")
			}
		})
	})
}

// TestInboxSeesPastManyOthers: the inbox must not lose an actionable
// document behind many newer ones in the same states that the caller
// cannot act on (here 500 purchase orders the approver reviewed himself).
func TestInboxSeesPastManyOthers(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		actionable := e.toPendingApproval(t, e.doc(t, dossier.KindPurchaseOrder, c.admin), c.admin, c.reviewer)
		template := e.get(t, actionable.ID)
		e.write(t, func(tx store.Tx) error {
			for i := range 500 {
				d := template
				d.ID = ulid.Make().String()
				d.Number = fmt.Sprintf("OWN-%03d", i)
				d.File.DocumentID, d.File.SHA256 = d.ID, fmt.Sprintf("%064x", 1_000_000+i)
				if err := tx.CreateDocument(e.ctx, d); err != nil {
					return err
				}
				if err := tx.AddHistory(e.ctx, dossier.HistoryEntry{DocumentID: d.ID, Event: "pass_review", From: "in_review",
					To: "pending_approval", Actor: c.appr1.ID, Version: d.Version, At: d.UpdatedAt}); err != nil {
					return err
				}
			}
			return nil
		})
		docs, err := e.eng.Inbox(e.ctx, c.appr1)
		if err != nil {
			t.Fatalf("Inbox: %v", err)
		}
		if len(docs) != 1 || docs[0].ID != actionable.ID || !slices.Equal(docs[0].AllowedEvents, []string{"approve", "reject"}) {
			t.Errorf("Inbox of %s holds %d documents, want just %s, the one document they may approve or reject", c.appr1.Username, len(docs), actionable.ID)
		}
		if got := e.allowed(t, c.appr1, actionable.ID); !slices.Equal(got, []string{"approve", "reject"}) {
			t.Errorf("Allowed on the actionable document = %v", got)
		}
	})
}
