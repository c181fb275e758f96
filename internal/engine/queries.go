package engine

import (
	"context"

	"dossier/internal/dossier"
	"dossier/internal/store"
	"dossier/internal/workflow"
)

// Document returns document id and the events actor can fire on it now,
// read in one transaction. The document comes with what the guards read
// about it and the actor, in one batch: this is every read of a document.
func (e *Engine) Document(ctx context.Context, actor dossier.User, id string) (dossier.Document, []string, error) {
	var d dossier.Document
	var allowed []string
	err := e.store.Read(ctx, func(tx store.Tx) error {
		f, err := tx.DocumentFacts(ctx, id, actor.ID)
		if err != nil {
			return err
		}
		d = f.Document
		allowed, err = e.allowed(ctx, factsTx{Tx: tx, f: f, actor: actor.ID}, actor, d)
		return err
	})
	return d, allowed, err
}

// Allowed returns the events actor can fire on d now. Guards that depend on
// the payload (checklists) are left to the firing; role, state, segregation of
// duties and DOA eligibility are checked here.
func (e *Engine) Allowed(ctx context.Context, actor dossier.User, d dossier.Document) ([]string, error) {
	out := []string{}
	err := e.store.Read(ctx, func(tx store.Tx) (err error) {
		out, err = e.allowed(ctx, tx, actor, d)
		return err
	})
	return out, err
}

func (e *Engine) allowed(ctx context.Context, tx store.Tx, actor dossier.User, d dossier.Document) ([]string, error) {
	out := []string{}
	def, ok := e.defs.Kind(d.Kind)
	if !ok {
		return out, nil
	}
	facts := &docFacts{} // read once for all the events
	now := e.now()
	for _, ev := range def.EventsFrom(d.State) {
		if !mayFire(actor, ev) {
			continue
		}
		g := &guardCheck{e: e, tx: tx, doc: d, def: def, ev: ev, actor: actor, payload: map[string]any{}, now: now, facts: facts}
		ok, err := g.plausible(ctx)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, ev.Name)
		}
	}
	return out, nil
}

// plausible checks the guards that do not depend on the payload.
func (g *guardCheck) plausible(ctx context.Context) (bool, error) {
	for _, guard := range g.ev.Guards {
		switch guard.Name {
		case workflow.GuardChecklist, workflow.GuardPayloadFields, workflow.GuardPresentationCheck:
			continue // the payload, or a comment overriding the findings, may satisfy them
		}
		if err := g.check(ctx, guard); err != nil {
			if dossier.ErrorCode(err) == dossier.EUnprocessable {
				return false, nil
			}
			return false, err
		}
	}
	return true, nil
}

// History returns the fired events of document id, oldest first.
func (e *Engine) History(ctx context.Context, id string) ([]dossier.HistoryEntry, map[string]dossier.UserName, error) {
	var out []dossier.HistoryEntry
	var names map[string]dossier.UserName
	err := e.store.Read(ctx, func(tx store.Tx) (err error) {
		if _, err := tx.Document(ctx, id); err != nil {
			return err
		}
		if out, err = tx.History(ctx, id); err != nil {
			return err
		}
		var ids []string
		for _, h := range out {
			ids = append(ids, h.Actor, h.OnBehalfOf)
		}
		names, err = store.UserNames(ctx, tx, ids...)
		return err
	})
	return out, names, err
}

// inboxBatch is how many candidate documents are read at a time, and
// inboxMax how many documents an inbox shows at most.
const (
	inboxBatch = 500
	inboxMax   = 200
)

// Inbox returns the documents on which actor can fire an event now, newest
// first. Candidates are the documents in states where the actor's roles can
// fire something; each is then checked as Allowed does.
// InboxItem is a document waiting for the actor and what they can do on it.
type InboxItem struct {
	dossier.Document
	AllowedEvents []string `json:"allowed_events"`
}

func (e *Engine) Inbox(ctx context.Context, actor dossier.User) ([]InboxItem, error) {
	var pairs []store.KindState
	for _, k := range e.defs.Kinds() {
		def, _ := e.defs.Kind(k)
		pairs = append(pairs, statesFor(def, actor)...)
	}
	out := []InboxItem{}
	if len(pairs) == 0 {
		return out, nil
	}
	err := e.store.Read(ctx, func(tx store.Tx) error {
		f := store.DocumentFilter{In: pairs, Limit: inboxBatch}
		for len(out) < inboxMax {
			docs, err := tx.ListDocuments(ctx, f)
			if err != nil || len(docs) == 0 {
				return err
			}
			for _, d := range docs {
				events, err := e.allowed(ctx, tx, actor, d)
				if err != nil {
					return err
				}
				if len(events) > 0 && len(out) < inboxMax {
					out = append(out, InboxItem{Document: d, AllowedEvents: events})
				}
			}
			f.Cursor = docs[len(docs)-1].ID
		}
		return nil
	})
	return out, err
}

// statesFor lists the states of def in which actor's roles can fire something.
func statesFor(def *workflow.Definition, actor dossier.User) []store.KindState {
	seen := map[string]bool{}
	var out []store.KindState
	for _, ev := range def.Events {
		if !mayFire(actor, ev) {
			continue
		}
		for _, s := range ev.From {
			if !seen[s] {
				seen[s] = true
				out = append(out, store.KindState{Kind: def.Kind, State: s})
			}
		}
	}
	return out
}
