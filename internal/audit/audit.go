// Package audit writes, reads and checks the audit trail through the store:
// every service appends its events with Append inside the transaction of
// the change they record; a Trail lists them and verifies the whole chain.
// The hashing itself is pure and lives in auditchain.
package audit

import (
	"context"
	"fmt"
	"maps"
	"time"

	"dossier/internal/auditchain"
	"dossier/internal/dossier"
	"dossier/internal/store"
)

// Event is what a service says happened; Append turns it into a chained entry.
type Event struct {
	Actor      string
	Action     string
	DocumentID string
	Details    any // encoded as canonical JSON
}

type tokenKey struct{}

// WithToken marks ctx as serving a request made with the API token named
// name: every event appended under it records that name as "token", so an
// integration's actions are told apart from its user's own.
func WithToken(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, tokenKey{}, name)
}

// Append records e in tx at time now.
func Append(ctx context.Context, tx store.AuditTx, now time.Time, e Event) error {
	ev, err := entry(ctx, now, e)
	if err != nil {
		return err
	}
	_, err = tx.AppendAudit(ctx, ev)
	return err
}

// entry makes the stored form of e, before it is chained.
func entry(ctx context.Context, now time.Time, e Event) (dossier.AuditEvent, error) {
	if name, _ := ctx.Value(tokenKey{}).(string); name != "" {
		d := map[string]any{}
		if m, ok := e.Details.(map[string]any); ok {
			maps.Copy(d, m)
		} else if e.Details != nil {
			d["details"] = e.Details
		}
		d["token"] = name
		e.Details = d
	}
	details, err := auditchain.CanonicalJSON(e.Details)
	if err != nil {
		return dossier.AuditEvent{}, fmt.Errorf("audit %s: encode details: %w", e.Action, err)
	}
	return dossier.AuditEvent{
		Time: now, Actor: e.Actor, Action: e.Action, DocumentID: e.DocumentID, Details: details,
	}, nil
}

// Filter selects audit events, in order; zero fields match all.
type Filter = store.AuditFilter

// Trail reads and verifies the audit trail for the API and the command line.
type Trail struct {
	store store.Store
	// Checkpoints writes checkpoints, and says where they are and who signs
	// them; nil leaves checkpoints out.
	Checkpoints *Checkpointer
}

// NewTrail returns the trail kept in s.
func NewTrail(s store.Store) *Trail { return &Trail{store: s} }

// List returns the events that match f. The actor may be given as a user
// id or as a user name, which is what an auditor knows.
func (t *Trail) List(ctx context.Context, f Filter) ([]dossier.AuditEvent, map[string]dossier.UserName, error) {
	var events []dossier.AuditEvent
	var names map[string]dossier.UserName
	err := t.store.Read(ctx, func(tx store.Tx) (err error) {
		if f.Actor != "" {
			if u, err := tx.UserByName(ctx, f.Actor); err == nil {
				f.Actor = u.ID
			}
		}
		if events, err = tx.ListAudit(ctx, f); err != nil {
			return err
		}
		ids := make([]string, len(events))
		for i, e := range events {
			ids[i] = e.Actor
		}
		names, err = store.UserNames(ctx, tx, ids...)
		return err
	})
	return events, names, err
}

// Verify checks every event's hash and every stream's chain and head, and
// the chains against the stored checkpoints as opts say (its Records and
// Key default to the trail's own).
func (t *Trail) Verify(ctx context.Context, opts VerifyOptions) (Result, error) {
	if opts.Records == nil && t.Checkpoints != nil {
		opts.Records = t.Checkpoints.Records
	}
	if opts.Key == nil && t.Checkpoints != nil && t.Checkpoints.Key != nil {
		opts.Key = t.Checkpoints.Key.Public()
	}
	return VerifyWith(ctx, t.store, opts)
}
