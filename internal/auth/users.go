package auth

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/oklog/ulid/v2"
	"golang.org/x/crypto/bcrypt"

	"dossier/internal/audit"
	"dossier/internal/dossier"
	"dossier/internal/store"
)

// NewUser is what it takes to create a user.
type NewUser struct {
	Username      string         `json:"username"`
	Password      string         `json:"password"`
	DisplayName   string         `json:"display_name"`
	Roles         []dossier.Role `json:"roles"`
	ApprovalLevel int            `json:"approval_level"`
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 8

// Validate says what is wrong with n, if anything.
func (n NewUser) Validate() error {
	if !usernamePattern.MatchString(n.Username) {
		return dossier.Errorf(dossier.EUnprocessable,
			"username %q: use 2-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit", n.Username)
	}
	if len(n.Password) < MinPasswordLength || len(n.Password) > 72 {
		return dossier.Errorf(dossier.EUnprocessable, "password: use %d to 72 bytes", MinPasswordLength)
	}
	if len(n.Roles) == 0 {
		return dossier.Errorf(dossier.EUnprocessable, "roles: give at least one of %s", roleList())
	}
	for _, r := range n.Roles {
		if !slices.Contains(dossier.AllRoles, r) {
			return dossier.Errorf(dossier.EUnprocessable, "role %q is unknown: use %s", r, roleList())
		}
	}
	isApprover := slices.Contains(n.Roles, dossier.RoleApprover)
	switch {
	case isApprover && (n.ApprovalLevel < 1 || n.ApprovalLevel > 3):
		return dossier.Errorf(dossier.EUnprocessable, "approval_level: an approver needs a level of 1, 2 or 3")
	case !isApprover && n.ApprovalLevel != 0:
		return dossier.Errorf(dossier.EUnprocessable, "approval_level: only an approver has a level; add the approver role or drop the level")
	}
	if len(n.DisplayName) > 200 {
		return dossier.Errorf(dossier.EUnprocessable, "display_name: at most 200 characters")
	}
	return nil
}

func roleList() string {
	names := make([]string, len(dossier.AllRoles))
	for i, r := range dossier.AllRoles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// CreateUser adds a user; actor is who does it ("" for the command line).
func (s *Service) CreateUser(ctx context.Context, actor string, n NewUser) (dossier.User, error) {
	n.Username = strings.TrimSpace(n.Username)
	if err := n.Validate(); err != nil {
		return dossier.User{}, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(n.Password), s.Cost)
	if err != nil {
		return dossier.User{}, fmt.Errorf("hash password: %w", err)
	}
	u := dossier.User{
		ID: ulid.Make().String(), Username: n.Username, DisplayName: n.DisplayName, Roles: n.Roles,
		ApprovalLevel: n.ApprovalLevel, PasswordHash: string(hash), CreatedAt: s.now().UTC(),
	}
	err = s.store.Write(ctx, func(tx store.Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return audit.Append(ctx, tx, s.now(), audit.Event{Actor: actor, Action: "user.create", Details: map[string]any{
			"user_id": u.ID, "username": u.Username, "roles": u.Roles, "approval_level": u.ApprovalLevel,
		}})
	})
	return u, err
}

// ListUsers returns every user, by username.
func (s *Service) ListUsers(ctx context.Context) ([]dossier.User, error) {
	var users []dossier.User
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		users, err = tx.ListUsers(ctx)
		return err
	})
	return users, err
}
