package engine

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/oklog/ulid/v2"

	"dossier/internal/audit"
	"dossier/internal/doa"
	"dossier/internal/dossier"
	"dossier/internal/store"
)

// DelegationRequest lends fromUser's authority to another user.
type DelegationRequest struct {
	ToUserID string `json:"to_user_id"`
	From     string `json:"from"`
	Until    string `json:"until"`
}

// Delegated is a delegation just made, or, when an admin made it for the
// approver, the grant that waits for a second admin (SPEC §6).
type Delegated struct {
	dossier.Delegation
	Pending  *dossier.Grant `json:"pending_grant,omitempty"`
	Warnings []string       `json:"warnings,omitempty"`
}

// Delegate lends approver fromUserID's authority; that approver may, and an
// admin may ask for it, which takes effect when a second admin confirms.
func (e *Engine) Delegate(ctx context.Context, actor dossier.User, fromUserID string, r DelegationRequest) (Delegated, error) {
	if actor.ID != fromUserID && !actor.HasRole(dossier.RoleAdmin) {
		return Delegated{}, dossier.Errorf(dossier.EForbidden, "only the approver or an admin may delegate this authority")
	}
	from, err1 := time.Parse(time.DateOnly, r.From)
	until, err2 := time.Parse(time.DateOnly, r.Until)
	switch {
	case err1 != nil || err2 != nil:
		return Delegated{}, dossier.Errorf(dossier.EUnprocessable, "from and until must be dates like 2026-12-01")
	case until.Before(from):
		return Delegated{}, dossier.Errorf(dossier.EUnprocessable, "until %s is before from %s", r.Until, r.From)
	}
	now := e.now().UTC().Truncate(time.Microsecond)
	out := Delegated{Delegation: dossier.Delegation{ID: ulid.Make().String(), FromUserID: fromUserID, ToUserID: r.ToUserID,
		From: r.From, Until: r.Until, CreatedBy: actor.ID, CreatedAt: now}}
	err := e.store.Write(ctx, func(tx store.Tx) error {
		delegator, err := tx.UserByID(ctx, fromUserID)
		if err != nil {
			return err
		}
		delegate, err := tx.UserByID(ctx, r.ToUserID)
		if err != nil {
			return dossier.Errorf(dossier.EUnprocessable, "to_user_id %s is not a user", dossier.Clip(r.ToUserID))
		}
		if err := doa.CanDelegate(delegator, delegate); err != nil {
			return err
		}
		if delegate.ApprovalLevel >= delegator.ApprovalLevel {
			out.Warnings = append(out.Warnings, fmt.Sprintf("%s already holds level %d: the delegation from %s (level %d) lends no higher level, "+
				"only the right to approve on %s's behalf", delegate.Username, delegate.ApprovalLevel, delegator.Username, delegator.ApprovalLevel, delegator.Username))
		}
		if actor.ID != fromUserID {
			dl := out.Delegation
			out.Pending = &dossier.Grant{ID: ulid.Make().String(), UserID: r.ToUserID, Kind: dossier.GrantDelegation, State: dossier.GrantPending,
				Delegation: &dl, RequestedBy: actor.ID, RequestedAt: now}
			if err := tx.AddGrant(ctx, *out.Pending); err != nil {
				return err
			}
			return audit.Append(ctx, tx, now, audit.Event{Actor: actor.ID, Action: "grant.request", Details: out.Pending.AuditDetails()})
		}
		if err := tx.AddDelegation(ctx, out.Delegation); err != nil {
			return err
		}
		return audit.Append(ctx, tx, now, audit.Event{Actor: actor.ID, Action: "delegation.create",
			Details: map[string]any{"id": out.ID, "from_user_id": fromUserID, "to_user_id": r.ToUserID, "from": r.From, "until": r.Until}})
	})
	return out, err
}

// Delegations lists the delegations from and to user userID; that user, an
// admin or an auditor may read them.
func (e *Engine) Delegations(ctx context.Context, actor dossier.User, userID string) ([]dossier.Delegation, error) {
	if actor.ID != userID && !actor.HasRole(dossier.RoleAdmin, dossier.RoleAuditor) {
		return nil, dossier.Errorf(dossier.EForbidden, "only the user, an admin or an auditor may read these delegations")
	}
	var out []dossier.Delegation
	err := e.store.Read(ctx, func(tx store.Tx) (err error) {
		if _, err := tx.UserByID(ctx, userID); err != nil {
			return err
		}
		out, err = tx.DelegationsOf(ctx, userID)
		return err
	})
	return out, err
}

// Revoke ends delegation id of approver fromUserID at once; only that
// approver or an admin may. The audit event keeps what it lent.
func (e *Engine) Revoke(ctx context.Context, actor dossier.User, fromUserID, id string) error {
	if actor.ID != fromUserID && !actor.HasRole(dossier.RoleAdmin) {
		return dossier.Errorf(dossier.EForbidden, "only the approver or an admin may revoke this delegation")
	}
	return e.store.Write(ctx, func(tx store.Tx) error {
		all, err := tx.DelegationsOf(ctx, fromUserID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(all, func(d dossier.Delegation) bool { return d.ID == id && d.FromUserID == fromUserID })
		if i < 0 {
			return dossier.Errorf(dossier.ENotFound, "user %s has lent no delegation %q", fromUserID, id)
		}
		if err := tx.DeleteDelegation(ctx, id); err != nil {
			return err
		}
		dl := all[i]
		return audit.Append(ctx, tx, e.now().UTC().Truncate(time.Microsecond), audit.Event{Actor: actor.ID, Action: "delegation.revoke",
			Details: map[string]any{"id": id, "from_user_id": dl.FromUserID, "to_user_id": dl.ToUserID, "from": dl.From, "until": dl.Until}})
	})
}
