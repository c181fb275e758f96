package fs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"dossier/internal/blob"
)

// recordTempPrefix begins the name of the temporary file a record is
// written through. It is not a name NewTempKey makes, so Walk (and fsck)
// skip such files, and New removes those a killed writer left behind.
const recordTempPrefix = "record-"

// staleRecordAge is how old a record's temporary file must be for New to
// remove it. Writing a record takes milliseconds, so an older file was left
// by a writer killed between creating and linking it; a younger one may be
// another process's (a command of the command line) write in progress.
const staleRecordAge = 15 * time.Minute

// removeStaleRecordTemps removes from tmp the record temporary files older
// than staleRecordAge: nothing else ever would, since fsck does not see
// them. A file that cannot be removed now is left for the next open; it
// harms nothing meanwhile.
func removeStaleRecordTemps(tmp string, now time.Time) error {
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), recordTempPrefix) || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil || now.Sub(fi.ModTime()) < staleRecordAge {
			continue
		}
		_ = os.Remove(filepath.Join(tmp, e.Name()))
	}
	return nil
}

// PutRecord implements blob.Records. The bytes go to a temporary file that
// is then hard-linked into place: link, unlike rename, fails when the name
// exists, so an existing record is never replaced, even by a concurrent
// writer, and a reader sees the whole record or none. The file is made
// read-only; the store has no call that deletes a record, which is how the
// filesystem keeps retainUntil (there is no object lock to hand it to).
func (s *Store) PutRecord(ctx context.Context, name string, data []byte, _ time.Time) error {
	if err := blob.CheckRecord(name, data); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("blob put record %s: %w", name, err)
	}
	dst := s.path(blob.RecordPrefix + name)
	if err := s.mkdirSynced(filepath.Dir(dst)); err != nil {
		return fmt.Errorf("blob put record %s: %w", name, err)
	}
	f, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), recordTempPrefix)
	if err != nil {
		return fmt.Errorf("blob put record %s: %w", name, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o444)
	}
	if err != nil {
		return fmt.Errorf("blob put record %s: %w", name, err)
	}
	if err := os.Link(tmp, dst); errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("blob put record %s: %w", name, blob.ErrExists)
	} else if err != nil {
		return fmt.Errorf("blob put record %s: %w", name, err)
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return fmt.Errorf("blob put record %s: %w", name, err)
	}
	return nil
}

// GetRecord implements blob.Records.
func (s *Store) GetRecord(_ context.Context, name string) ([]byte, error) {
	if err := blob.CheckRecordName(name, false); err != nil {
		return nil, fmt.Errorf("blob get record: %w", err)
	}
	f, err := os.Open(s.path(blob.RecordPrefix + name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob get record %s: %w", name, blob.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("blob get record %s: %w", name, err)
	}
	defer f.Close()
	data, err := blob.ReadRecord(f)
	if err != nil {
		return nil, fmt.Errorf("blob get record %s: %w", name, err)
	}
	return data, nil
}

// ListRecords implements blob.Records.
func (s *Store) ListRecords(ctx context.Context, prefix string) ([]string, error) {
	if err := blob.CheckRecordName(prefix, true); err != nil {
		return nil, fmt.Errorf("blob list records: %w", err)
	}
	root := s.path(strings.TrimSuffix(blob.RecordPrefix, "/"))
	names := []string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == root {
			return fs.SkipAll // no record written yet
		}
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		if strings.HasPrefix(name, prefix) && blob.CheckRecordName(name, false) == nil {
			names = append(names, name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("blob list records %q: %w", prefix, err)
	}
	slices.Sort(names)
	return names, nil
}
