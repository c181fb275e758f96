package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"dossier/internal/doa"
	"dossier/internal/dossier"
	"dossier/internal/store"
	"dossier/internal/workflow"
)

// approvalState is where a document's current DOA round stands.
type approvalState struct {
	required []int
	done     []doa.Approval
	stored   []dossier.Approval
	next     int
	complete bool
}

func (e *Engine) approvalState(ctx context.Context, tx store.Tx, def *workflow.Definition, d dossier.Document) (approvalState, error) {
	var st approvalState
	// The rates are read only when the amount needs converting: most
	// documents are in the base currency, and every read of one asks.
	var byCurrency map[string]string
	var ratesErr error
	var err error
	st.required, err = e.defs.DOA().Required(def.DOARule(d.Subtype), d.Amount, d.Currency, func(c string) (string, bool) {
		if byCurrency == nil && ratesErr == nil {
			var rates []dossier.FXRate
			if rates, ratesErr = tx.FXRates(ctx); ratesErr != nil {
				return "", false
			}
			byCurrency = map[string]string{}
			for _, r := range rates {
				byCurrency[r.Currency] = r.Rate
			}
		}
		r, ok := byCurrency[c]
		return r, ok
	})
	if ratesErr != nil {
		return st, ratesErr
	}
	if err != nil {
		return st, err
	}
	if st.stored, err = tx.Approvals(ctx, d.ID, d.Round); err != nil {
		return st, err
	}
	for _, a := range st.stored {
		st.done = append(st.done, doa.Approval{Level: a.Level, ApproverID: a.ApproverID, OnBehalfOf: a.OnBehalfOf, At: a.At})
	}
	st.next, st.complete = doa.Next(st.required, st.done)
	return st, nil
}

// candidate gathers what segregation of duties and delegation need to know
// about actor and document d: who is involved (SPEC §6: whoever added a file
// version, and whoever fired an event the definition lists under involved,
// in any round) and the delegations the actor holds.
func (e *Engine) candidate(ctx context.Context, tx store.Tx, def *workflow.Definition, d dossier.Document, actor dossier.User) (doa.Candidate, error) {
	history, err := tx.History(ctx, d.ID)
	if err != nil {
		return doa.Candidate{}, err
	}
	return e.candidateFrom(ctx, tx, def, d, actor, history)
}

// candidateFrom is candidate with the document's history already read.
func (e *Engine) candidateFrom(ctx context.Context, tx store.Tx, def *workflow.Definition, d dossier.Document, actor dossier.User,
	history []dossier.HistoryEntry) (doa.Candidate, error) {
	c := doa.Candidate{User: actor, Involved: map[string]string{}, Delegators: map[string]dossier.User{}}
	var err error
	if c.Sponsors, err = sponsors(ctx, tx, actor); err != nil {
		return c, err
	}
	for _, h := range history {
		if did, ok := def.Involved[h.Event]; ok {
			c.Involved[h.Actor] = did
		}
		if h.Event == workflow.ReviewEntry {
			c.Involved[h.Actor] = "reviewed" // a department sign-off
		}
	}
	files, err := tx.FileVersions(ctx, d.ID)
	if err != nil {
		return c, err
	}
	for _, f := range files {
		c.Involved[f.CreatedBy] = "uploaded"
	}
	c.Involved[d.CreatedBy] = "uploaded"
	delegations, err := tx.DelegationsTo(ctx, actor.ID)
	if err != nil {
		return c, err
	}
	for _, dl := range delegations {
		from, err1 := time.Parse(time.DateOnly, dl.From)
		until, err2 := time.Parse(time.DateOnly, dl.Until)
		if err1 != nil || err2 != nil {
			continue // stored by Delegate, which checks the dates
		}
		if _, ok := c.Delegators[dl.FromUserID]; !ok {
			u, err := tx.UserByID(ctx, dl.FromUserID)
			if err != nil {
				return c, err
			}
			c.Delegators[dl.FromUserID] = u
		}
		requestedBy := ""
		if dl.CreatedBy != dl.FromUserID {
			requestedBy = dl.CreatedBy
		}
		c.Delegations = append(c.Delegations, doa.Delegation{FromUserID: dl.FromUserID, ToUserID: dl.ToUserID, From: from, Until: until,
			RequestedBy: requestedBy})
	}
	return c, nil
}

// sponsors are the users who could act as u: whoever requested a grant of
// u's authority, and an admin who set u's password; each is described as
// "alice requested bob's approval authority and set bob's password".
func sponsors(ctx context.Context, tx store.Tx, u dossier.User) (map[string]string, error) {
	did := map[string][]string{}
	grants, err := tx.Grants(ctx, u.ID, dossier.GrantConfirmed)
	if err != nil {
		return nil, err
	}
	for _, g := range grants {
		if g.Kind == dossier.GrantAuthority && g.RequestedBy != u.ID && len(did[g.RequestedBy]) == 0 {
			did[g.RequestedBy] = append(did[g.RequestedBy], "requested "+u.Username+"'s approval authority")
		}
	}
	if by := u.PasswordSetBy; by != "" && by != u.ID {
		did[by] = append(did[by], "set "+u.Username+"'s password")
	}
	ids := slices.Collect(maps.Keys(did))
	names, err := store.UserNames(ctx, tx, ids...)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for id, what := range did {
		out[id] = names[id].Username + " " + strings.Join(what, " and ")
	}
	return out, nil
}

// Approvals is the DOA panel of a document: GET /documents/{id}/approvals.
type Approvals struct {
	Round     int                `json:"round"`
	Required  []int              `json:"required_levels"`
	Approvals []dossier.Approval `json:"approvals"`
	NextLevel int                `json:"next_level"` // 0 when complete or none required
	Complete  bool               `json:"complete"`
	Eligible  []string           `json:"eligible"` // usernames who may approve the next level now
	Error     string             `json:"error,omitempty"`
	// NoRate is the currency of Error when it is a missing or unusable FX
	// rate, so that a page can point to where it is set; the API's Error
	// already says so.
	NoRate string `json:"-"`
	// Users names the approvers and delegators of Approvals.
	Users map[string]dossier.UserName `json:"users"`
	// Nobody says, when nobody may approve the next level, why each
	// approver may not (SPEC §6), or that no user holds the approver role.
	Nobody []string `json:"nobody_because,omitempty"`
}

// Approvals returns the DOA state of document id.
func (e *Engine) Approvals(ctx context.Context, id string) (Approvals, error) {
	var out Approvals
	err := e.store.Read(ctx, func(tx store.Tx) error {
		d, def, err := e.document(ctx, tx, id)
		if err != nil {
			return err
		}
		out.Round = d.Round
		st, err := e.approvalState(ctx, tx, def, d)
		if err != nil {
			if dossier.ErrorCode(err) == dossier.EUnprocessable {
				out.Error = dossier.ErrorMessage(err) // e.g. a missing FX rate: show it, do not fail the page
				if re := (*doa.RateError)(nil); errors.As(err, &re) {
					out.NoRate = re.Currency
				}
				return nil
			}
			return err
		}
		out.Required, out.Approvals, out.Complete = st.required, st.stored, st.complete
		var ids []string
		for _, a := range st.stored {
			ids = append(ids, a.ApproverID, a.OnBehalfOf)
		}
		if out.Users, err = store.UserNames(ctx, tx, ids...); err != nil {
			return err
		}
		if len(st.required) == 0 || !def.InApproval(d.State) {
			return nil
		}
		out.NextLevel = st.next
		level := st.next
		if st.complete {
			level = st.required[len(st.required)-1] // who may move it on (see the doa guard)
		}
		users, err := tx.ListUsers(ctx)
		if err != nil {
			return err
		}
		now := e.now()
		var why []string
		for _, u := range users {
			if u.Disabled {
				continue
			}
			c, err := e.candidate(ctx, tx, def, d, u)
			if err != nil {
				return err
			}
			_, err = doa.Eligible(c, level, st.done, now)
			switch {
			case err == nil:
				out.Eligible = append(out.Eligible, u.Username)
			case u.HasRole(dossier.RoleApprover):
				why = append(why, dossier.ErrorMessage(err))
			}
		}
		if len(out.Eligible) == 0 {
			out.Nobody = why
			if len(why) == 0 {
				out.Nobody = []string{fmt.Sprintf("no user holds the approver role, and level %d needs one", level)}
			}
		}
		return nil
	})
	if out.Required == nil {
		out.Required = []int{}
	}
	if out.Approvals == nil {
		out.Approvals = []dossier.Approval{}
	}
	if out.Eligible == nil {
		out.Eligible = []string{}
	}
	if out.Users == nil {
		out.Users = map[string]dossier.UserName{}
	}
	return out, err
}
