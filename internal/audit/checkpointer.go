package audit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"dossier/internal/blob"
	"dossier/internal/dossier"
	"dossier/internal/signing"
	"dossier/internal/store"
)

// Checkpointer writes checkpoints of the trail in store to records.
type Checkpointer struct {
	Store   store.Store
	Records blob.Records
	Key     *signing.Key
	Now     func() time.Time
	// RetainYears is how long each checkpoint is kept under COMPLIANCE
	// retention (on S3; the filesystem store never deletes a record).
	RetainYears int
	// FullEvery is how often a checkpoint lists every stream rather than
	// those that moved since the one before (0: DefaultFullEvery).
	FullEvery int
}

// DefaultFullEvery: a full checkpoint after 23 partial ones. A chain per
// document makes a full list large (about 110 bytes a document), so most
// checkpoints list only the streams that moved; a full one now and then
// bounds what a writer, or a verifier of the latest, must read back.
const DefaultFullEvery = 24

// Written is a checkpoint as it was stored.
type Written struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Checkpoint
}

// errUnchanged rolls back a scheduled checkpoint that would repeat the last.
var errUnchanged = errors.New("no chain moved since the last checkpoint")

// Write writes a checkpoint of the chains' heads (all of them in a full
// one, those that moved in a partial one), and the audit event that
// announces it, as actor ("" for the schedule). Unless always, nothing is
// written when no chain moved since the last checkpoint; ok says whether
// one was.
//
// Everything happens in one transaction: the event is appended first, which
// locks its stream's head, so two writers queue up and each links to the
// one before it; the record is written before the commit, so an event
// always names a checkpoint that exists, and a failed write leaves no event.
// The checkpoint pins the event before its own in the checkpoint stream,
// never its own, which nobody can see until the commit.
//
// A writer that waited for another may find its time already passed; it
// tries again with a new time, a few times, before it answers a conflict.
func (c *Checkpointer) Write(ctx context.Context, actor string, always bool) (w Written, ok bool, err error) {
	for range 4 {
		w, ok, err = c.write(ctx, actor, always)
		if dossier.ErrorCode(err) != dossier.EConflict {
			break
		}
	}
	return w, ok, err
}

func (c *Checkpointer) write(ctx context.Context, actor string, always bool) (w Written, ok bool, err error) {
	err = c.Store.Write(ctx, func(tx store.Tx) error {
		heads, err := dbHeads(ctx, tx)
		if err != nil {
			return err
		}
		tl, err := c.readTail(ctx)
		if err != nil {
			return err
		}
		if !always && tl.whole && len(moved(tl.state, heads, true)) == 0 {
			return errUnchanged
		}
		prev := tl.last
		now := c.Now().UTC().Truncate(time.Microsecond)
		if prev != nil && !now.After(prev.cp.Time) {
			now = prev.cp.Time.Add(time.Microsecond) // names must sort in writing order
		}
		name := CheckpointName(now)
		e, err := entry(ctx, now, Event{Actor: actor, Action: CheckpointAction, Details: map[string]any{"name": name}})
		if err != nil {
			return err
		}
		e.Stream = CheckpointStream
		if e, err = tx.AppendAudit(ctx, e); err != nil {
			return err
		}
		// Read again under the lock: a writer that went before may have
		// moved the heads and written the checkpoint this one follows.
		if heads, err = dbHeads(ctx, tx); err != nil {
			return err
		}
		if tl, err = c.readTail(ctx); err != nil {
			return err
		}
		prev = tl.last
		delete(heads, CheckpointStream)
		if e.StreamSeq > 1 {
			heads[CheckpointStream] = Head{Stream: CheckpointStream, Seq: e.StreamSeq - 1, Hash: e.PrevHash}
		}
		full := !tl.whole || tl.partial+1 >= cmp.Or(c.FullEvery, DefaultFullEvery)
		if !full {
			heads = moved(tl.state, heads, false)
		}
		w = Written{Name: name, Checkpoint: Checkpoint{Version: CheckpointVersion, Time: now, Full: full, Heads: headsOf(heads)}}
		if prev != nil {
			w.Previous = &Link{Name: prev.name, SHA256: prev.sha}
			if w.Time.Compare(prev.cp.Time) <= 0 || name <= prev.name {
				return dossier.Errorf(dossier.EConflict, "another checkpoint (%s) was written at the same moment; try again", prev.name)
			}
		}
		data, err := w.Seal(c.Key)
		if err != nil {
			return err
		}
		w.SHA256 = sha256Hex(data)
		err = c.Records.PutRecord(ctx, name, data, now.AddDate(c.RetainYears, 0, 0))
		if errors.Is(err, blob.ErrExists) {
			return dossier.Errorf(dossier.EConflict, "checkpoint %s already exists; try again", name)
		}
		return err
	})
	switch {
	case errors.Is(err, errUnchanged):
		return Written{}, false, nil
	case err != nil:
		return Written{}, false, fmt.Errorf("audit checkpoint: %w", err)
	}
	return w, true, nil
}

// Job is the handler of the periodic audit_checkpoint job.
func (c *Checkpointer) Job(ctx context.Context, _ []byte) error {
	_, _, err := c.Write(ctx, "", false)
	return err
}

// dbHeads reads every stream's recorded head.
func dbHeads(ctx context.Context, tx store.AuditTx) (map[string]Head, error) {
	m, err := tx.AuditHeads(ctx)
	if err != nil {
		return nil, err
	}
	heads := make(map[string]Head, len(m))
	for stream, h := range m {
		heads[stream] = Head{Stream: stream, Seq: h.StreamSeq, Hash: h.Hash}
	}
	return heads, nil
}

// moved returns the heads of db that differ from state, the checkpoint
// stream left out when asked (its own events alone call for no checkpoint).
func moved(state, db map[string]Head, leaveOutCheckpoints bool) map[string]Head {
	out := map[string]Head{}
	for stream, h := range db {
		if leaveOutCheckpoints && stream == CheckpointStream {
			continue
		}
		if state[stream] != h {
			out[stream] = h
		}
	}
	return out
}

// stored is one checkpoint read back from the records.
type stored struct {
	name string
	sha  string
	raw  []byte
	cp   Checkpoint
	err  error // why it cannot be read as a checkpoint
}

// tail is what the checkpoints since the last full one say.
type tail struct {
	last    *stored         // the newest checkpoint; nil when none
	state   map[string]Head // every stream's head as they record it
	partial int             // checkpoints after the full one
	whole   bool            // false: no readable full checkpoint to start from
}

// readTail reads the checkpoints back from the newest to the last full one.
// A newest one that does not parse is still returned, to be linked to.
func (c *Checkpointer) readTail(ctx context.Context) (tail, error) {
	names, err := c.Records.ListRecords(ctx, CheckpointPrefix)
	if err != nil || len(names) == 0 {
		return tail{}, err
	}
	var chain []*stored // newest first
	t := tail{state: map[string]Head{}}
	for i := len(names) - 1; i >= 0 && len(chain) <= 2*cmp.Or(c.FullEvery, DefaultFullEvery); i-- {
		s, err := load(ctx, c.Records, names[i])
		if err != nil {
			return tail{}, err
		}
		if s.err == nil {
			s.err = s.cp.Check(c.Key.Public()) // nor is one that is not ours
		}
		chain = append(chain, s)
		if s.err != nil {
			break
		}
		if s.cp.Full {
			t.whole = true
			break
		}
	}
	t.last = chain[0]
	if t.last.err != nil {
		// Time orders the names; a broken one still has its name's time.
		stamp := strings.TrimSuffix(strings.TrimPrefix(t.last.name, CheckpointPrefix), ".json")
		if ts, perr := time.Parse(nameLayout, stamp); perr == nil {
			t.last.cp.Time = ts
		}
	}
	if t.whole {
		t.partial = len(chain) - 1
		for i := len(chain) - 1; i >= 0; i-- {
			for _, h := range chain[i].cp.Heads {
				t.state[h.Stream] = h
			}
		}
	}
	return t, nil
}

// load reads one checkpoint; s.err says what is wrong with its content,
// err that it could not be read at all.
func load(ctx context.Context, r blob.Records, name string) (*stored, error) {
	raw, err := r.GetRecord(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("read checkpoint %s: %w", name, err)
	}
	s := &stored{name: name, sha: sha256Hex(raw), raw: raw}
	s.cp, s.err = ParseCheckpoint(raw)
	return s, nil
}
