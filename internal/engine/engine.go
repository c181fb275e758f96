// Package engine moves documents through their workflows: it checks who may
// fire an event and whether its guards pass, then commits the new state, the
// history entry, any approval, the audit event and the jobs of the event's
// effects in one transaction, conditional on the version it read (SPEC §3a, §5).
package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"dossier/internal/audit"
	"dossier/internal/dossier"
	"dossier/internal/followup"
	"dossier/internal/store"
	"dossier/internal/workflow"
)

// Engine is the workflow service.
type Engine struct {
	// PresentationCheck lists the likely discrepancies of an LC's linked
	// documents for the presentation_check guard (presented on the date
	// given, "" for today); nil passes every presentation.
	PresentationCheck func(ctx context.Context, tx store.Tx, lc dossier.Document, presentedOn string) ([]string, error)

	store store.Store
	defs  *workflow.Set
	now   func() time.Time
}

// New returns an Engine over the definitions and their DOA matrix.
func New(s store.Store, defs *workflow.Set, now func() time.Time) *Engine {
	return &Engine{store: s, defs: defs, now: now}
}

// Definitions returns the workflow definitions in force.
func (e *Engine) Definitions() *workflow.Set { return e.defs }

// Fire is a request to fire one event.
type Fire struct {
	Event   string          `json:"event"`
	Comment string          `json:"comment"`
	Payload json.RawMessage `json:"payload"`
	// IfMatch, when given, is the version the caller saw; another is a 409.
	// A pointer, so that a given 0 (never a version) is not taken for none.
	IfMatch *int `json:"-"`
	// scheduled: the scheduler fires it (FireScheduled), which alone may
	// fire an event for the system role.
	scheduled bool
}

// Fire fires an event on document id for actor. It returns the document as
// the event left it and the events actor may fire next, both read in the
// transaction of the change.
func (e *Engine) Fire(ctx context.Context, actor dossier.User, id string, f Fire) (dossier.Document, []string, error) {
	payload, err := decodePayload(f.Payload)
	if err != nil {
		return dossier.Document{}, nil, err
	}
	if err := dossier.CheckComment("comment", f.Comment); err != nil {
		return dossier.Document{}, nil, err
	}
	var d dossier.Document
	var allowed []string
	err = e.store.Write(ctx, func(tx store.Tx) (err error) {
		if d, err = tx.Document(ctx, id); err != nil {
			return err
		}
		if f.IfMatch != nil && *f.IfMatch != d.Version {
			return dossier.Errorf(dossier.EConflict, "document %s is at version %d, not %d: reload it and decide again", id, d.Version, *f.IfMatch)
		}
		if d, err = e.fire(ctx, tx, actor, d, f, payload); err != nil {
			return err
		}
		allowed, err = e.allowed(ctx, tx, actor, d)
		return err
	})
	return d, allowed, err
}

func (e *Engine) fire(ctx context.Context, tx store.Tx, actor dossier.User, d dossier.Document, f Fire, payload map[string]any) (dossier.Document, error) {
	def, ev, err := e.event(d, f.Event)
	if err != nil {
		return d, err
	}
	if !mayFire(actor, ev) && !(f.scheduled && slices.Contains(ev.Roles, workflow.SystemRole)) {
		return d, dossier.Errorf(dossier.EForbidden, "%s needs one of the roles %v; you have %v", ev.Name, ev.Roles, actor.Roles)
	}
	if !def.Machine(d.State).Can(ev.Name) {
		return d, dossier.Errorf(dossier.EConflict, "%s cannot be fired in state %s: it applies in %v", ev.Name, d.State, ev.From)
	}
	if err := checkPayload(ev, f.Payload); err != nil {
		return d, err
	}
	now := e.now().UTC().Truncate(time.Microsecond)
	g := &guardCheck{e: e, tx: tx, doc: d, def: def, ev: ev, actor: actor, payload: payload, now: now, comment: f.Comment}
	for _, guard := range ev.Guards {
		if err := g.check(ctx, guard); err != nil {
			return d, e.staleOr(ctx, tx, d, err)
		}
	}
	if ev.CommentRequired && strings.TrimSpace(f.Comment) == "" {
		return d, dossier.Errorf(dossier.EUnprocessable, "comment is required for %s: say why, so that the next person knows what to do", ev.Name)
	}
	if def.IsImmutable(ev.To) {
		if err := approvedBytes(ctx, tx, d); err != nil {
			return d, err
		}
	}
	from, to := d.State, ev.To
	if g.approval != nil && !g.lastLevel {
		to = from // more levels to go: the document waits in the same state
	}
	prev := d.Version
	d.State, d.Version, d.UpdatedAt = to, d.Version+1, now
	if def.StartsRound(ev, from, to) {
		d.Round++ // earlier sign-offs and approvals no longer count
	}
	if def.IsImmutable(to) && from != to {
		d.ArchivedAt = &now
	}
	if err := tx.UpdateDocument(ctx, d, prev); err != nil {
		return d, err
	}
	h := dossier.HistoryEntry{DocumentID: d.ID, Event: ev.Name, From: from, To: to, Actor: actor.ID,
		Comment: f.Comment, Payload: f.Payload, Version: d.Version, At: now, SHA256: d.File.SHA256}
	details := map[string]any{"event": ev.Name, "from": from, "to": to, "version": d.Version, "comment": f.Comment}
	if len(g.overridden) > 0 {
		details["overridden_findings"] = g.overridden
	}
	if a := g.approval; a != nil {
		a.Round, a.At, a.SHA256 = d.Round, now, d.File.SHA256
		if err := tx.AddApproval(ctx, *a); err != nil {
			return d, err
		}
		h.OnBehalfOf = a.OnBehalfOf
		details["level"], details["on_behalf_of"] = a.Level, a.OnBehalfOf
	}
	if err := tx.AddHistory(ctx, h); err != nil {
		return d, err
	}
	if err := audit.Append(ctx, tx, now, audit.Event{Actor: actor.ID, Action: "document.event", DocumentID: d.ID, Details: details}); err != nil {
		return d, err
	}
	return d, followup.Queue(ctx, tx, now, followup.Change{What: followup.Transition, Document: d, Effects: ev.Effects, Moved: to != from})
}

// approvedBytes refuses to archive a document whose current file is not the
// one its approvers approved (SPEC §6: what was approved is what is
// archived). A new file version after approval is already refused; this is
// the last line, for data from before that rule.
func approvedBytes(ctx context.Context, tx store.Tx, d dossier.Document) error {
	approvals, err := tx.Approvals(ctx, d.ID, d.Round)
	if err != nil {
		return err
	}
	for _, a := range approvals {
		if a.SHA256 != "" && a.SHA256 != d.File.SHA256 {
			return dossier.Errorf(dossier.EUnprocessable,
				"level %d approved the file with sha256 %s, but the document's file (version %d) is %s: return it and have it approved again",
				a.Level, a.SHA256, d.File.Version, d.File.SHA256)
		}
	}
	return nil
}

// staleOr returns a conflict instead of err when the document changed since
// it was read: the guards may have seen another transaction's newer data,
// and the caller should reload rather than read a guard failure.
func (e *Engine) staleOr(ctx context.Context, tx store.Tx, d dossier.Document, err error) error {
	if dossier.ErrorCode(err) != dossier.EUnprocessable {
		return err
	}
	if cur, rerr := tx.Document(ctx, d.ID); rerr == nil && cur.Version != d.Version {
		return dossier.Errorf(dossier.EConflict, "document %s changed while this event was checked: reload it and decide again", d.ID)
	}
	return err
}

// document reads document id and its kind's definition.
func (e *Engine) document(ctx context.Context, tx store.DocumentTx, id string) (dossier.Document, *workflow.Definition, error) {
	d, err := tx.Document(ctx, id)
	if err != nil {
		return d, nil, err
	}
	def, err := e.defs.Lookup(d.Kind)
	return d, def, err
}

// event finds the definition and the event of a document's kind.
func (e *Engine) event(d dossier.Document, name string) (*workflow.Definition, workflow.Event, error) {
	def, ok := e.defs.Kind(d.Kind)
	if !ok {
		return nil, workflow.Event{}, fmt.Errorf("no workflow for kind %s", d.Kind)
	}
	ev, ok := def.Event(name)
	if !ok {
		var names []string
		for _, ev := range def.Events {
			names = append(names, ev.Name)
		}
		return def, ev, dossier.Errorf(dossier.EUnprocessable, "event %s does not exist for a %s: use one of %v", dossier.Clip(name), d.Kind, names)
	}
	return def, ev, nil
}

// mayFire reports whether actor holds one of the event's roles. The
// pseudo-role "system" (the scheduler) is held by no user.
func mayFire(actor dossier.User, ev workflow.Event) bool {
	for _, r := range ev.Roles {
		if r != workflow.SystemRole && actor.HasRole(dossier.Role(r)) {
			return true
		}
	}
	return false
}

// Scheduler is the actor the history and the audit trail name for the
// events the scheduler fires. Only FireScheduled fires for the system role,
// whoever the actor claims to be.
var Scheduler = dossier.User{ID: workflow.SystemRole, Username: workflow.SystemRole}

// FireScheduled fires on document id the event its definition has the
// scheduler fire (scheduled), as the Scheduler.
func (e *Engine) FireScheduled(ctx context.Context, id, event string) (dossier.Document, error) {
	d, _, err := e.Fire(ctx, Scheduler, id, Fire{Event: event, Comment: "fired by the scheduler", scheduled: true})
	return d, err
}

// checkPayload refuses payload members the event does not declare and
// declared ones of the wrong type, as metadata fields are checked: a
// presentation_date of 2026-02-30 or discrepancies given as one string must
// never reach the history. Checklist items are left to their guard, where
// only true counts.
func checkPayload(ev workflow.Event, raw json.RawMessage) error {
	var members map[string]json.RawMessage
	if len(raw) == 0 || string(raw) == "null" || json.Unmarshal(raw, &members) != nil {
		return nil // decodePayload has refused what is not an object
	}
	checklist, _ := ev.Guard(workflow.GuardChecklist)
	for _, name := range slices.Sorted(maps.Keys(members)) {
		t, declared := ev.Payload[name]
		switch {
		case slices.Contains(checklist.Args, name):
		case !declared:
			allowed := ev.PayloadMembers()
			if len(allowed) == 0 {
				return dossier.Errorf(dossier.EUnprocessable, "payload member %s: %s takes no payload", dossier.Clip(name), ev.Name)
			}
			return dossier.Errorf(dossier.EUnprocessable, "payload member %s is not one of %s's: %s", dossier.Clip(name), ev.Name, strings.Join(allowed, ", "))
		case string(members[name]) == "null" || string(members[name]) == `""`:
			// unset: the payload_fields guard says whether it was needed
		default:
			if err := dossier.CheckFieldValue(t, members[name]); err != nil {
				return dossier.Errorf(dossier.EUnprocessable, "payload.%s %s", name, err)
			}
		}
	}
	return nil
}

func decodePayload(raw json.RawMessage) (map[string]any, error) {
	payload := map[string]any{}
	if len(raw) == 0 || string(raw) == "null" {
		return payload, nil
	}
	if err := json.Unmarshal(raw, &payload); err != nil {
		return nil, dossier.Errorf(dossier.EInvalid, "payload must be a JSON object: %v", err)
	}
	return payload, nil
}

// jsonPayload encodes a small payload for a history entry.
func jsonPayload(v any) (json.RawMessage, error) { return json.Marshal(v) }
