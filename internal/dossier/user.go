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
	ID            string `json:"id"`
	Username      string `json:"username"`
	DisplayName   string `json:"display_name"`
	Roles         []Role `json:"roles"`
	ApprovalLevel int    `json:"approval_level"` // 0 unless an approver (1..3)
	// Departments are those whose reviews a reviewer may sign off (SPEC §5).
	Departments []string `json:"departments"`
	// Disabled users cannot sign in; their sessions and delegations end.
	Disabled     bool   `json:"disabled"`
	Version      int    `json:"version"` // bumped by every change; the ETag
	PasswordHash string `json:"-"`
	// PasswordSetBy is who last set the password: the user, "" for the
	// command line, or an admin, who then counts as involved in what the
	// user approves (they could sign in as them).
	PasswordSetBy string    `json:"-"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
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

// APIToken is a named, long-lived credential of a user for integrations;
// the token itself is shown once, when it is made, and only its SHA-256 kept.
type APIToken struct {
	ID         string     `json:"id"`
	UserID     string     `json:"user_id"`
	Name       string     `json:"name"`
	TokenHash  string     `json:"-"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"` // nil: never
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// UserName is how a user is shown beside their id: answers that name users
// by id carry a map of these, so that nobody reads a bare ULID.
type UserName struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
}

// GrantKind is what a grant of authority changes.
type GrantKind string

// The kinds of grant (SPEC §6, dual control of authority).
const (
	GrantAuthority  GrantKind = "authority"  // roles and approval level of a user
	GrantDelegation GrantKind = "delegation" // a delegation an admin made for an approver
)

// GrantState is where a grant stands.
type GrantState string

// The states of a grant.
const (
	GrantPending   GrantState = "pending"
	GrantConfirmed GrantState = "confirmed"
	GrantWithdrawn GrantState = "withdrawn"
)

// Grant is a change that grows someone's authority: it takes effect only
// when a second admin confirms it.
type Grant struct {
	ID     string     `json:"id"`
	UserID string     `json:"user_id"` // whose authority grows
	Kind   GrantKind  `json:"kind"`
	State  GrantState `json:"state"`
	// Roles and ApprovalLevel are what an authority grant sets the user to.
	Roles         []Role `json:"roles,omitempty"`
	ApprovalLevel int    `json:"approval_level,omitempty"`
	// Delegation is what a delegation grant lends, once confirmed.
	Delegation  *Delegation `json:"delegation,omitempty"`
	RequestedBy string      `json:"requested_by"`
	RequestedAt time.Time   `json:"requested_at"`
	DecidedBy   string      `json:"decided_by,omitempty"` // who confirmed or withdrew it
	DecidedAt   *time.Time  `json:"decided_at,omitempty"`
}

// AuditDetails is what the audit trail records of g.
func (g Grant) AuditDetails() map[string]any {
	d := map[string]any{"grant_id": g.ID, "user_id": g.UserID, "kind": g.Kind}
	if len(g.Roles) > 0 {
		d["roles"] = g.Roles
	}
	if g.ApprovalLevel > 0 {
		d["approval_level"] = g.ApprovalLevel
	}
	if dl := g.Delegation; dl != nil {
		d["delegation"] = map[string]any{"from_user_id": dl.FromUserID, "to_user_id": dl.ToUserID, "from": dl.From, "until": dl.Until}
	}
	return d
}
