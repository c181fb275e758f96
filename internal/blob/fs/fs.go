// Package fs is the embedded blob.Store: content-addressed files under a data
// directory, for zero set-up installs and tests.
//
// Layout: <dir>/tmp/<random> for staged uploads (and tmp/record-* while a record
// is written; see records.go) and <dir>/sha256/ab/cd/<sha256>
// for content. Staging lives inside the same directory tree so that Promote is a
// rename within one filesystem, which is atomic: a reader sees either no file or
// the complete one, never a partial write.
//
// The filesystem has no object lock, so retention and legal holds are kept in a
// sidecar <content>.lock next to each content file and enforced by Delete itself
// (see lock.go).
package fs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"dossier/internal/blob"
)

// Store implements blob.Store on a local directory.
type Store struct {
	dir string
	// lockMu serialises the read-modify-write of lock records and Delete's
	// check-then-remove, so a concurrent Retain can neither be lost nor shorten
	// another, and a Delete cannot slip between a Retain and its content.
	lockMu sync.Mutex
}

var _ blob.Store = (*Store)(nil)

// New opens the store rooted at dir, creating dir and its tmp/ subdirectory when
// missing, so a fresh install needs no preparation, and removing the temporary
// files of records whose writer was killed (see removeStaleRecordTemps).
func New(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("blob fs: empty directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob fs %s: %w", dir, err)
	}
	for _, d := range []string{abs, filepath.Join(abs, "tmp"), filepath.Join(abs, "sha256")} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, fmt.Errorf("blob fs: create %s: %w", d, err)
		}
	}
	// A killed record writer's leftovers go now; staged uploads are fsck's.
	if err := removeStaleRecordTemps(filepath.Join(abs, "tmp"), time.Now()); err != nil {
		return nil, fmt.Errorf("blob fs: clean %s: %w", filepath.Join(abs, "tmp"), err)
	}
	return &Store{dir: abs}, nil
}

// path maps a key (already validated by the caller) to a file path.
func (s *Store) path(key string) string {
	return filepath.Join(s.dir, filepath.FromSlash(key))
}

// Stage implements blob.Store.
func (s *Store) Stage(ctx context.Context, r io.Reader) (blob.Staged, error) {
	key := blob.NewTempKey()
	name := s.path(key)
	// O_EXCL: a random name colliding is practically impossible, but if it ever
	// did, failing beats two uploads writing into one file.
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return blob.Staged{}, fmt.Errorf("blob stage %s: %w", key, err)
	}
	hr := blob.NewHashReader(r)
	err = copyCtx(ctx, f, hr)
	if err == nil {
		// The database will soon record this blob as existing; the bytes must be
		// on disk before that, not in the page cache.
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(name)
		return blob.Staged{}, fmt.Errorf("blob stage %s: %w", key, err)
	}
	return hr.Staged(key), nil
}

// copyCtx is io.Copy that notices cancellation between chunks, so an abandoned
// upload stops writing instead of draining its source to the end.
func copyCtx(ctx context.Context, dst io.Writer, src io.Reader) error {
	buf := make([]byte, 256<<10)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

// Promote implements blob.Store.
func (s *Store) Promote(ctx context.Context, st blob.Staged) error {
	if err := blob.CheckTempKey(st.TempKey); err != nil {
		return fmt.Errorf("blob promote: %w", err)
	}
	if err := blob.CheckSHA256(st.SHA256); err != nil {
		return fmt.Errorf("blob promote %s: %w", st.TempKey, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("blob promote %s: %w", st.TempKey, err)
	}
	tmp, dst := s.path(st.TempKey), s.path(blob.Key(st.SHA256))
	if _, err := os.Stat(dst); err == nil {
		// Identical bytes are already stored: keep the existing file untouched
		// (it may be archived) and drop the duplicate.
		if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("blob promote %s: drop duplicate: %w", st.SHA256, err)
		}
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob promote %s: %w", st.SHA256, err)
	}
	if err := s.mkdirSynced(filepath.Dir(dst)); err != nil {
		return fmt.Errorf("blob promote %s: %w", st.SHA256, err)
	}
	// Content is never rewritten in place; read-only makes an accidental write fail.
	if err := os.Chmod(tmp, 0o400); err != nil {
		return s.promoteMissing(st, dst, err)
	}
	// Concurrent promoters of the same bytes may both get here; the later rename
	// replaces a file with an identical one, which readers cannot tell apart.
	if err := os.Rename(tmp, dst); err != nil {
		return s.promoteMissing(st, dst, err)
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return fmt.Errorf("blob promote %s: %w", st.SHA256, err)
	}
	return nil
}

// promoteMissing decides what a vanished staged file means: a repeated Promote
// whose first call succeeded (fine), or a staged object that was never there.
func (s *Store) promoteMissing(st blob.Staged, dst string, err error) error {
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob promote %s: %w", st.SHA256, err)
	}
	if _, serr := os.Stat(dst); serr == nil {
		return nil
	}
	return fmt.Errorf("blob promote %s from %s: %w", st.SHA256, st.TempKey, blob.ErrNotFound)
}

// mkdirSynced creates the fan-out directories below s.dir, syncing each parent
// that gained an entry, so a promoted file is reachable after a crash.
func (s *Store) mkdirSynced(dir string) error {
	rel, err := filepath.Rel(s.dir, dir)
	if err != nil {
		return err
	}
	cur := s.dir
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		next := filepath.Join(cur, part)
		err := os.Mkdir(next, 0o750)
		switch {
		case err == nil:
			if err := syncDir(cur); err != nil {
				return err
			}
		case errors.Is(err, fs.ErrExist):
		default:
			return err
		}
		cur = next
	}
	return nil
}

// syncDir makes a directory's new or renamed entries durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Discard implements blob.Store.
func (s *Store) Discard(_ context.Context, st blob.Staged) error {
	if err := blob.CheckTempKey(st.TempKey); err != nil {
		return fmt.Errorf("blob discard: %w", err)
	}
	if err := os.Remove(s.path(st.TempKey)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob discard %s: %w", st.TempKey, err)
	}
	return nil
}

// contentPath validates sha before any path is built from it.
func (s *Store) contentPath(op, sha string) (string, error) {
	if err := blob.CheckSHA256(sha); err != nil {
		return "", fmt.Errorf("blob %s: %w", op, err)
	}
	return s.path(blob.Key(sha)), nil
}

// Open implements blob.Store; *os.File seeks natively, which http.ServeContent
// needs for Range requests.
func (s *Store) Open(_ context.Context, sha string) (io.ReadSeekCloser, error) {
	p, err := s.contentPath("open", sha)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob open %s: %w", sha, blob.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("blob open %s: %w", sha, err)
	}
	return f, nil
}

// Stat implements blob.Store.
func (s *Store) Stat(_ context.Context, sha string) (int64, error) {
	p, err := s.contentPath("stat", sha)
	if err != nil {
		return 0, err
	}
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("blob stat %s: %w", sha, blob.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("blob stat %s: %w", sha, err)
	}
	return fi.Size(), nil
}

// Delete implements blob.Store. The lock record goes after the content, so a
// crash in between leaves a record without content (harmless: it has lapsed or
// Delete would have refused) rather than content without its record.
func (s *Store) Delete(_ context.Context, sha string) error {
	p, err := s.contentPath("delete", sha)
	if err != nil {
		return err
	}
	s.lockMu.Lock()
	defer s.lockMu.Unlock()
	rec, err := readLock(p)
	if err != nil {
		return fmt.Errorf("blob delete %s: %w", sha, err)
	}
	if rec.forbidsDelete(time.Now()) {
		return fmt.Errorf("blob delete %s: %s: %w", sha, rec, blob.ErrLocked)
	}
	for _, name := range []string{p, p + lockSuffix} {
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("blob delete %s: %w", sha, err)
		}
	}
	return nil
}

// Walk implements blob.Store. Files that do not sit where Key or NewTempKey would
// put them are skipped: fsck must never act on something the store did not write.
func (s *Store) Walk(ctx context.Context, fn func(blob.Entry) error) error {
	return filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			// A staged file removed mid-walk (promoted or discarded) is not a failure.
			if errors.Is(err, fs.ErrNotExist) && p != s.dir {
				return nil
			}
			return fmt.Errorf("blob walk %s: %w", p, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(s.dir, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		var e blob.Entry
		if sha, ok := blob.SHA256FromKey(key); ok {
			e.SHA256 = sha
		} else if blob.CheckTempKey(key) == nil {
			e.TempKey = key
		} else {
			return nil
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("blob walk %s: %w", key, err)
		}
		e.Size, e.ModTime = fi.Size(), fi.ModTime()
		return fn(e)
	})
}

// Ping implements blob.Store: both directories must still exist (a lost mount
// shows up here rather than on the first upload).
func (s *Store) Ping(_ context.Context) error {
	for _, d := range []string{s.dir, filepath.Join(s.dir, "tmp")} {
		fi, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("blob ping: %w", err)
		}
		if !fi.IsDir() {
			return fmt.Errorf("blob ping: %s is not a directory", d)
		}
	}
	return nil
}

// Close implements blob.Store; the filesystem store does nothing in the background.
func (s *Store) Close() error { return nil }
