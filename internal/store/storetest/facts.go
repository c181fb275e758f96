package storetest

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// testDocumentFacts checks that DocumentFacts answers what the methods it
// stands in for answer, for a document in its second round with history,
// approvals in both rounds, two file versions, and an actor with confirmed
// and pending grants and a delegation, beside another user's.
func testDocumentFacts(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Run("SameAsEachRead", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var doc dossier.Document
		var actor, other dossier.User
		write(t, s, func(tx store.Tx) error {
			c := ctx(t)
			actor, other = newUser(t, tx), newUser(t, tx)
			doc = newDocument(t, tx, other.ID, func(d *dossier.Document) { d.Round = 2 })
			at := now()
			day := at.Format(time.DateOnly)
			steps := []error{
				tx.AddFileVersion(c, fileFixture(doc.ID, actor.ID, func(f *dossier.FileVersion) { f.Version = 2 })),
				tx.AddHistory(c, dossier.HistoryEntry{DocumentID: doc.ID, Event: "submit", From: "received", To: "in_review",
					Actor: other.ID, Payload: json.RawMessage(`{"note":"x"}`), Version: 2, At: at}),
				tx.AddHistory(c, dossier.HistoryEntry{DocumentID: doc.ID, Event: "return", From: "in_review", To: "received",
					Actor: actor.ID, Comment: "again", Payload: json.RawMessage(`{}`), Version: 3, At: at}),
				tx.AddApproval(c, dossier.Approval{DocumentID: doc.ID, Round: 1, Level: 1, ApproverID: actor.ID, At: at}),
				tx.AddApproval(c, dossier.Approval{DocumentID: doc.ID, Round: 2, Level: 1, ApproverID: other.ID, At: at, SHA256: randomSHA256()}),
				tx.AddApproval(c, dossier.Approval{DocumentID: doc.ID, Round: 2, Level: 2, ApproverID: actor.ID, OnBehalfOf: other.ID, At: at}),
				tx.AddGrant(c, dossier.Grant{ID: newID(), UserID: actor.ID, Kind: dossier.GrantAuthority, State: dossier.GrantPending,
					Roles: []dossier.Role{dossier.RoleApprover}, ApprovalLevel: 2, RequestedBy: other.ID, RequestedAt: at}),
				tx.AddGrant(c, dossier.Grant{ID: newID(), UserID: other.ID, Kind: dossier.GrantAuthority, State: dossier.GrantPending,
					Roles: []dossier.Role{dossier.RoleApprover}, ApprovalLevel: 1, RequestedBy: actor.ID, RequestedAt: at}),
				tx.AddDelegation(c, dossier.Delegation{ID: newID(), FromUserID: other.ID, ToUserID: actor.ID, From: day, Until: day,
					CreatedBy: other.ID, CreatedAt: at}),
				tx.AddDelegation(c, dossier.Delegation{ID: newID(), FromUserID: actor.ID, ToUserID: other.ID, From: day, Until: day,
					CreatedBy: actor.ID, CreatedAt: at}),
			}
			for i, err := range steps {
				if err != nil {
					t.Fatalf("set-up step %d: %v", i, err)
				}
			}
			return nil
		})
		write(t, s, func(tx store.Tx) error {
			grants, err := tx.Grants(ctx(t), actor.ID, dossier.GrantPending)
			if err != nil || len(grants) != 1 {
				t.Fatalf("the actor's pending grants: %v, %v", grants, err)
			}
			return tx.DecideGrant(ctx(t), grants[0].ID, dossier.GrantConfirmed, other.ID, now())
		})
		read(t, s, func(tx store.Tx) error {
			c := ctx(t)
			got, err := tx.DocumentFacts(c, doc.ID, actor.ID)
			if err != nil {
				t.Fatalf("DocumentFacts: %v", err)
			}
			var want store.DocumentFacts
			var errs [6]error
			want.Document, errs[0] = tx.Document(c, doc.ID)
			want.History, errs[1] = tx.History(c, doc.ID)
			want.Approvals, errs[2] = tx.Approvals(c, doc.ID, 2)
			want.Files, errs[3] = tx.FileVersions(c, doc.ID)
			want.Grants, errs[4] = tx.Grants(c, actor.ID, dossier.GrantConfirmed)
			want.Delegations, errs[5] = tx.DelegationsTo(c, actor.ID)
			for i, err := range errs {
				if err != nil {
					t.Fatalf("read %d: %v", i, err)
				}
			}
			if len(want.History) != 2 || len(want.Approvals) != 2 || len(want.Files) != 2 || len(want.Grants) != 1 || len(want.Delegations) != 1 {
				t.Fatalf("the set-up reads back wrong: %+v", want)
			}
			if d := diffDocument(want.Document, got.Document); len(d) > 0 {
				t.Errorf("DocumentFacts' document differs from Document's:\n%s", d)
			}
			for _, c := range []struct {
				what      string
				want, got any
			}{
				{"history", want.History, got.History}, {"approvals", want.Approvals, got.Approvals},
				{"file versions", want.Files, got.Files}, {"grants", want.Grants, got.Grants},
				{"delegations", want.Delegations, got.Delegations},
			} {
				if !reflect.DeepEqual(c.want, c.got) {
					t.Errorf("DocumentFacts' %s:\n got %+v\nwant %+v", c.what, c.got, c.want)
				}
			}
			return nil
		})
	})

	t.Run("UnknownNotFound", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		read(t, s, func(tx store.Tx) error {
			_, err := tx.DocumentFacts(ctx(t), newID(), newID())
			wantCode(t, err, dossier.ENotFound, "DocumentFacts of an unknown document")
			return nil
		})
	})
}
