package auth

import (
	"context"
	"fmt"
	"slices"
	"time"

	"golang.org/x/crypto/bcrypt"

	"dossier/internal/audit"
	"dossier/internal/dossier"
	"dossier/internal/store"
)

// UserChange is a JSON merge patch of a user: members left out stay as they are.
type UserChange struct {
	DisplayName   *string         `json:"display_name"`
	Roles         *[]dossier.Role `json:"roles"`
	ApprovalLevel *int            `json:"approval_level"`
	Departments   *[]string       `json:"departments"`
	Disabled      *bool           `json:"disabled"`
	Password      *string         `json:"password"`
}

// ChangeUser applies ch to user id. actor is the admin who asks, or
// CommandLine. ifVersion, when not nil, is the version the caller read
// (If-Match): 412 when the user has moved on since. A change that grows
// authority (the approver or admin role, a higher level) is kept as a
// pending grant for a second admin; the rest takes effect at once. Disabling
// a user or setting their password ends their sessions.
func (s *Service) ChangeUser(ctx context.Context, actor string, id string, ifVersion *int, ch UserChange) (Changed, error) {
	var hash []byte
	if ch.Password != nil {
		if n := len(*ch.Password); n < MinPasswordLength || n > 72 {
			return Changed{}, dossier.Errorf(dossier.EUnprocessable, "password: use %d to 72 bytes", MinPasswordLength)
		}
		var err error
		if hash, err = bcrypt.GenerateFromPassword([]byte(*ch.Password), s.Cost); err != nil {
			return Changed{}, fmt.Errorf("hash password: %w", err)
		}
	}
	var out Changed
	err := s.store.Write(ctx, func(tx store.Tx) error {
		old, err := tx.UserByID(ctx, id)
		if err != nil {
			return err
		}
		if ifVersion != nil && *ifVersion != old.Version {
			return dossier.Errorf(dossier.EPreconditionFailed, "user %s is at version %d, not %d: read it again", old.Username, old.Version, *ifVersion)
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		u, grant, err := s.apply(old, ch, actor)
		if err != nil {
			return err
		}
		if hash != nil {
			u.PasswordHash, u.PasswordSetBy = string(hash), actor
		}
		diff := userDiff(old, u, hash != nil)
		if len(diff) == 0 && grant == nil {
			out.User = old // nothing changes: no new version, no audit event
			return nil
		}
		before, err := coverage(ctx, tx)
		if err != nil {
			return err
		}
		if len(diff) > 0 {
			if err := lastAdmin(ctx, tx, old, u); err != nil {
				return err
			}
			u.Version, u.UpdatedAt = old.Version+1, now
			if err := tx.UpdateUser(ctx, u, old.Version); err != nil {
				return err
			}
			if u.Disabled || hash != nil {
				if err := tx.DeleteSessionsOf(ctx, u.ID); err != nil {
					return err
				}
			}
			details := via(actor, map[string]any{"user_id": u.ID, "username": u.Username, "changes": diff})
			if err := audit.Append(ctx, tx, now, audit.Event{Actor: actor, Action: "user.update", Details: details}); err != nil {
				return err
			}
		}
		out = Changed{User: u}
		if out.Pending, err = s.requestGrant(ctx, tx, grant, now); err != nil {
			return err
		}
		out.Warnings, err = lostLevels(ctx, tx, before)
		return err
	})
	return out, err
}

// apply returns old changed by ch, and the grant of what must wait.
func (s *Service) apply(old dossier.User, ch UserChange, actor string) (dossier.User, *dossier.Grant, error) {
	u := old
	u.Roles = slices.Clone(old.Roles)
	if ch.DisplayName != nil {
		u.DisplayName = *ch.DisplayName
	}
	if ch.Departments != nil {
		u.Departments = *ch.Departments
		if err := s.checkDepartments(u.Departments); err != nil {
			return u, nil, err
		}
	}
	if err := checkProfile(u.DisplayName, u.Departments); err != nil {
		return u, nil, err
	}
	if ch.Disabled != nil {
		u.Disabled = *ch.Disabled
		if u.Disabled && actor == old.ID {
			return u, nil, dossier.Errorf(dossier.EUnprocessable, "disabled: nobody disables their own account; ask another admin")
		}
	}
	roles, level := u.Roles, u.ApprovalLevel
	if ch.Roles != nil {
		roles = *ch.Roles
		if !slices.Contains(roles, dossier.RoleApprover) && ch.ApprovalLevel == nil {
			level = 0 // dropping the approver role drops the level with it
		}
	}
	if ch.ApprovalLevel != nil {
		level = *ch.ApprovalLevel
	}
	if err := checkAuthority(roles, level); err != nil {
		return u, nil, err
	}
	grant := split(&u, old, roles, level, actor)
	return u, grant, nil
}

// userDiff lists what changed from old to u, as {field: {old, new}}; the
// password is named, never shown.
func userDiff(old, u dossier.User, password bool) map[string]any {
	diff := map[string]any{}
	pair := func(name string, a, b any) { diff[name] = map[string]any{"old": a, "new": b} }
	if old.DisplayName != u.DisplayName {
		pair("display_name", old.DisplayName, u.DisplayName)
	}
	if !slices.Equal(old.Roles, u.Roles) {
		pair("roles", old.Roles, u.Roles)
	}
	if old.ApprovalLevel != u.ApprovalLevel {
		pair("approval_level", old.ApprovalLevel, u.ApprovalLevel)
	}
	if !slices.Equal(old.Departments, u.Departments) {
		pair("departments", old.Departments, u.Departments)
	}
	if old.Disabled != u.Disabled {
		pair("disabled", old.Disabled, u.Disabled)
	}
	if password {
		diff["password"] = "set"
	}
	return diff
}

// lastAdmin refuses a change that leaves no enabled admin: nobody could
// then manage users except from the command line.
func lastAdmin(ctx context.Context, tx store.Tx, old, u dossier.User) error {
	wasAdmin := old.HasRole(dossier.RoleAdmin) && !old.Disabled
	if !wasAdmin || (u.HasRole(dossier.RoleAdmin) && !u.Disabled) {
		return nil
	}
	users, err := tx.ListUsers(ctx)
	if err != nil {
		return err
	}
	for _, o := range users {
		if o.ID != u.ID && o.HasRole(dossier.RoleAdmin) && !o.Disabled {
			return nil
		}
	}
	return dossier.Errorf(dossier.EConflict, "%s is the last enabled admin: make someone else admin first", u.Username)
}
