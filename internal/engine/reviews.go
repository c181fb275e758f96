package engine

import (
	"context"
	"slices"
	"strings"
	"time"

	"dossier/internal/audit"
	"dossier/internal/dossier"
	"dossier/internal/followup"
	"dossier/internal/store"
	"dossier/internal/workflow"
)

// ReviewRequest is one department's sign-off.
type ReviewRequest struct {
	Department string `json:"department"`
	Decision   string `json:"decision"`
	Comment    string `json:"comment"`
}

// Review records a department review of a document in department review.
func (e *Engine) Review(ctx context.Context, actor dossier.User, id string, r ReviewRequest) (dossier.Review, error) {
	if r.Decision != workflow.DecisionApprove && r.Decision != workflow.DecisionReject {
		return dossier.Review{}, dossier.Errorf(dossier.EUnprocessable, "decision %s: use %s or %s", dossier.Clip(r.Decision), workflow.DecisionApprove, workflow.DecisionReject)
	}
	if err := dossier.CheckComment("comment", r.Comment); err != nil {
		return dossier.Review{}, err
	}
	if r.Decision == workflow.DecisionReject && strings.TrimSpace(r.Comment) == "" {
		return dossier.Review{}, dossier.Errorf(dossier.EUnprocessable, "comment is required when a department rejects: say what must change")
	}
	var rev dossier.Review
	err := e.store.Write(ctx, func(tx store.Tx) error {
		d, def, err := e.document(ctx, tx, id)
		if err != nil {
			return err
		}
		if len(def.Departments()) == 0 {
			return dossier.Errorf(dossier.EUnprocessable, "a %s has no department reviews", d.Kind)
		}
		if !slices.Contains(def.Departments(), r.Department) {
			return dossier.Errorf(dossier.EUnprocessable, "department %q: use one of %s", r.Department, strings.Join(def.Departments(), ", "))
		}
		if err := memberOf(ctx, tx, actor, r.Department); err != nil {
			return err
		}
		if !def.InReview(d.State) {
			return dossier.Errorf(dossier.EConflict, "document %s is %s, not in department review (%s)", id, d.State, def.Reviews.State)
		}
		now := e.now().UTC().Truncate(time.Microsecond)
		rev = dossier.Review{DocumentID: id, Round: d.Round, Department: r.Department, Decision: r.Decision, SHA256: d.File.SHA256,
			Comment: r.Comment, ReviewerID: actor.ID, At: now}
		// A review changes the document: bumping its version makes a
		// complete_review that read it before this review lose with 409.
		prev := d.Version
		d.Version, d.UpdatedAt = d.Version+1, now
		if err := tx.UpdateDocument(ctx, d, prev); err != nil {
			return err
		}
		if rev.ID, err = tx.AddReview(ctx, rev); err != nil {
			return err
		}
		payload, _ := jsonPayload(map[string]any{"department": r.Department, "decision": r.Decision})
		if err := tx.AddHistory(ctx, dossier.HistoryEntry{DocumentID: id, Event: workflow.ReviewEntry, From: d.State, To: d.State, SHA256: d.File.SHA256,
			Actor: actor.ID, Comment: r.Comment, Payload: payload, Version: d.Version, At: now}); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, now, audit.Event{Actor: actor.ID, Action: "document.review", DocumentID: id,
			Details: map[string]any{"department": r.Department, "decision": r.Decision, "comment": r.Comment}}); err != nil {
			return err
		}
		return followup.Queue(ctx, tx, now, followup.Change{What: followup.Review, Document: d})
	})
	return rev, err
}

// Reviews is a document's department sign-offs in its current round.
type Reviews struct {
	Round       int              `json:"round"`
	Departments []string         `json:"departments"` // those that must sign off; empty for kinds without reviews
	Items       []dossier.Review `json:"items"`
	// Users names the reviewers of Items.
	Users map[string]dossier.UserName `json:"users"`
}

// Reviews returns the sign-offs of document id's current round.
func (e *Engine) Reviews(ctx context.Context, id string) (Reviews, error) {
	var out Reviews
	err := e.store.Read(ctx, func(tx store.Tx) error {
		d, def, err := e.document(ctx, tx, id)
		if err != nil {
			return err
		}
		out.Round, out.Departments = d.Round, slices.Clone(def.Departments())
		if out.Items, err = tx.Reviews(ctx, id, d.Round); err != nil {
			return err
		}
		var ids []string
		for _, r := range out.Items {
			ids = append(ids, r.ReviewerID)
		}
		out.Users, err = store.UserNames(ctx, tx, ids...)
		return err
	})
	if out.Departments == nil {
		out.Departments = []string{}
	}
	return out, err
}

// memberOf refuses a sign-off for a department the reviewer does not belong
// to. Until anyone is made a member of a department, any reviewer may sign
// it off, so that an install without departments keeps working; once it has
// members, only they may.
func memberOf(ctx context.Context, tx store.Tx, actor dossier.User, department string) error {
	if slices.Contains(actor.Departments, department) {
		return nil
	}
	if len(actor.Departments) > 0 {
		return dossier.Errorf(dossier.EForbidden, "%s reviews for %s, not %s: a department signs off its own review",
			actor.Username, strings.Join(actor.Departments, ", "), department)
	}
	users, err := tx.ListUsers(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if slices.Contains(u.Departments, department) && !u.Disabled {
			return dossier.Errorf(dossier.EForbidden, "the %s review is signed off by its members (such as %s); %s belongs to no department",
				department, u.Username, actor.Username)
		}
	}
	return nil
}
