package doa

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"dossier/internal/dossier"
)

// Approval is one level approved in the current round, in the order given.
type Approval struct {
	Level      int
	ApproverID string // who fired approve
	OnBehalfOf string // the delegator's id; "" unless delegated
	At         time.Time
}

// Delegation lends FromUserID's approval authority to ToUserID from From to
// Until, both days inclusive, compared as dates in UTC.
type Delegation struct {
	FromUserID, ToUserID string
	From, Until          time.Time
	// RequestedBy is the admin who made it for the delegator ("" when the
	// delegator did): they count as involved in what it is used for.
	RequestedBy string
}

// Candidate is a user about to fire approve, with what the engine knows
// about them and this document.
type Candidate struct {
	User dossier.User // who fires approve
	// Involved maps a user id to what they did to this document
	// ("uploaded", "submitted", "reviewed"), for segregation of duties.
	Involved map[string]string
	// Delegations to this user, active or not; Eligible picks the active ones.
	Delegations []Delegation
	// Delegators holds the users named by the Delegations' FromUserID.
	Delegators map[string]dossier.User
	// Sponsors maps the id of each user who could act as User, having
	// requested User's authority or set User's password, to what they did
	// ("alice requested bob's approver role"): they count as involved in
	// what User approves (SPEC §6, dual control).
	Sponsors map[string]string
}

// Next returns the next level to approve: the first required level with no
// approval in this round, or 0 and complete=true when every level has one.
// Levels are approved in order, so an approval of a level the document does
// not (or no longer) require is ignored rather than counted.
func Next(required []int, done []Approval) (level int, complete bool) {
	for _, l := range required {
		if !approvedAt(l, done) {
			return l, false
		}
	}
	return 0, true
}

func approvedAt(level int, done []Approval) bool {
	for _, a := range done {
		if a.Level == level {
			return true
		}
	}
	return false
}

// Eligible decides whether c may approve level now. On success onBehalfOf
// says on whose authority: "" when the user's own approval level suffices,
// else the id of the delegator whose authority is used. A refusal is an
// *dossier.Error with code EUnprocessable (the doa guard fails with 422) whose
// message says which rule refused.
//
// The rules of SPEC §6, applied the same to every role (admin included):
//   - nobody approves a document they uploaded, submitted or reviewed;
//   - one person's authority counts once per document: a user who approved a
//     level, in person or through a delegate, approves no other level, and
//     their authority cannot be lent for another level either; otherwise one
//     manager could sign two levels by handing one to a colleague;
//   - the user needs the approver role with approval_level >= level, or an
//     active delegation from such an approver, to whom the first two rules
//     also apply (SoD binds both the delegate and the delegator).
func Eligible(c Candidate, level int, done []Approval, now time.Time) (onBehalfOf string, err error) {
	u := c.User
	if u.ID == "" {
		return "", refuse("the approver is not identified")
	}
	if level < 1 || level > MaxLevel {
		return "", refuse("level %d is not a DOA level: levels are 1 to %d", level, MaxLevel)
	}
	if what, ok := c.Involved[u.ID]; ok {
		return "", refuse("segregation of duties: %s %s this document and may not approve it", name(u), involvement(what))
	}
	for _, id := range slices.Sorted(maps.Keys(c.Sponsors)) {
		if what, ok := c.Involved[id]; ok {
			return "", refuse("segregation of duties: %s and %s this document, so %s may not approve it", c.Sponsors[id], involvement(what), name(u))
		}
		if used := authorityUsed(id, done); used != "" {
			return "", refuse("segregation of duties: %s and %s, so %s may not approve another level", c.Sponsors[id], used, name(u))
		}
	}
	if used := authorityUsed(u.ID, done); used != "" {
		return "", refuse("segregation of duties: %s %s; one person approves at most one level of a document", name(u), used)
	}
	if CanApprove(u, level) {
		return "", nil
	}
	var reasons []string
	for _, d := range c.Delegations {
		why := delegationRefusal(c, d, level, done, now)
		if why == "" {
			return d.FromUserID, nil
		}
		reasons = append(reasons, why)
	}
	msg := fmt.Sprintf("level %d needs an approver with approval_level %d or higher: %s", level, level, ownAuthority(u))
	if len(reasons) == 0 {
		return "", refuse("%s, and no delegation to them covers it", msg)
	}
	return "", refuse("%s; %s", msg, strings.Join(reasons, "; "))
}

// delegationRefusal returns why d cannot be used for level now, or "".
func delegationRefusal(c Candidate, d Delegation, level int, done []Approval, now time.Time) string {
	if d.ToUserID != c.User.ID || d.FromUserID == c.User.ID {
		return "a delegation not made to them does not count"
	}
	from, ok := c.Delegators[d.FromUserID]
	if !ok {
		from = dossier.User{ID: d.FromUserID}
	}
	label := "the delegation from " + name(from)
	if !activeOn(d, now) {
		return fmt.Sprintf("%s runs %s to %s and is not active on %s", label,
			day(d.From), day(d.Until), day(now))
	}
	if !ok {
		return label + " names a user who is unknown"
	}
	if !CanApprove(from, level) {
		return fmt.Sprintf("%s does not reach level %d: %s", label, level, ownAuthority(from))
	}
	if what, involved := c.Involved[d.RequestedBy]; involved && d.RequestedBy != "" {
		return fmt.Sprintf("%s cannot be used: the admin who made it %s this document", label, involvement(what))
	}
	if what, involved := c.Involved[from.ID]; involved {
		return fmt.Sprintf("%s cannot be used: %s %s this document", label, name(from), involvement(what))
	}
	if used := authorityUsed(from.ID, done); used != "" {
		return fmt.Sprintf("%s cannot be used: %s %s", label, name(from), used)
	}
	return ""
}

// authorityUsed describes how userID's authority was already used in this
// round, or returns "".
func authorityUsed(userID string, done []Approval) string {
	for _, a := range done {
		switch {
		case a.ApproverID == userID && a.OnBehalfOf != "":
			return fmt.Sprintf("already approved level %d (on behalf of %s)", a.Level, a.OnBehalfOf)
		case a.ApproverID == userID:
			return fmt.Sprintf("already approved level %d", a.Level)
		case a.OnBehalfOf == userID:
			return fmt.Sprintf("already approved level %d through a delegate (%s)", a.Level, a.ApproverID)
		}
	}
	return ""
}

// CanApprove is the user's own authority; the level alone is not enough, so
// that a stale level on a user whose approver role was removed grants nothing,
// and a disabled user has none.
func CanApprove(u dossier.User, level int) bool {
	return !u.Disabled && u.HasRole(dossier.RoleApprover) && u.ApprovalLevel >= level
}

// CanDelegate says why from may not lend their authority to to, or nil.
func CanDelegate(from, to dossier.User) error {
	switch {
	case from.ID == to.ID:
		return refuse("a user cannot delegate to themselves")
	case from.Disabled:
		return refuse("%s is disabled and has no authority to delegate", name(from))
	case !CanApprove(from, 1):
		return refuse("%s is not an approver and has no authority to delegate", name(from))
	case to.Disabled:
		return refuse("%s is disabled and cannot receive a delegation", name(to))
	case !to.HasRole(dossier.RoleApprover):
		// Firing approve needs the approver role; a delegation lends a level, not the role.
		return refuse("%s is not an approver: give them the approver role before delegating to them", name(to))
	}
	return nil
}

func ownAuthority(u dossier.User) string {
	if u.Disabled {
		return name(u) + " is disabled"
	}
	if !u.HasRole(dossier.RoleApprover) {
		return name(u) + " is not an approver"
	}
	return fmt.Sprintf("%s has level %d", name(u), u.ApprovalLevel)
}

// activeOn compares calendar days in UTC, so that a delegation "until
// 2026-03-31" covers the whole of that day whatever the time stored with it.
func activeOn(d Delegation, now time.Time) bool {
	today := midnight(now)
	return !today.Before(midnight(d.From)) && !today.After(midnight(d.Until))
}

func midnight(t time.Time) time.Time {
	y, m, dd := t.UTC().Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func name(u dossier.User) string {
	if u.Username != "" {
		return u.Username
	}
	return "user " + u.ID
}

func involvement(what string) string {
	if what == "" {
		return "took part in"
	}
	return what
}

func refuse(format string, args ...any) error {
	return dossier.Errorf(dossier.EUnprocessable, format, args...)
}
