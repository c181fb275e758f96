package engine

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"dossier/internal/auditlog"
	"dossier/internal/doa"
	"dossier/internal/dossier"
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
	if r.Decision != "approve" && r.Decision != "reject" {
		return dossier.Review{}, dossier.Errorf(dossier.EUnprocessable, "decision %q: use approve or reject", r.Decision)
	}
	var rev dossier.Review
	err := e.store.Write(ctx, func(tx store.Tx) error {
		d, err := tx.Document(ctx, id)
		if err != nil {
			return err
		}
		def, ok := e.defs.Kind(d.Kind)
		if !ok || len(def.Departments) == 0 {
			return dossier.Errorf(dossier.EUnprocessable, "a %s has no department reviews", d.Kind)
		}
		if !slices.Contains(def.Departments, r.Department) {
			return dossier.Errorf(dossier.EUnprocessable, "department %q: use one of %s", r.Department, strings.Join(def.Departments, ", "))
		}
		if d.State != stateDepartmentReview {
			return dossier.Errorf(dossier.EConflict, "document %s is %s, not in department review", id, d.State)
		}
		now := e.now().UTC().Truncate(time.Microsecond)
		rev = dossier.Review{DocumentID: id, Round: d.Round, Department: r.Department, Decision: r.Decision,
			Comment: r.Comment, ReviewerID: actor.ID, At: now}
		// A review changes the document: bumping its version makes a
		// complete_review that read it before this review lose with 409.
		prev := d.Version
		d.Version, d.UpdatedAt = d.Version+1, now
		if err := tx.UpdateDocument(ctx, d, prev); err != nil {
			return err
		}
		if err := tx.AddReview(ctx, rev); err != nil {
			return err
		}
		payload, _ := jsonPayload(map[string]any{"department": r.Department, "decision": r.Decision})
		if err := tx.AddHistory(ctx, dossier.HistoryEntry{DocumentID: id, Event: "review", From: d.State, To: d.State,
			Actor: actor.ID, Comment: r.Comment, Payload: payload, Version: d.Version, At: now}); err != nil {
			return err
		}
		return auditlog.Append(ctx, tx, now, auditlog.Event{Actor: actor.ID, Action: "document.review", DocumentID: id,
			Details: map[string]any{"department": r.Department, "decision": r.Decision, "comment": r.Comment}})
	})
	return rev, err
}

// SetFXRate sets the rate of currency to the DOA base currency.
func (e *Engine) SetFXRate(ctx context.Context, actor string, currency, rate string) (dossier.FXRate, error) {
	currency = strings.ToUpper(strings.TrimSpace(currency))
	if !dossier.IsCurrency(currency) {
		return dossier.FXRate{}, dossier.Errorf(dossier.EUnprocessable, "currency %q is not an ISO 4217 code", currency)
	}
	if err := doa.ValidRate(rate); err != nil {
		return dossier.FXRate{}, err
	}
	r := dossier.FXRate{Currency: currency, Rate: rate, UpdatedBy: actor, UpdatedAt: e.now().UTC().Truncate(time.Microsecond)}
	err := e.store.Write(ctx, func(tx store.Tx) error {
		if err := tx.SetFXRate(ctx, r); err != nil {
			return err
		}
		return auditlog.Append(ctx, tx, r.UpdatedAt, auditlog.Event{Actor: actor, Action: "fx.set",
			Details: map[string]any{"currency": currency, "rate_to_base": rate}})
	})
	return r, err
}

// FXRates lists the rates in force.
func (e *Engine) FXRates(ctx context.Context) ([]dossier.FXRate, error) {
	var out []dossier.FXRate
	err := e.store.Read(ctx, func(tx store.Tx) (err error) {
		out, err = tx.FXRates(ctx)
		return err
	})
	return out, err
}

// DelegationRequest lends fromUser's authority to another user.
type DelegationRequest struct {
	ToUserID string `json:"to_user_id"`
	From     string `json:"from"`
	Until    string `json:"until"`
}

// Delegate records a delegation from approver fromUserID; only that approver or an admin may.
func (e *Engine) Delegate(ctx context.Context, actor dossier.User, fromUserID string, r DelegationRequest) (dossier.Delegation, error) {
	if actor.ID != fromUserID && !actor.HasRole(dossier.RoleAdmin) {
		return dossier.Delegation{}, dossier.Errorf(dossier.EForbidden, "only the approver or an admin may delegate this authority")
	}
	from, err1 := time.Parse(time.DateOnly, r.From)
	until, err2 := time.Parse(time.DateOnly, r.Until)
	switch {
	case err1 != nil || err2 != nil:
		return dossier.Delegation{}, dossier.Errorf(dossier.EUnprocessable, "from and until must be dates like 2026-12-01")
	case until.Before(from):
		return dossier.Delegation{}, dossier.Errorf(dossier.EUnprocessable, "until %s is before from %s", r.Until, r.From)
	case r.ToUserID == fromUserID:
		return dossier.Delegation{}, dossier.Errorf(dossier.EUnprocessable, "a user cannot delegate to themselves")
	}
	dl := dossier.Delegation{ID: ulid.Make().String(), FromUserID: fromUserID, ToUserID: r.ToUserID, From: r.From, Until: r.Until,
		CreatedBy: actor.ID, CreatedAt: e.now().UTC().Truncate(time.Microsecond)}
	err := e.store.Write(ctx, func(tx store.Tx) error {
		delegator, err := tx.UserByID(ctx, fromUserID)
		if err != nil {
			return err
		}
		if !delegator.HasRole(dossier.RoleApprover) || delegator.ApprovalLevel == 0 {
			return dossier.Errorf(dossier.EUnprocessable, "%s is not an approver and has no authority to delegate", delegator.Username)
		}
		delegate, err := tx.UserByID(ctx, r.ToUserID)
		if err != nil {
			return dossier.Errorf(dossier.EUnprocessable, "to_user_id %q is not a user", r.ToUserID)
		}
		// Firing approve needs the approver role; a delegation lends a level, not the role.
		if !delegate.HasRole(dossier.RoleApprover) {
			return dossier.Errorf(dossier.EUnprocessable, "%s is not an approver: give them the approver role before delegating to them", delegate.Username)
		}
		if err := tx.AddDelegation(ctx, dl); err != nil {
			return err
		}
		return auditlog.Append(ctx, tx, dl.CreatedAt, auditlog.Event{Actor: actor.ID, Action: "delegation.create",
			Details: map[string]any{"from_user_id": fromUserID, "to_user_id": r.ToUserID, "from": r.From, "until": r.Until}})
	})
	return dl, err
}

// LegalHold sets or clears the legal hold of a document; it works on
// archived documents too, since holding them is its purpose.
func (e *Engine) LegalHold(ctx context.Context, actor dossier.User, id string, on bool, reason string) (dossier.Document, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return dossier.Document{}, dossier.Errorf(dossier.EUnprocessable, "reason: say why the hold is set or cleared")
	}
	var d dossier.Document
	err := e.store.Write(ctx, func(tx store.Tx) (err error) {
		if d, err = tx.Document(ctx, id); err != nil {
			return err
		}
		prev := d.Version
		d.LegalHold, d.Version, d.UpdatedAt = on, d.Version+1, e.now().UTC().Truncate(time.Microsecond)
		if err := tx.UpdateDocument(ctx, d, prev); err != nil {
			return err
		}
		if err := auditlog.Append(ctx, tx, d.UpdatedAt, auditlog.Event{Actor: actor.ID, Action: "document.legal_hold", DocumentID: id,
			Details: map[string]any{"on": on, "reason": reason}}); err != nil {
			return err
		}
		payload, _ := json.Marshal(map[string]any{"document_id": id})
		return tx.Enqueue(ctx, store.Job{Kind: workflow.EffectRetain, Payload: payload, RunAt: e.now()})
	})
	return d, err
}
