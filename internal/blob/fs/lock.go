package fs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"dossier/internal/blob"
)

// lockSuffix names the sidecar of a content file. Walk reports only names that
// Key or NewTempKey produce, so sidecars (and their temporary files) are never
// mistaken for content or staged uploads, and fsck never touches them.
const lockSuffix = ".lock"

// lockRecord is the content of a sidecar. A missing sidecar means no lock.
type lockRecord struct {
	Until time.Time `json:"until,omitzero"` // whole seconds in UTC, so RFC 3339
	Hold  bool      `json:"hold"`
}

func (r lockRecord) forbidsDelete(now time.Time) bool {
	return r.Hold || r.Until.After(now)
}

func (r lockRecord) String() string {
	return fmt.Sprintf("retained until %s, legal hold %t", r.Until.Format(time.RFC3339), r.Hold)
}

// readLock reads the sidecar of the content file at p. A sidecar that cannot be
// parsed is an error, never "no lock": Delete must fail closed.
func readLock(p string) (lockRecord, error) {
	var rec lockRecord
	b, err := os.ReadFile(p + lockSuffix)
	if errors.Is(err, fs.ErrNotExist) {
		return rec, nil
	}
	if err != nil {
		return rec, fmt.Errorf("read lock record: %w", err)
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, fmt.Errorf("lock record %s is corrupt: %w", filepath.Base(p+lockSuffix), err)
	}
	return rec, nil
}

// writeLock replaces the sidecar atomically (temporary file, fsync, rename,
// directory fsync): a crash leaves the old record or the new one, never a torn
// file that would make Delete fail forever.
func writeLock(p string, rec lockRecord) (err error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	dir := filepath.Dir(p)
	f, err := os.CreateTemp(dir, filepath.Base(p)+lockSuffix+".*")
	if err != nil {
		return fmt.Errorf("write lock record: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(f.Name())
		}
	}()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p+lockSuffix)
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return fmt.Errorf("write lock record: %w", err)
	}
	return nil
}

// updateLock applies change to the lock record of sha's content, writing it
// only when change reports a difference.
func (s *Store) updateLock(op, sha string, change func(*lockRecord) bool) error {
	p, err := s.contentPath(op, sha)
	if err != nil {
		return err
	}
	s.lockMu.Lock()
	defer s.lockMu.Unlock()
	if err := contentExists(op, sha, p); err != nil {
		return err
	}
	rec, err := readLock(p)
	if err != nil {
		return fmt.Errorf("blob %s %s: %w", op, sha, err)
	}
	if !change(&rec) {
		return nil
	}
	if err := writeLock(p, rec); err != nil {
		return fmt.Errorf("blob %s %s: %w", op, sha, err)
	}
	return nil
}

func contentExists(op, sha, p string) error {
	_, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob %s %s: %w", op, sha, blob.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("blob %s %s: %w", op, sha, err)
	}
	return nil
}

// Retain implements blob.Store.
func (s *Store) Retain(_ context.Context, sha string, until time.Time) error {
	until = blob.RetainUntil(until)
	return s.updateLock("retain", sha, func(rec *lockRecord) bool {
		if !until.After(rec.Until) {
			return false // never shorten
		}
		rec.Until = until
		return true
	})
}

// Hold implements blob.Store.
func (s *Store) Hold(_ context.Context, sha string, on bool) error {
	return s.updateLock("hold", sha, func(rec *lockRecord) bool {
		if rec.Hold == on {
			return false
		}
		rec.Hold = on
		return true
	})
}

// Lock implements blob.Store. It reads without lockMu: writeLock's rename means
// a reader sees a whole record, old or new.
func (s *Store) Lock(_ context.Context, sha string) (time.Time, bool, error) {
	p, err := s.contentPath("lock", sha)
	if err != nil {
		return time.Time{}, false, err
	}
	if err := contentExists("lock", sha, p); err != nil {
		return time.Time{}, false, err
	}
	rec, err := readLock(p)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("blob lock %s: %w", sha, err)
	}
	if !rec.Until.After(time.Now()) {
		rec.Until = time.Time{} // lapsed: no longer in force
	}
	return rec.Until, rec.Hold, nil
}
