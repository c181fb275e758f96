package auth

import (
	"context"
	"slices"
	"time"

	"github.com/oklog/ulid/v2"

	"dossier/internal/audit"
	"dossier/internal/doa"
	"dossier/internal/dossier"
	"dossier/internal/store"
)

// CommandLine is the actor of changes made with the dossier command: the
// operator's path on the server itself, which needs no second admin.
const CommandLine = ""

// authorityRoles are the roles whose grant waits for a second admin: the
// approver role carries DOA authority, and the admin role grants it (a
// second admin account of one's own would defeat dual control).
var authorityRoles = []dossier.Role{dossier.RoleAdmin, dossier.RoleApprover}

// Changed is a user after a change: Pending is the grant that waits for a
// second admin, Warnings what the change leaves uncovered.
type Changed struct {
	dossier.User
	Pending  *dossier.Grant `json:"pending_grant,omitempty"`
	Warnings []string       `json:"warnings,omitempty"`
}

// split sets u's roles and level to what may take effect at once when actor
// asks for roles and level, and returns the grant of the rest (nil when
// nothing grows, or when actor is the command line). old is the user before.
func split(u *dossier.User, old dossier.User, roles []dossier.Role, level int, actor string) *dossier.Grant {
	u.Roles, u.ApprovalLevel = roles, level
	if actor == CommandLine {
		return nil
	}
	g := &dossier.Grant{UserID: u.ID, Kind: dossier.GrantAuthority, RequestedBy: actor}
	now := []dossier.Role{}
	for _, r := range roles {
		if slices.Contains(authorityRoles, r) && !old.HasRole(r) {
			g.Roles = append(g.Roles, r)
		} else {
			now = append(now, r)
		}
	}
	u.Roles = now
	raised := level > old.ApprovalLevel
	if slices.Contains(g.Roles, dossier.RoleApprover) || raised {
		g.ApprovalLevel = level
	}
	switch {
	case !u.HasRole(dossier.RoleApprover):
		u.ApprovalLevel = 0
	case raised:
		u.ApprovalLevel = old.ApprovalLevel
	}
	if len(g.Roles) == 0 && g.ApprovalLevel == 0 {
		return nil
	}
	return g
}

// requestGrant records g as pending (nothing when g is nil).
func (s *Service) requestGrant(ctx context.Context, tx store.Tx, g *dossier.Grant, now time.Time) (*dossier.Grant, error) {
	if g == nil {
		return nil, nil
	}
	g.ID, g.State, g.RequestedAt = ulid.Make().String(), dossier.GrantPending, now
	if err := tx.AddGrant(ctx, *g); err != nil {
		return nil, err
	}
	return g, audit.Append(ctx, tx, now, audit.Event{Actor: g.RequestedBy, Action: "grant.request", Details: g.AuditDetails()})
}

// Grants lists the grants of user userID ("" for everyone's) in state
// ("" for any); admins and auditors read them, and users their own.
func (s *Service) Grants(ctx context.Context, actor dossier.User, userID string, state dossier.GrantState) ([]dossier.Grant, error) {
	if actor.ID != userID && !actor.HasRole(dossier.RoleAdmin, dossier.RoleAuditor) {
		return nil, dossier.Errorf(dossier.EForbidden, "only an admin, an auditor or the user may read these grants")
	}
	switch state {
	case "", dossier.GrantPending, dossier.GrantConfirmed, dossier.GrantWithdrawn:
	default:
		return nil, dossier.Errorf(dossier.EInvalid, "state %s: use pending, confirmed or withdrawn", dossier.Clip(string(state)))
	}
	var out []dossier.Grant
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		if userID != "" {
			if _, err := tx.UserByID(ctx, userID); err != nil {
				return err
			}
		}
		out, err = tx.Grants(ctx, userID, state)
		return err
	})
	return out, err
}

// ConfirmGrant makes pending grant id of user userID take effect. The
// confirming admin is neither its requester nor its grantee.
func (s *Service) ConfirmGrant(ctx context.Context, actor dossier.User, userID, id string) (Changed, error) {
	var out Changed
	err := s.store.Write(ctx, func(tx store.Tx) error {
		g, err := pendingGrant(ctx, tx, userID, id)
		if err != nil {
			return err
		}
		switch actor.ID {
		case g.RequestedBy:
			return dossier.Errorf(dossier.EForbidden, "dual control: a second admin must confirm; you requested this grant")
		case g.UserID:
			return dossier.Errorf(dossier.EForbidden, "dual control: nobody confirms a grant of their own authority")
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		before, err := coverage(ctx, tx)
		if err != nil {
			return err
		}
		if err := tx.DecideGrant(ctx, g.ID, dossier.GrantConfirmed, actor.ID, now); err != nil {
			return err
		}
		u, err := tx.UserByID(ctx, g.UserID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return dossier.Errorf(dossier.EConflict, "%s is disabled: enable them before confirming a grant", u.Username)
		}
		if g.Kind == dossier.GrantDelegation {
			err = confirmDelegation(ctx, tx, g, actor.ID, now)
		} else {
			u, err = confirmAuthority(ctx, tx, g, u, now)
		}
		if err != nil {
			return err
		}
		g.State, g.DecidedBy, g.DecidedAt = dossier.GrantConfirmed, actor.ID, &now
		if err := audit.Append(ctx, tx, now, audit.Event{Actor: actor.ID, Action: "grant.confirm", Details: g.AuditDetails()}); err != nil {
			return err
		}
		out = Changed{User: u}
		out.Warnings, err = lostLevels(ctx, tx, before)
		return err
	})
	return out, err
}

func confirmAuthority(ctx context.Context, tx store.Tx, g dossier.Grant, u dossier.User, now time.Time) (dossier.User, error) {
	prev := u.Version
	for _, r := range g.Roles {
		if !u.HasRole(r) {
			u.Roles = append(u.Roles, r)
		}
	}
	if g.ApprovalLevel > 0 && u.HasRole(dossier.RoleApprover) {
		u.ApprovalLevel = max(u.ApprovalLevel, g.ApprovalLevel)
	}
	if err := checkAuthority(u.Roles, u.ApprovalLevel); err != nil {
		return u, dossier.Errorf(dossier.EConflict, "%s has changed since the grant was requested: %s; cancel it and request again",
			u.Username, dossier.ErrorMessage(err))
	}
	u.Version, u.UpdatedAt = u.Version+1, now
	return u, tx.UpdateUser(ctx, u, prev)
}

func confirmDelegation(ctx context.Context, tx store.Tx, g dossier.Grant, confirmer string, now time.Time) error {
	if g.Delegation == nil {
		return dossier.Errorf(dossier.EConflict, "grant %s holds no delegation", g.ID)
	}
	dl := *g.Delegation
	from, err := tx.UserByID(ctx, dl.FromUserID)
	if err != nil {
		return err
	}
	to, err := tx.UserByID(ctx, dl.ToUserID)
	if err != nil {
		return err
	}
	if err := doa.CanDelegate(from, to); err != nil {
		return dossier.Errorf(dossier.EConflict, "the delegation can no longer be made: %s", dossier.ErrorMessage(err))
	}
	dl.ConfirmedBy, dl.CreatedAt = confirmer, now
	if err := tx.AddDelegation(ctx, dl); err != nil {
		return err
	}
	return audit.Append(ctx, tx, now, audit.Event{Actor: confirmer, Action: "delegation.create", Details: map[string]any{
		"id": dl.ID, "from_user_id": dl.FromUserID, "to_user_id": dl.ToUserID, "from": dl.From, "until": dl.Until,
		"requested_by": dl.CreatedBy, "grant_id": g.ID}})
}

// CancelGrant withdraws pending grant id of user userID; any admin may.
func (s *Service) CancelGrant(ctx context.Context, actor dossier.User, userID, id string) error {
	return s.store.Write(ctx, func(tx store.Tx) error {
		g, err := pendingGrant(ctx, tx, userID, id)
		if err != nil {
			return err
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		if err := tx.DecideGrant(ctx, g.ID, dossier.GrantWithdrawn, actor.ID, now); err != nil {
			return err
		}
		return audit.Append(ctx, tx, now, audit.Event{Actor: actor.ID, Action: "grant.cancel", Details: g.AuditDetails()})
	})
}

func pendingGrant(ctx context.Context, tx store.Tx, userID, id string) (dossier.Grant, error) {
	g, err := tx.Grant(ctx, id)
	if err != nil {
		return g, err
	}
	if g.UserID != userID {
		return g, dossier.Errorf(dossier.ENotFound, "user %s has no grant %q", userID, id)
	}
	if g.State != dossier.GrantPending {
		return g, dossier.Errorf(dossier.EConflict, "grant %s is already %s", id, g.State)
	}
	return g, nil
}
