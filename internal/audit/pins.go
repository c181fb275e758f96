package audit

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"slices"
	"strings"

	"dossier/internal/blob"
	"dossier/internal/dossier"
)

// pin is one head a checkpoint recorded: the event at that position of the
// stream must have this hash.
type pin struct {
	hash       string
	checkpoint string
	seen       bool
}

// pinSet holds the heads of the checkpoints and compares them with the
// events as the verifier streams them by.
type pinSet struct {
	want     map[string]map[int64]*pin // stream → position → pin
	ends     map[string]int64          // stream → last position met
	bad      map[string]Problem        // stream → its first problem
	problems []Problem                 // about the checkpoints themselves
	summary  CheckpointSummary
}

// readPins reads the checkpoints (when latestOnly, from the last full one
// on) and checks their signatures, names and links. A checkpoint that fails
// is reported and its heads are not used.
func readPins(ctx context.Context, r blob.Records, key ed25519.PublicKey, latestOnly bool) (*pinSet, error) {
	p := &pinSet{want: map[string]map[int64]*pin{}, ends: map[string]int64{}, bad: map[string]Problem{}}
	names, err := r.ListRecords(ctx, CheckpointPrefix)
	if err != nil {
		return nil, err
	}
	p.summary.Stored = len(names)
	if len(names) == 0 {
		return p, nil
	}
	// The latest state is the last full checkpoint and those after it.
	first := 0
	for i := len(names) - 1; latestOnly && i >= 0; i-- {
		s, err := load(ctx, r, names[i])
		if err != nil {
			return nil, err
		}
		if s.err == nil && s.cp.Full {
			first = i
			break
		}
	}
	var prev *stored
	if first > 0 {
		if prev, err = load(ctx, r, names[first-1]); err != nil {
			return nil, err
		}
	}
	for _, name := range names[first:] {
		s, err := load(ctx, r, name)
		if err != nil {
			return nil, err
		}
		if reason := s.problem(key, prev); reason != "" {
			p.problems = append(p.problems, Problem{Checkpoint: name, Reason: fmt.Sprintf("checkpoint %s: %s", name, reason)})
		}
		prev = s
		if s.err != nil || s.cp.Check(key) != nil {
			continue
		}
		p.summary.Checked++
		p.summary.Latest = name
		t := s.cp.Time
		p.summary.LatestTime = &t
		p.add(s)
	}
	return p, nil
}

// problem says what is wrong with checkpoint s, which follows prev (nil for
// the first): "" when nothing is.
func (s *stored) problem(key ed25519.PublicKey, prev *stored) string {
	if s.err != nil {
		return fmt.Sprintf("cannot be read (%v): it was not written by the service.", s.err)
	}
	if err := s.cp.Check(key); err != nil {
		return err.Error() + "."
	}
	if want := CheckpointName(s.cp.Time); want != s.name {
		return fmt.Sprintf("its time %s would name it %s: it was copied or renamed.", s.cp.Time.Format(nameLayout), want)
	}
	switch l := s.cp.Previous; {
	case prev == nil && l != nil:
		return fmt.Sprintf("it follows checkpoint %s, which is not stored: checkpoints were deleted.", l.Name)
	case prev != nil && l == nil:
		return fmt.Sprintf("it names no checkpoint before it, but %s is stored before it: one of them was added afterwards.", prev.name)
	case prev != nil && (l.Name != prev.name || l.SHA256 != prev.sha):
		return fmt.Sprintf("it follows %s (sha256 %.12s…), but the checkpoint stored before it is %s (sha256 %.12s…): a checkpoint was deleted, replaced or inserted.",
			l.Name, l.SHA256, prev.name, prev.sha)
	}
	return ""
}

// add pins the heads of a good checkpoint. Two checkpoints that disagree on
// one position cannot both be true: the first is kept and the disagreement
// is reported (a later one may have been forged with the key).
func (p *pinSet) add(s *stored) {
	for _, h := range s.cp.Heads {
		m := p.want[h.Stream]
		if m == nil {
			m = map[int64]*pin{}
			p.want[h.Stream] = m
		}
		if old, ok := m[h.Seq]; ok {
			if old.hash != h.Hash {
				p.flag(h.Stream, Problem{Stream: h.Stream, Checkpoint: s.name, Reason: fmt.Sprintf(
					"checkpoints %s and %s record different hashes for position %d of stream %q: one of them was forged.",
					old.checkpoint, s.name, h.Seq, h.Stream)})
			}
			continue
		}
		m[h.Seq] = &pin{hash: h.Hash, checkpoint: s.name}
	}
}

// see compares one event of the trail with the pins.
func (p *pinSet) see(e dossier.AuditEvent) {
	m := p.want[e.Stream]
	if m == nil {
		return
	}
	p.ends[e.Stream] = max(p.ends[e.Stream], e.StreamSeq)
	pn, ok := m[e.StreamSeq]
	if !ok {
		return
	}
	pn.seen = true
	if pn.hash != e.Hash {
		p.flag(e.Stream, Problem{Stream: e.Stream, Checkpoint: pn.checkpoint, Reason: fmt.Sprintf(
			"event seq %d, at position %d of stream %q, does not have the hash checkpoint %s recorded for that position: the history up to it was rewritten.",
			e.Seq, e.StreamSeq, e.Stream, pn.checkpoint)})
	}
}

// flag keeps the first problem of each stream.
func (p *pinSet) flag(stream string, pr Problem) {
	if _, ok := p.bad[stream]; !ok {
		p.bad[stream] = pr
	}
}

// finish reports the pins no event met, then every problem: those of the
// checkpoints first, then one per stream by stream name.
func (p *pinSet) finish() []Problem {
	for stream, m := range p.want {
		if _, ok := p.bad[stream]; ok {
			continue
		}
		var missing []int64
		for pos, pn := range m {
			if !pn.seen {
				missing = append(missing, pos)
			}
		}
		if len(missing) == 0 {
			continue
		}
		pos := slices.Max(missing)
		pn, end := m[pos], p.ends[stream]
		switch {
		case end == 0:
			p.flag(stream, Problem{Stream: stream, Checkpoint: pn.checkpoint, Reason: fmt.Sprintf(
				"stream %q has no events, but checkpoint %s recorded %d of them: the stream was deleted.", stream, pn.checkpoint, pos)})
		case end < pos:
			p.flag(stream, Problem{Stream: stream, Checkpoint: pn.checkpoint, Reason: fmt.Sprintf(
				"stream %q ends at position %d, but checkpoint %s recorded it at position %d: the stream was truncated.", stream, end, pn.checkpoint, pos)})
		default:
			pos = slices.Min(missing)
			p.flag(stream, Problem{Stream: stream, Checkpoint: m[pos].checkpoint, Reason: fmt.Sprintf(
				"position %d of stream %q, which checkpoint %s recorded, is missing: an event was deleted.", pos, stream, m[pos].checkpoint)})
		}
	}
	out := slices.Clone(p.problems)
	streams := make([]Problem, 0, len(p.bad))
	for _, pr := range p.bad {
		streams = append(streams, pr)
	}
	slices.SortFunc(streams, func(a, b Problem) int { return strings.Compare(a.Stream, b.Stream) })
	return append(out, streams...)
}
