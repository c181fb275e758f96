package auth

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

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
	Departments   []string       `json:"departments"`
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
	if err := checkAuthority(n.Roles, n.ApprovalLevel); err != nil {
		return err
	}
	return checkProfile(n.DisplayName, n.Departments)
}

// checkAuthority checks roles and an approval level together.
func checkAuthority(roles []dossier.Role, level int) error {
	for _, r := range roles {
		if !slices.Contains(dossier.AllRoles, r) {
			return dossier.Errorf(dossier.EUnprocessable, "role %q is unknown: use %s", r, roleList())
		}
	}
	isApprover := slices.Contains(roles, dossier.RoleApprover)
	switch {
	case isApprover && (level < 1 || level > 3):
		return dossier.Errorf(dossier.EUnprocessable, "approval_level: an approver needs a level of 1, 2 or 3")
	case !isApprover && level != 0:
		return dossier.Errorf(dossier.EUnprocessable, "approval_level: only an approver has a level; add the approver role or drop the level")
	}
	return nil
}

func checkProfile(displayName string, departments []string) error {
	if len(displayName) > 200 {
		return dossier.Errorf(dossier.EUnprocessable, "display_name: at most 200 characters")
	}
	for _, d := range departments {
		if !dossier.IsName(d) {
			return dossier.Errorf(dossier.EUnprocessable, "department %s: use a department name of the workflows, such as technical or finance", dossier.Clip(d))
		}
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

// CreateUser adds a user; actor is the admin who does it, or CommandLine.
// Through the API the approver and admin roles and the approval level are
// not given at once: they wait, as a pending grant, for a second admin
// (SPEC §6, dual control); the answer's Pending says so.
func (s *Service) CreateUser(ctx context.Context, actor string, n NewUser) (Changed, error) {
	n.Username = strings.TrimSpace(n.Username)
	if err := n.Validate(); err != nil {
		return Changed{}, err
	}
	if err := s.checkDepartments(n.Departments); err != nil {
		return Changed{}, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(n.Password), s.Cost)
	if err != nil {
		return Changed{}, fmt.Errorf("hash password: %w", err)
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	if n.Departments == nil {
		n.Departments = []string{}
	}
	u := dossier.User{
		ID: ulid.Make().String(), Username: n.Username, DisplayName: n.DisplayName, Departments: n.Departments,
		Version: 1, PasswordHash: string(hash), PasswordSetBy: actor, CreatedAt: now, UpdatedAt: now,
	}
	grant := split(&u, dossier.User{}, n.Roles, n.ApprovalLevel, actor)
	out := Changed{User: u}
	err = s.store.Write(ctx, func(tx store.Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		details := map[string]any{"user_id": u.ID, "username": u.Username, "roles": u.Roles, "approval_level": u.ApprovalLevel}
		if len(u.Departments) > 0 {
			details["departments"] = u.Departments
		}
		if err := audit.Append(ctx, tx, now, audit.Event{Actor: actor, Action: "user.create", Details: via(actor, details)}); err != nil {
			return err
		}
		out.Pending, err = s.requestGrant(ctx, tx, grant, now)
		return err
	})
	return out, err
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

// User returns user id to an admin, an auditor or the user themselves.
func (s *Service) User(ctx context.Context, actor dossier.User, id string) (dossier.User, error) {
	if actor.ID != id && !actor.HasRole(dossier.RoleAdmin, dossier.RoleAuditor) {
		return dossier.User{}, dossier.Errorf(dossier.EForbidden, "only an admin, an auditor or the user may read a user")
	}
	var u dossier.User
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		u, err = tx.UserByID(ctx, id)
		return err
	})
	return u, err
}

// checkDepartments refuses a department no workflow has, once Departments
// is known.
func (s *Service) checkDepartments(deps []string) error {
	if len(s.Departments) == 0 {
		return nil
	}
	for _, d := range deps {
		if !slices.Contains(s.Departments, d) {
			return dossier.Errorf(dossier.EUnprocessable, "department %s: use one of %s", dossier.Clip(d), strings.Join(s.Departments, ", "))
		}
	}
	return nil
}

// via marks what the command line did (SPEC §6: audited as done from it).
func via(actor string, details map[string]any) map[string]any {
	if actor == CommandLine {
		details["via"] = "command line"
	}
	return details
}
