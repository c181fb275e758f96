package fsck

import (
	"context"
	"errors"
	"fmt"
	"time"

	"dossier/internal/blob"
)

// orphans reports the blobs nothing refers to and, with Repair, removes
// those older than MinAge that are still unreferenced and unlocked.
func (c *checker) orphans(ctx context.Context, orphans []blob.Entry) error {
	for _, e := range orphans {
		f := Finding{Problem: Orphan, Key: e.SHA256, Size: e.Size, Age: c.now.Sub(e.ModTime)}
		switch {
		case f.Age < c.opt.MinAge:
			f.Young, f.Note = true, "younger than "+c.opt.MinAge.String()+": an upload may be about to use it"
		case c.opt.Repair:
			if err := c.removeOrphan(ctx, &f); err != nil {
				return err
			}
		default:
			f.Note = "--repair removes it"
		}
		c.rep.Findings = append(c.rep.Findings, f)
	}
	return nil
}

// removeOrphan deletes one old orphan unless, looked at again, a document
// uses it or a lock protects it.
func (c *checker) removeOrphan(ctx context.Context, f *Finding) error {
	used, err := c.inUse(ctx, f.Key)
	if err != nil {
		return err
	}
	if used {
		f.Young, f.Note = true, "a document has started to use it: left"
		return nil
	}
	until, held, err := c.blobs.Lock(ctx, f.Key)
	switch {
	case isNotFound(err):
		f.Repaired, f.Note = true, "gone meanwhile"
		return nil
	case err != nil:
		return fmt.Errorf("fsck: read the lock of %s: %w", f.Key, err)
	case held:
		f.Note = "under legal hold: left"
		return nil
	case !until.IsZero():
		f.Note = "retained until " + until.Format(time.RFC3339) + ": left"
		return nil
	}
	err = c.blobs.Delete(ctx, f.Key)
	switch {
	case errors.Is(err, blob.ErrLocked):
		f.Note = "locked: left"
	case err != nil:
		return fmt.Errorf("fsck: remove %s: %w", f.Key, err)
	default:
		f.Repaired, f.Note = true, "removed"
	}
	return nil
}

// staged counts uploads in progress and reports those abandoned; Repair
// discards the abandoned ones.
func (c *checker) staged(ctx context.Context, staged []blob.Entry) {
	for _, e := range staged {
		age := c.now.Sub(e.ModTime)
		if age < c.opt.MinAge {
			c.rep.InFlight++
			continue
		}
		f := Finding{Problem: StaleUpload, Key: e.TempKey, Size: e.Size, Age: age, Note: "--repair removes it"}
		if c.opt.Repair {
			if err := c.blobs.Discard(ctx, blob.Staged{TempKey: e.TempKey}); err != nil {
				f.Note = "could not be removed: " + err.Error()
			} else {
				f.Repaired, f.Note = true, "removed"
			}
		}
		c.rep.Findings = append(c.rep.Findings, f)
	}
}

func isNotFound(err error) bool { return errors.Is(err, blob.ErrNotFound) }
