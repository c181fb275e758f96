package s3

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/minio/minio-go/v7"

	"dossier/internal/blob"
)

// partSize bounds upload memory: with an unknown length minio-go fills one buffer
// of this size per part, and NumThreads 1 keeps it to a single buffer. 16 MiB
// parts still allow files up to 160 GiB (10 000 parts).
const partSize = 8 << 20

// holdMax is the size up to which Stage holds a file in memory (see
// blob.Staged.Held) instead of writing a temporary object that Promote would
// copy and then delete: one request to the object store instead of six or
// so for the small PDFs most uploads are, and no 32 MiB of part buffers that
// minio-go allocates for a stream of unknown length. 16 uploads at once hold
// 16 MiB at most.
const holdMax = 1 << 20

// Stage implements blob.Store.
func (s *Store) Stage(ctx context.Context, r io.Reader) (blob.Staged, error) {
	key := blob.NewTempKey()
	hr := blob.NewHashReader(r)
	head, err := io.ReadAll(io.LimitReader(hr, min(holdMax, s.copyInline)+1))
	if err != nil {
		return blob.Staged{}, fmt.Errorf("blob stage: %w", err)
	}
	if int64(len(head)) <= min(holdMax, s.copyInline) {
		st := hr.Staged(key)
		st.Held = head
		return st, nil
	}
	info, err := s.client.PutObject(ctx, s.bucket, key, io.MultiReader(bytes.NewReader(head), hr), -1, minio.PutObjectOptions{
		ContentType:           "application/octet-stream",
		PartSize:              partSize,
		NumThreads:            4,
		ConcurrentStreamParts: true,
		DisableContentSha256:  true,
	})
	if err != nil {
		// minio-go aborts a failed multipart upload itself; nothing to discard.
		return blob.Staged{}, wrap("stage", key, err)
	}
	st := hr.Staged(key)
	if info.Size != st.Size {
		_ = s.removeAllVersions(context.WithoutCancel(ctx), key)
		return blob.Staged{}, fmt.Errorf("blob stage %s: stored %d bytes, read %d", key, info.Size, st.Size)
	}
	return st, nil
}

// putHeld writes a held file under its content key unless it is there: the
// write is conditional (If-None-Match), so that it takes one request and
// never adds a second version of content already stored.
func (s *Store) putHeld(ctx context.Context, st blob.Staged) error {
	if int64(len(st.Held)) != st.Size {
		return fmt.Errorf("blob promote %s: %d bytes held, %d staged", st.SHA256, len(st.Held), st.Size)
	}
	key := blob.Key(st.SHA256)
	opts := minio.PutObjectOptions{ContentType: "application/octet-stream", DisableMultipart: true, DisableContentSha256: true}
	opts.SetMatchETagExcept("*")
	_, err := s.client.PutObject(ctx, s.bucket, key, bytes.NewReader(st.Held), st.Size, opts)
	if err != nil && errorCode(err) != minio.PreconditionFailed {
		return wrap("promote", key, err)
	}
	return nil
}

// exists distinguishes "no such object" from a failed request.
func (s *Store) exists(ctx context.Context, key string) (bool, error) {
	_, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	switch {
	case err == nil:
		return true, nil
	case errorCode(err) == minio.NoSuchKey:
		return false, nil
	default:
		return false, err
	}
}

// removeAllVersions deletes every version (and delete marker) of key. An object
// lock bucket is always versioned, where a plain delete only hides the object
// behind a marker and keeps paying for its bytes; deleting by version frees them,
// and the server still refuses for versions under retention or legal hold.
func (s *Store) removeAllVersions(ctx context.Context, key string) error {
	ctx, cancel := context.WithCancel(ctx) // stops the lister if we return early
	defer cancel()
	opts := minio.ListObjectsOptions{Prefix: key, WithVersions: true, Recursive: true}
	for obj := range s.client.ListObjects(ctx, s.bucket, opts) {
		if obj.Err != nil {
			return wrap("list versions", key, obj.Err)
		}
		if obj.Key != key {
			continue // a longer key sharing the prefix
		}
		err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{VersionID: obj.VersionID})
		if lockRefusal(err) {
			return fmt.Errorf("blob remove %s version %s: %w: %w", key, obj.VersionID, blob.ErrLocked, err)
		}
		if err != nil && errorCode(err) != minio.NoSuchKey && errorCode(err) != minio.NoSuchVersion {
			return wrap("remove", key, err)
		}
	}
	return nil
}

// Discard implements blob.Store.
func (s *Store) Discard(ctx context.Context, st blob.Staged) error {
	if err := blob.CheckTempKey(st.TempKey); err != nil {
		return fmt.Errorf("blob discard: %w", err)
	}
	if st.Held != nil {
		return nil // never written
	}
	if err := s.removeAllVersions(ctx, st.TempKey); err != nil {
		return fmt.Errorf("blob discard: %w", err)
	}
	return nil
}

// Open implements blob.Store. *minio.Object serves Seek with ranged GETs, so a
// Range request on a large file fetches only the range.
func (s *Store) Open(ctx context.Context, sha string) (io.ReadSeekCloser, error) {
	if err := blob.CheckSHA256(sha); err != nil {
		return nil, fmt.Errorf("blob open: %w", err)
	}
	key, err := s.locate(ctx, sha)
	if err != nil {
		return nil, wrap("open", sha, err)
	}
	obj, err := s.openKey(ctx, key)
	if key == blob.Key(sha) {
		if err != nil {
			return nil, wrap("open", sha, err)
		}
		return obj, nil
	}
	// The content still sits at its staged key, which the background copy
	// removes once the content key exists: follow it there if it goes.
	if errorCode(err) == minio.NoSuchKey {
		obj, err = s.openKey(ctx, blob.Key(sha))
		key = blob.Key(sha)
	}
	if err != nil {
		return nil, wrap("open", sha, err)
	}
	return &pendingReader{s: s, ctx: ctx, sha: sha, obj: obj, moved: key == blob.Key(sha)}, nil
}

// openKey opens key and stats it: GetObject is lazy, and without the stat a
// missing object would only show as a failed Read after the HTTP layer had
// already committed to 200.
func (s *Store) openKey(ctx context.Context, key string) (*minio.Object, error) {
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, err
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return nil, err
	}
	return obj, nil
}

// Stat implements blob.Store.
func (s *Store) Stat(ctx context.Context, sha string) (int64, error) {
	if err := blob.CheckSHA256(sha); err != nil {
		return 0, fmt.Errorf("blob stat: %w", err)
	}
	key, err := s.locate(ctx, sha)
	if err != nil {
		return 0, wrap("stat", sha, err)
	}
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return 0, wrap("stat", sha, err)
	}
	return info.Size, nil
}

// Delete implements blob.Store. Versions under COMPLIANCE retention or legal
// hold make it fail with ErrLocked, all versions left in place: the bucket, not
// the application, has the last word.
func (s *Store) Delete(ctx context.Context, sha string) error {
	if err := blob.CheckSHA256(sha); err != nil {
		return fmt.Errorf("blob delete: %w", err)
	}
	// A background promotion still running could re-create what is deleted;
	// deletes are rare (purge, fsck), so they wait for all of them.
	s.settling.Wait()
	key := blob.Key(sha)
	if err := s.checkUnlocked(ctx, key); err != nil {
		return fmt.Errorf("blob delete %s: %w", sha, err)
	}
	if err := s.removeAllVersions(ctx, key); err != nil {
		return fmt.Errorf("blob delete %s: %w", sha, err)
	}
	return s.dropPending(ctx, sha)
}

// Walk implements blob.Store. Objects that do not sit where Key or NewTempKey
// would put them are skipped: fsck must never act on something we did not write.
// Content still waiting at its staged key (see Promote) counts as content, and
// its staged object is not listed as staged.
func (s *Store) Walk(ctx context.Context, fn func(blob.Entry) error) error {
	ctx, cancel := context.WithCancel(ctx) // stops the lister if fn fails
	defer cancel()
	pending, err := s.pending(ctx)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, prefix := range []string{blob.ContentPrefix, blob.TempPrefix} {
		opts := minio.ListObjectsOptions{Prefix: prefix, Recursive: true}
		for obj := range s.client.ListObjects(ctx, s.bucket, opts) {
			if obj.Err != nil {
				return wrap("walk", prefix, obj.Err)
			}
			e := blob.Entry{Size: obj.Size, ModTime: obj.LastModified}
			if sha, ok := blob.SHA256FromKey(obj.Key); ok {
				e.SHA256, seen[sha] = sha, true
			} else if sha, ok := pending[obj.Key]; ok {
				if seen[sha] {
					continue
				}
				e.SHA256, seen[sha] = sha, true
			} else if blob.CheckTempKey(obj.Key) == nil {
				e.TempKey = obj.Key
			} else {
				continue
			}
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// Ping implements blob.Store: the bucket must answer, not just the server.
func (s *Store) Ping(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return wrap("ping", s.bucket, err)
	}
	if !ok {
		return fmt.Errorf("blob ping: bucket %s does not exist", s.bucket)
	}
	return nil
}
