package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"

	"dossier/internal/blob"
)

// S3 has no rename: promoting a staged object to its content key is a
// server-side copy, which for a large file costs about as long as the upload
// itself. So that a large upload is answered as soon as its bytes are safe,
// Promote records a small pointer object pending/<sha>/<staged name> and
// copies in the background; until the copy is done Open and Stat read the
// staged object through the pointer. A pointer left by a crash is finished
// when the store is next opened.
const (
	pendingPrefix     = "pending/"
	defaultCopyInline = 32 << 20
	settleTimeout     = 30 * time.Minute
)

// Promote implements blob.Store.
func (s *Store) Promote(ctx context.Context, st blob.Staged) error {
	if err := blob.CheckTempKey(st.TempKey); err != nil {
		return fmt.Errorf("blob promote: %w", err)
	}
	if err := blob.CheckSHA256(st.SHA256); err != nil {
		return fmt.Errorf("blob promote %s: %w", st.TempKey, err)
	}
	if st.Held != nil {
		return s.putHeld(ctx, st)
	}
	exists, err := s.exists(ctx, blob.Key(st.SHA256))
	if err != nil {
		return wrap("promote", st.SHA256, err)
	}
	if !exists && st.Size > s.copyInline {
		staged, err := s.exists(ctx, st.TempKey)
		if err != nil {
			return wrap("promote", st.TempKey, err)
		}
		if !staged {
			return fmt.Errorf("blob promote %s from %s: %w", st.SHA256, st.TempKey, blob.ErrNotFound)
		}
		ptr := pointerKey(st.SHA256, st.TempKey)
		_, err = s.client.PutObject(ctx, s.bucket, ptr, strings.NewReader(st.TempKey), int64(len(st.TempKey)), minio.PutObjectOptions{})
		if err != nil {
			return wrap("promote", ptr, err)
		}
		s.settleLater(st.SHA256, st.TempKey)
		return nil
	}
	return s.settle(ctx, st.SHA256, st.TempKey)
}

// settle copies the staged object to its content key unless the content is
// there already, then drops the pointer (if any) and the staged object.
func (s *Store) settle(ctx context.Context, sha, tempKey string) error {
	key := blob.Key(sha)
	exists, err := s.exists(ctx, key)
	if err != nil {
		return wrap("promote", key, err)
	}
	if !exists {
		_, err = s.client.CopyObject(ctx,
			minio.CopyDestOptions{Bucket: s.bucket, Object: key},
			minio.CopySrcOptions{Bucket: s.bucket, Object: tempKey})
		if errorCode(err) == minio.NoSuchKey {
			// A repeated Promote whose first call finished is fine; a staged
			// object that never existed or was discarded is not.
			if exists, serr := s.exists(ctx, key); serr == nil && exists {
				return nil
			}
			return fmt.Errorf("blob promote %s from %s: %w", sha, tempKey, blob.ErrNotFound)
		}
		if err != nil {
			return wrap("promote", key, err)
		}
	}
	// The staged object goes before its pointer: Walk takes a staged object
	// with no pointer for an abandoned upload, which fsck may delete.
	if err := s.removeAllVersions(ctx, tempKey); err != nil {
		return fmt.Errorf("blob promote %s: drop staged: %w", sha, err)
	}
	if err := s.removeAllVersions(ctx, pointerKey(sha, tempKey)); err != nil {
		return fmt.Errorf("blob promote %s: drop pointer: %w", sha, err)
	}
	return nil
}

// settleLater runs settle in the background; Close waits for it. A failure
// leaves the pointer, and the next resume tries again.
func (s *Store) settleLater(sha, tempKey string) {
	done := make(chan struct{})
	s.mu.Lock()
	s.flights[done] = sha
	s.mu.Unlock()
	s.settling.Add(1)
	go func() {
		defer s.settling.Done()
		defer func() {
			s.mu.Lock()
			delete(s.flights, done)
			s.mu.Unlock()
			close(done)
		}()
		ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
		defer cancel()
		_ = s.settle(ctx, sha, tempKey)
	}()
}

// settlePending finishes a pending promotion of sha before it returns. Retain
// and Hold need it: a lock can only be set on the content key, and a background
// copy landing after the lock would add a current version without it. Copies
// this process runs in the background are awaited rather than repeated; the
// pointers still left (a crash, a failed copy) are settled here.
func (s *Store) settlePending(ctx context.Context, sha string) error {
	s.mu.Lock()
	var running []chan struct{}
	for done, flight := range s.flights {
		if flight == sha {
			running = append(running, done)
		}
	}
	s.mu.Unlock()
	for _, done := range running {
		select {
		case <-done:
		case <-ctx.Done():
			return fmt.Errorf("blob settle %s: %w", sha, ctx.Err())
		}
	}
	lctx, cancel := context.WithCancel(ctx) // stops the lister if we return early
	defer cancel()
	var tempKeys []string
	opts := minio.ListObjectsOptions{Prefix: pendingPrefix + sha + "/", Recursive: true}
	for obj := range s.client.ListObjects(lctx, s.bucket, opts) {
		if obj.Err != nil {
			return wrap("list pending", sha, obj.Err)
		}
		if _, tempKey, ok := parsePointer(obj.Key); ok {
			tempKeys = append(tempKeys, tempKey)
		}
	}
	for _, tempKey := range tempKeys {
		if err := s.settle(ctx, sha, tempKey); err != nil {
			return err
		}
	}
	return nil
}

// resume finishes the promotions a previous process left pending.
func (s *Store) resume(ctx context.Context) error {
	pending, err := s.pending(ctx)
	if err != nil {
		return err
	}
	for tempKey, sha := range pending {
		s.settleLater(sha, tempKey)
	}
	return nil
}

// Close waits for background promotions to finish.
func (s *Store) Close() error {
	s.settling.Wait()
	return nil
}

// pending maps each staged key waiting for its copy to its content hash.
func (s *Store) pending(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	opts := minio.ListObjectsOptions{Prefix: pendingPrefix, Recursive: true}
	for obj := range s.client.ListObjects(ctx, s.bucket, opts) {
		if obj.Err != nil {
			return nil, wrap("list pending", pendingPrefix, obj.Err)
		}
		if sha, tempKey, ok := parsePointer(obj.Key); ok {
			out[tempKey] = sha
		}
	}
	return out, nil
}

// locate returns where the content of sha is readable now.
func (s *Store) locate(ctx context.Context, sha string) (string, error) {
	key := blob.Key(sha)
	exists, err := s.exists(ctx, key)
	if err != nil || exists {
		return key, err
	}
	ctx, cancel := context.WithCancel(ctx) // stops the lister once a pointer is found
	defer cancel()
	opts := minio.ListObjectsOptions{Prefix: pendingPrefix + sha + "/", Recursive: true}
	for obj := range s.client.ListObjects(ctx, s.bucket, opts) {
		if obj.Err != nil {
			return "", obj.Err
		}
		if _, tempKey, ok := parsePointer(obj.Key); ok {
			return tempKey, nil
		}
	}
	return "", fmt.Errorf("%s: %w", sha, blob.ErrNotFound)
}

// dropPending removes the staged objects the pointers of sha name, then the
// pointers, in the order settle uses.
func (s *Store) dropPending(ctx context.Context, sha string) error {
	pending, err := s.pending(ctx)
	if err != nil {
		return err
	}
	for tempKey, p := range pending {
		if p != sha {
			continue
		}
		if err := s.removeAllVersions(ctx, tempKey); err != nil {
			return err
		}
		if err := s.removeAllVersions(ctx, pointerKey(sha, tempKey)); err != nil {
			return err
		}
	}
	return nil
}

func pointerKey(sha, tempKey string) string {
	return pendingPrefix + sha + "/" + strings.TrimPrefix(tempKey, blob.TempPrefix)
}

func parsePointer(key string) (sha, tempKey string, ok bool) {
	rest, _ := strings.CutPrefix(key, pendingPrefix)
	sha, name, found := strings.Cut(rest, "/")
	tempKey = blob.TempPrefix + name
	if !found || blob.CheckSHA256(sha) != nil || blob.CheckTempKey(tempKey) != nil {
		return "", "", false
	}
	return sha, tempKey, true
}

// pendingReader reads content from its staged key and, when the background
// copy removes that object in the middle of a read, goes on from the content
// key at the same offset (the copy is complete before the staged object goes).
type pendingReader struct {
	s     *Store
	ctx   context.Context
	sha   string
	obj   *minio.Object
	off   int64
	moved bool
}

func (r *pendingReader) Read(p []byte) (int, error) {
	n, err := r.obj.Read(p)
	if n == 0 && errorCode(err) == minio.NoSuchKey && r.follow() == nil {
		n, err = r.obj.Read(p)
	}
	r.off += int64(n)
	return n, err
}

func (r *pendingReader) Seek(offset int64, whence int) (int64, error) {
	pos, err := r.obj.Seek(offset, whence)
	if errorCode(err) == minio.NoSuchKey && r.follow() == nil {
		pos, err = r.obj.Seek(offset, whence)
	}
	if err == nil {
		r.off = pos
	}
	return pos, err
}

func (r *pendingReader) Close() error { return r.obj.Close() }

// follow reopens the content key at the current offset, once.
func (r *pendingReader) follow() error {
	if r.moved {
		return errors.New("already reading the content key")
	}
	obj, err := r.s.openKey(r.ctx, blob.Key(r.sha))
	if err != nil {
		return err
	}
	if _, err := obj.Seek(r.off, io.SeekStart); err != nil {
		obj.Close()
		return err
	}
	r.obj.Close()
	r.obj, r.moved = obj, true
	return nil
}
