package doa

import (
	"strings"
	"testing"
	"time"

	"dossier/internal/dossier"
)

func TestNext(t *testing.T) {
	t.Parallel()
	approved := func(levels ...int) []Approval {
		var done []Approval
		for i, l := range levels {
			done = append(done, Approval{Level: l, ApproverID: string(rune('a' + i))})
		}
		return done
	}
	for _, tc := range []struct {
		name      string
		required  []int
		done      []Approval
		wantLevel int
		wantDone  bool
	}{
		{"no approval needed", nil, nil, 0, true},
		{"first level", []int{1}, nil, 1, false},
		{"single level done", []int{1}, approved(1), 0, true},
		{"three levels, none done", []int{1, 2, 3}, nil, 1, false},
		{"three levels, one done", []int{1, 2, 3}, approved(1), 2, false},
		{"three levels, two done", []int{1, 2, 3}, approved(1, 2), 3, false},
		{"three levels, all done", []int{1, 2, 3}, approved(1, 2, 3), 0, true},
		{"treasury starts at 2", []int{2, 3}, nil, 2, false},
		{"treasury second", []int{2, 3}, approved(2), 3, false},
		{"approval of a level not required is ignored", []int{2}, approved(1), 2, false},
		{"order is by required, not by done", []int{1, 2}, approved(2), 1, false},
	} {
		level, complete := Next(tc.required, tc.done)
		if level != tc.wantLevel || complete != tc.wantDone {
			t.Errorf("%s: Next = %d, %v; want %d, %v", tc.name, level, complete, tc.wantLevel, tc.wantDone)
		}
	}
}

// now is late on 10 March in New York, which is already 11 March in UTC: the
// delegation dates are compared in UTC.
var now = time.Date(2026, 3, 10, 23, 30, 0, 0, time.FixedZone("EST", -5*3600))

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func approver(id string, level int, extra ...dossier.Role) dossier.User {
	return dossier.User{ID: id, Username: id, Roles: append([]dossier.Role{dossier.RoleApprover}, extra...), ApprovalLevel: level}
}

var (
	alice      = approver("alice", 3)
	bob        = approver("bob", 1)
	carol      = approver("carol", 2)
	dave       = dossier.User{ID: "dave", Username: "dave", Roles: []dossier.Role{dossier.RoleReviewer}}
	root       = approver("root", 3, dossier.RoleAdmin)
	adminOnly  = dossier.User{ID: "adm", Username: "adm", Roles: []dossier.Role{dossier.RoleAdmin}, ApprovalLevel: 3}
	exApprover = dossier.User{ID: "ex", Username: "ex", Roles: []dossier.Role{dossier.RoleReviewer}, ApprovalLevel: 3}
)

// lend returns delegations from each delegator to user for a date range.
func lend(to dossier.User, from, until string, delegators ...dossier.User) ([]Delegation, map[string]dossier.User) {
	ds := make([]Delegation, 0, len(delegators))
	m := map[string]dossier.User{}
	for _, d := range delegators {
		ds = append(ds, Delegation{FromUserID: d.ID, ToUserID: to.ID, From: date(from), Until: date(until)})
		m[d.ID] = d
	}
	return ds, m
}

func TestEligible(t *testing.T) {
	t.Parallel()
	march, marchFrom := lend(bob, "2026-03-01", "2026-03-31", alice)
	today, todayFrom := lend(bob, "2026-03-11", "2026-03-11", alice)
	expired, expiredFrom := lend(bob, "2026-03-01", "2026-03-10", alice)
	future, futureFrom := lend(bob, "2026-03-12", "2026-03-31", alice)
	fromCarol, carolFrom := lend(bob, "2026-03-01", "2026-03-31", carol)
	fromEx, exFrom := lend(bob, "2026-03-01", "2026-03-31", exApprover)
	two, twoFrom := lend(bob, "2026-03-01", "2026-03-31", carol, alice)
	// Until carries a time late in the day: still the whole day counts.
	lateUntil := []Delegation{{FromUserID: "alice", ToUserID: "bob", From: date("2026-03-01"), Until: time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)}}
	toSomeoneElse := []Delegation{{FromUserID: "alice", ToUserID: "carol", From: date("2026-03-01"), Until: date("2026-03-31")}}

	for _, tc := range []struct {
		name       string
		c          Candidate
		level      int
		done       []Approval
		wantBehalf string
		wantErr    []string // nil: eligible
	}{
		{"own level suffices", Candidate{User: carol}, 2, nil, "", nil},
		{"higher level may approve a lower one", Candidate{User: alice}, 1, nil, "", nil},
		{"level too low", Candidate{User: bob}, 2, nil, "", []string{"level 2 needs an approver with approval_level 2", "bob has level 1", "no delegation"}},
		{"not an approver", Candidate{User: dave}, 1, nil, "", []string{"dave is not an approver"}},
		{"approval level without the approver role", Candidate{User: exApprover}, 1, nil, "", []string{"ex is not an approver"}},
		{"admin is not an approver by role", Candidate{User: adminOnly}, 1, nil, "", []string{"adm is not an approver"}},
		{"admin and approver is treated like anyone", Candidate{User: root}, 3, []Approval{{Level: 1, ApproverID: "bob"}, {Level: 2, ApproverID: "carol"}}, "", nil},
		{"admin and approver who uploaded is refused", Candidate{User: root, Involved: map[string]string{"root": "uploaded"}}, 1, nil, "", []string{"segregation of duties", "root uploaded this document"}},
		{"admin and approver may not approve twice", Candidate{User: root}, 2, []Approval{{Level: 1, ApproverID: "root"}}, "", []string{"root already approved level 1"}},
		{"uploader", Candidate{User: alice, Involved: map[string]string{"alice": "uploaded"}}, 1, nil, "", []string{"alice uploaded this document"}},
		{"submitter", Candidate{User: alice, Involved: map[string]string{"alice": "submitted"}}, 1, nil, "", []string{"alice submitted this document"}},
		{"reviewer", Candidate{User: alice, Involved: map[string]string{"alice": "reviewed"}}, 1, nil, "", []string{"alice reviewed this document"}},
		{"someone else's involvement does not matter", Candidate{User: alice, Involved: map[string]string{"dave": "reviewed"}}, 3, nil, "", nil},
		{"same user, second level", Candidate{User: alice}, 2, []Approval{{Level: 1, ApproverID: "alice"}}, "", []string{"alice already approved level 1", "at most one level"}},
		{"same user after approving on someone's behalf", Candidate{User: carol}, 2, []Approval{{Level: 1, ApproverID: "carol", OnBehalfOf: "alice"}}, "", []string{"carol already approved level 1 (on behalf of alice)"}},
		{"delegator after a delegate used their authority", Candidate{User: alice}, 2, []Approval{{Level: 1, ApproverID: "bob", OnBehalfOf: "alice"}}, "", []string{"alice already approved level 1 through a delegate (bob)"}},
		{"active delegation", Candidate{User: bob, Delegations: march, Delegators: marchFrom}, 3, nil, "alice", nil},
		{"delegation for today only", Candidate{User: bob, Delegations: today, Delegators: todayFrom}, 2, nil, "alice", nil},
		{"delegation until midnight covers the day", Candidate{User: bob, Delegations: lateUntil, Delegators: marchFrom}, 2, nil, "alice", nil},
		{"own authority before delegation", Candidate{User: bob, Delegations: march, Delegators: marchFrom}, 1, nil, "", nil},
		{"delegation expired", Candidate{User: bob, Delegations: expired, Delegators: expiredFrom}, 2, nil, "", []string{"delegation from alice runs 2026-03-01 to 2026-03-10 and is not active on 2026-03-11"}},
		{"delegation not yet started", Candidate{User: bob, Delegations: future, Delegators: futureFrom}, 2, nil, "", []string{"delegation from alice runs 2026-03-12 to 2026-03-31"}},
		{"delegation to someone else", Candidate{User: bob, Delegations: toSomeoneElse, Delegators: marchFrom}, 2, nil, "", []string{"not made to them"}},
		{"delegator unknown", Candidate{User: bob, Delegations: march}, 2, nil, "", []string{"unknown"}},
		{"delegator's level too low", Candidate{User: bob, Delegations: fromCarol, Delegators: carolFrom}, 3, nil, "", []string{"delegation from carol does not reach level 3", "carol has level 2"}},
		{"delegator no longer an approver", Candidate{User: bob, Delegations: fromEx, Delegators: exFrom}, 2, nil, "", []string{"ex is not an approver"}},
		{"first usable delegation wins", Candidate{User: bob, Delegations: two, Delegators: twoFrom}, 3, nil, "alice", nil},
		{"delegate who uploaded is refused despite delegation", Candidate{User: bob, Involved: map[string]string{"bob": "uploaded"}, Delegations: march, Delegators: marchFrom}, 2, nil, "", []string{"bob uploaded this document"}},
		{"delegate who reviewed is refused despite delegation", Candidate{User: bob, Involved: map[string]string{"bob": "reviewed"}, Delegations: march, Delegators: marchFrom}, 2, nil, "", []string{"bob reviewed this document"}},
		{"delegator who submitted cannot lend", Candidate{User: bob, Involved: map[string]string{"alice": "submitted"}, Delegations: march, Delegators: marchFrom}, 2, nil, "", []string{"delegation from alice cannot be used: alice submitted this document"}},
		{"delegator who approved a level cannot lend another", Candidate{User: bob, Delegations: march, Delegators: marchFrom}, 2, []Approval{{Level: 1, ApproverID: "alice"}}, "", []string{"delegation from alice cannot be used: alice already approved level 1"}},
		{"delegate who approved in person cannot use a delegation", Candidate{User: bob, Delegations: march, Delegators: marchFrom}, 2, []Approval{{Level: 1, ApproverID: "bob"}}, "", []string{"bob already approved level 1"}},
		{"involvement without a name", Candidate{User: alice, Involved: map[string]string{"alice": ""}}, 1, nil, "", []string{"alice took part in this document"}},
		{"level 0", Candidate{User: alice}, 0, nil, "", []string{"level 0 is not a DOA level"}},
		{"level 4", Candidate{User: alice}, 4, nil, "", []string{"level 4 is not a DOA level"}},
		{"anonymous", Candidate{User: dossier.User{Roles: []dossier.Role{dossier.RoleApprover}, ApprovalLevel: 3}}, 1, nil, "", []string{"not identified"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			behalf, err := Eligible(tc.c, tc.level, tc.done, now)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("Eligible refused: %v", err)
				}
				if behalf != tc.wantBehalf {
					t.Errorf("onBehalfOf = %q, want %q", behalf, tc.wantBehalf)
				}
				return
			}
			if err == nil {
				t.Fatalf("Eligible allowed (on behalf of %q), want a refusal", behalf)
			}
			if behalf != "" {
				t.Errorf("onBehalfOf = %q on a refusal, want \"\"", behalf)
			}
			if code := dossier.ErrorCode(err); code != dossier.EUnprocessable {
				t.Errorf("code = %s, want %s", code, dossier.EUnprocessable)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(dossier.ErrorMessage(err), w) {
					t.Errorf("message %q does not contain %q", dossier.ErrorMessage(err), w)
				}
			}
		})
	}
}
