package audit

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"dossier/internal/auditchain"
	"dossier/internal/blob"
	"dossier/internal/dossier"
	"dossier/internal/store"
)

// Result is the outcome of Verify, shaped as GET /api/v1/audit/verify answers it.
type Result struct {
	OK          bool   `json:"ok"`
	Checked     int    `json:"checked"`
	FirstBadSeq int64  `json:"first_bad_seq,omitempty"`
	Reason      string `json:"reason,omitempty"`
	// Checkpoints is what was compared with the checkpoints; nil when they
	// were not looked at.
	Checkpoints *CheckpointSummary `json:"checkpoints,omitempty"`
	// Problems are the disagreements with the checkpoints, one per stream
	// (and one per bad checkpoint), at most MaxProblems.
	Problems     []Problem `json:"problems,omitempty"`
	MoreProblems int       `json:"more_problems,omitempty"`
}

// CheckpointSummary counts the checkpoints.
type CheckpointSummary struct {
	Stored     int        `json:"stored"`
	Checked    int        `json:"checked"`
	Latest     string     `json:"latest,omitempty"`
	LatestTime *time.Time `json:"latest_time,omitempty"`
}

// Problem is one disagreement between the database and a checkpoint.
type Problem struct {
	Stream     string `json:"stream,omitempty"`
	Checkpoint string `json:"checkpoint,omitempty"`
	Reason     string `json:"reason"`
}

// MaxProblems bounds the problems a result lists; the rest are counted.
const MaxProblems = 100

// Which checkpoints Verify compares the chains with.
const (
	CheckAll    = "all"    // every stored checkpoint (the default)
	CheckLatest = "latest" // the last full one and those after it: the latest state
	CheckNone   = "none"   // none: the chains alone
)

// VerifyOptions says which checkpoints to check the chains against.
type VerifyOptions struct {
	Records     blob.Records      // where checkpoints are; nil checks none
	Key         ed25519.PublicKey // who must have signed them
	Checkpoints string            // CheckAll ("" too), CheckLatest or CheckNone
}

// Verify checks every event's hash and every stream's chain and head.
func Verify(ctx context.Context, s store.Store) (Result, error) {
	return VerifyWith(ctx, s, VerifyOptions{Checkpoints: CheckNone})
}

// VerifyWith checks the chains as Verify does, then against the checkpoints
// opts names: every head a checkpoint recorded must be in the database with
// the same hash. A rewrite before a checkpoint changes that hash (even with
// every later hash recomputed), and a truncated stream no longer reaches it.
func VerifyWith(ctx context.Context, s store.Store, opts VerifyOptions) (Result, error) {
	mode := opts.Checkpoints
	if mode == "" {
		mode = CheckAll
	}
	if !slices.Contains([]string{CheckAll, CheckLatest, CheckNone}, mode) {
		return Result{}, dossier.Errorf(dossier.EInvalid, "checkpoints=%s: use all, latest or none", dossier.Clip(mode))
	}
	if opts.Records == nil {
		mode = CheckNone
	}
	var pins *pinSet
	if mode != CheckNone {
		if opts.Key == nil {
			return Result{}, errors.New("verify audit trail: no key to check the checkpoints' signatures with")
		}
		var err error
		if pins, err = readPins(ctx, opts.Records, opts.Key, mode == CheckLatest); err != nil {
			return Result{}, fmt.Errorf("verify audit trail: %w", err)
		}
	}
	v := auditchain.NewVerifier()
	var failure error
	announced := map[string]int64{} // checkpoint names in audit.checkpoint events → seq
	err := s.Read(ctx, func(tx store.Tx) error {
		err := tx.ScanAudit(ctx, func(e dossier.AuditEvent) error {
			// Go on past a break: the checkpoints may say more about it.
			if err := v.Add(e); err != nil && failure == nil {
				failure = err
			}
			if pins != nil {
				pins.see(e)
				if e.Action == CheckpointAction && e.Stream == CheckpointStream {
					var d struct{ Name string }
					if json.Unmarshal(e.Details, &d) == nil && d.Name != "" {
						announced[d.Name] = e.Seq
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if failure != nil {
			return nil
		}
		heads, err := tx.AuditHeads(ctx)
		if err != nil {
			return err
		}
		refs := make(map[string]auditchain.HeadRef, len(heads))
		for k, h := range heads {
			refs[k] = auditchain.HeadRef{StreamSeq: h.StreamSeq, Hash: h.Hash}
		}
		failure = v.Finish(refs)
		return nil
	})
	if err != nil {
		return Result{}, fmt.Errorf("verify audit trail: %w", err)
	}
	res := Result{OK: true, Checked: v.Checked()}
	if failure != nil {
		var f *auditchain.Failure
		if !errors.As(failure, &f) {
			return Result{}, fmt.Errorf("verify audit trail: %w", failure)
		}
		res = Result{OK: false, Checked: v.Checked(), FirstBadSeq: f.Seq, Reason: f.Reason}
	}
	if pins == nil {
		return res, nil
	}
	// Listed after the scan: an event seen in it was committed after its
	// checkpoint was stored, so the checkpoint is in this listing.
	names, err := opts.Records.ListRecords(ctx, CheckpointPrefix)
	if err != nil {
		return Result{}, fmt.Errorf("verify audit trail: %w", err)
	}
	problems := pins.finish()
	problems = append(problems, missingCheckpoints(announced, names)...)
	res.Checkpoints = &pins.summary
	if len(problems) > 0 {
		res.OK = false
		if len(problems) > MaxProblems {
			res.MoreProblems = len(problems) - MaxProblems
			problems = problems[:MaxProblems]
		}
		res.Problems = problems
		if res.Reason == "" {
			res.Reason = problems[0].Reason
		}
	}
	return res, nil
}

// missingCheckpoints: the trail says a checkpoint was written that is no
// longer stored (the store allows no deletion, so someone went around it).
func missingCheckpoints(announced map[string]int64, names []string) []Problem {
	var out []Problem
	for name, seq := range announced {
		if _, found := slices.BinarySearch(names, name); !found {
			out = append(out, Problem{Stream: CheckpointStream, Checkpoint: name, Reason: fmt.Sprintf(
				"the trail records checkpoint %s (event seq %d), but the object store no longer has it: it was deleted.", name, seq)})
		}
	}
	slices.SortFunc(out, func(a, b Problem) int { return strings.Compare(a.Checkpoint, b.Checkpoint) })
	return out
}
