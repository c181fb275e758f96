package dossier

import (
	"slices"
	"time"
)

// Role is what a user may do; a user has one or more.
type Role string

// The roles of SPEC §1.
const (
	RoleAdmin       Role = "admin"
	RoleReviewer    Role = "reviewer"
	RoleApprover    Role = "approver"
	RoleBankLiaison Role = "bank_liaison"
	RoleAuditor     Role = "auditor"
)

// AllRoles lists every role.
var AllRoles = []Role{RoleAdmin, RoleReviewer, RoleApprover, RoleBankLiaison, RoleAuditor}

// User is a person who signs in.
type User struct {
	ID            string    `json:"id"`
	Username      string    `json:"username"`
	DisplayName   string    `json:"display_name"`
	Roles         []Role    `json:"roles"`
	ApprovalLevel int       `json:"approval_level"` // 0 unless an approver (1..3)
	PasswordHash  string    `json:"-"`
	CreatedAt     time.Time `json:"created_at"`
}

// HasRole reports whether the user holds any of the roles.
func (u User) HasRole(roles ...Role) bool {
	for _, r := range roles {
		if slices.Contains(u.Roles, r) {
			return true
		}
	}
	return false
}

// Session is a signed-in bearer token; only its SHA-256 is stored.
type Session struct {
	TokenHash string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// UserName is how a user is shown beside their id: answers that name users
// by id carry a map of these, so that nobody reads a bare ULID.
type UserName struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
}
