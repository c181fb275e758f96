package ui

import (
	"slices"
	"strings"

	"dossier/internal/dossier"
)

// Under reports whether the page is path or below it, for the navigation.
func (v *view) Under(path string) bool {
	return v.Path == path || strings.HasPrefix(v.Path, path+"/")
}

// people is every user by id: the admin pages name users, not ids, and
// say who may confirm a grant.
type people map[string]dossier.User

func peopleOf(users []dossier.User) people {
	p := make(people, len(users))
	for _, u := range users {
		p[u.ID] = u
	}
	return p
}

// Name is the user's display name, else username, else the id itself.
func (p people) Name(id string) string {
	u, ok := p[id]
	switch {
	case !ok:
		return id
	case u.DisplayName != "":
		return u.DisplayName + " (" + u.Username + ")"
	}
	return u.Username
}

// delegates lists the users from may delegate to: enabled approvers other
// than from, by username (the service checks it again).
func (p people) delegates(from string) []dossier.User {
	var out []dossier.User
	for _, u := range p {
		if u.ID != from && !u.Disabled && u.HasRole(dossier.RoleApprover) {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b dossier.User) int { return strings.Compare(a.Username, b.Username) })
	return out
}

// grantView is a grant with the names the page shows: who asked, and who
// may confirm it (SPEC §6: another enabled admin, neither the requester
// nor the grantee).
type grantView struct {
	dossier.Grant
	Grantee    string
	Delegator  string // whose authority a delegation lends
	Requester  string
	Confirmers []string
	// CanConfirm: the user looking at the page is one of the confirmers.
	CanConfirm bool
}

func (p people) grant(g dossier.Grant, viewer dossier.User) grantView {
	v := grantView{Grant: g, Grantee: p.Name(g.UserID), Requester: p.Name(g.RequestedBy)}
	if g.Delegation != nil {
		v.Delegator = p.Name(g.Delegation.FromUserID)
	}
	for _, u := range p {
		if u.HasRole(dossier.RoleAdmin) && !u.Disabled && u.ID != g.RequestedBy && u.ID != g.UserID {
			v.Confirmers = append(v.Confirmers, p.Name(u.ID))
			v.CanConfirm = v.CanConfirm || u.ID == viewer.ID
		}
	}
	slices.Sort(v.Confirmers)
	return v
}

func (p people) grants(gs []dossier.Grant, viewer dossier.User) []grantView {
	out := make([]grantView, len(gs))
	for i, g := range gs {
		out[i] = p.grant(g, viewer)
	}
	return out
}

// userForm is what the create and change forms send, shown again with the
// service's problem next to its field.
type userForm struct {
	Username    string
	DisplayName string
	Roles       []string
	Level       int
	Disabled    bool
	Errors      formErrors
}

var userFields = []string{"username", "password", "display_name", "roles", "approval_level", "disabled"}

func readUserForm(form func(string) string, values map[string][]string) userForm {
	f := userForm{Username: strings.TrimSpace(form("username")), DisplayName: form("display_name"),
		Roles: values["roles"], Disabled: form("disabled") == "true", Errors: formErrors{}}
	switch lvl := form("approval_level"); lvl {
	case "", "0":
	case "1", "2", "3":
		f.Level = int(lvl[0] - '0')
	default:
		f.Errors["approval_level"] = "approval_level: use 1, 2 or 3"
	}
	return f
}

func (f userForm) roles() []dossier.Role {
	out := make([]dossier.Role, len(f.Roles))
	for i, r := range f.Roles {
		out[i] = dossier.Role(r)
	}
	return out
}

func formOfUser(u dossier.User) userForm {
	f := userForm{Username: u.Username, DisplayName: u.DisplayName, Level: u.ApprovalLevel, Disabled: u.Disabled, Errors: formErrors{}}
	for _, r := range u.Roles {
		f.Roles = append(f.Roles, string(r))
	}
	return f
}
