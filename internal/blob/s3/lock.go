package s3

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"

	"dossier/internal/blob"
)

// Object lock is set per object version, and the server then refuses to delete
// that version whatever the credentials: the bucket, not the application, has
// the last word on archived content (SPEC §8).

// Error codes of the object lock API that minio-go has no constants for.
const (
	noObjectLock       = "NoSuchObjectLockConfiguration"        // this version has no retention / hold
	noBucketObjectLock = "ObjectLockConfigurationNotFoundError" // the bucket was made without lock
)

// lockEnabled reports whether the bucket has object lock.
func (s *Store) lockEnabled(ctx context.Context) (bool, error) {
	enabled, _, _, _, err := s.client.GetObjectLockConfig(ctx, s.bucket)
	if errorCode(err) == noBucketObjectLock {
		return false, nil
	}
	if err != nil {
		return false, wrap("check object lock", s.bucket, err)
	}
	return enabled == "Enabled", nil
}

// lockRefusal reports the server refusing to delete or shorten a locked version:
// MinIO answers InvalidRequest "Object is WORM protected and cannot be
// overwritten", AWS AccessDenied naming object lock. The message is checked too,
// so that missing permissions are not mistaken for a lock.
func lockRefusal(err error) bool {
	var er minio.ErrorResponse
	if !errors.As(err, &er) || (er.Code != "InvalidRequest" && er.Code != "AccessDenied") {
		return false
	}
	msg := strings.ToLower(er.Message)
	return strings.Contains(msg, "worm") || strings.Contains(msg, "object lock")
}

// lockOf reads the retention date (as recorded, possibly lapsed) and legal hold
// of one version of key ("" for the current one).
func (s *Store) lockOf(ctx context.Context, key, versionID string) (until time.Time, held bool, err error) {
	_, date, err := s.client.GetObjectRetention(ctx, s.bucket, key, versionID)
	switch {
	case errorCode(err) == noObjectLock:
	case err != nil:
		return time.Time{}, false, err
	case date != nil:
		until = *date
	}
	status, err := s.client.GetObjectLegalHold(ctx, s.bucket, key, minio.GetObjectLegalHoldOptions{VersionID: versionID})
	switch {
	case errorCode(err) == noObjectLock:
	case err != nil:
		return time.Time{}, false, err
	case status != nil:
		held = *status == minio.LegalHoldEnabled
	}
	return until, held, nil
}

// checkUnlocked fails with ErrLocked when any version of key is retained or
// held. Delete calls it before removing anything: removing versions one by one
// and meeting a locked one half-way would leave the content partly deleted. The
// server still refuses on its own clock, so a refusal that slips past this
// check (a lock set meanwhile, clock skew) is mapped to ErrLocked as well.
func (s *Store) checkUnlocked(ctx context.Context, key string) error {
	if !s.locking {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx) // stops the lister if we return early
	defer cancel()
	opts := minio.ListObjectsOptions{Prefix: key, WithVersions: true, Recursive: true}
	for obj := range s.client.ListObjects(ctx, s.bucket, opts) {
		if obj.Err != nil {
			return wrap("list versions", key, obj.Err)
		}
		if obj.Key != key || obj.IsDeleteMarker {
			continue // delete markers cannot carry a lock
		}
		until, held, err := s.lockOf(ctx, key, obj.VersionID)
		if errorCode(err) == minio.NoSuchVersion {
			continue // removed since the listing
		}
		if err != nil {
			return wrap("read lock", key, err)
		}
		if held || until.After(time.Now()) {
			return fmt.Errorf("version %s retained until %s, legal hold %t: %w",
				obj.VersionID, until.Format(time.RFC3339), held, blob.ErrLocked)
		}
	}
	return nil
}

// currentVersion settles pending content of sha (so the lock lands on the
// content key) and returns the version a lock is to be set on.
func (s *Store) currentVersion(ctx context.Context, op, sha string) (string, error) {
	if !s.locking {
		return "", fmt.Errorf("blob %s %s: bucket %s has no object lock (it can only be enabled when a bucket is created): %w",
			op, sha, s.bucket, errors.ErrUnsupported)
	}
	if err := s.settlePending(ctx, sha); err != nil {
		return "", fmt.Errorf("blob %s %s: %w", op, sha, err)
	}
	info, err := s.client.StatObject(ctx, s.bucket, blob.Key(sha), minio.StatObjectOptions{})
	if err != nil {
		return "", wrap(op, sha, err)
	}
	return info.VersionID, nil
}

// Retain implements blob.Store with COMPLIANCE retention, which nobody (root
// included) can shorten or remove before it lapses.
func (s *Store) Retain(ctx context.Context, sha string, until time.Time) error {
	if err := blob.CheckSHA256(sha); err != nil {
		return fmt.Errorf("blob retain: %w", err)
	}
	until = blob.RetainUntil(until)
	key := blob.Key(sha)
	vid, err := s.currentVersion(ctx, "retain", sha)
	if err != nil {
		return err
	}
	if !until.After(time.Now()) {
		return nil // the server rejects dates in the past; they would protect nothing
	}
	// Read first: the server refuses a shorter date, and "never shorten" is a
	// no-op by contract, not an error.
	cur, _, err := s.lockOf(ctx, key, vid)
	if err != nil {
		return wrap("retain", sha, err)
	}
	if !until.After(cur) {
		return nil
	}
	mode := minio.Compliance
	err = s.client.PutObjectRetention(ctx, s.bucket, key, minio.PutObjectRetentionOptions{
		Mode: &mode, RetainUntilDate: &until, VersionID: vid,
	})
	if lockRefusal(err) {
		// A concurrent Retain extended it further between our read and write.
		if cur, _, rerr := s.lockOf(ctx, key, vid); rerr == nil && !until.After(cur) {
			return nil
		}
	}
	if err != nil {
		return wrap("retain", sha, err)
	}
	return nil
}

// Hold implements blob.Store.
func (s *Store) Hold(ctx context.Context, sha string, on bool) error {
	if err := blob.CheckSHA256(sha); err != nil {
		return fmt.Errorf("blob hold: %w", err)
	}
	vid, err := s.currentVersion(ctx, "hold", sha)
	if err != nil {
		return err
	}
	status := minio.LegalHoldDisabled
	if on {
		status = minio.LegalHoldEnabled
	}
	err = s.client.PutObjectLegalHold(ctx, s.bucket, blob.Key(sha), minio.PutObjectLegalHoldOptions{
		Status: &status, VersionID: vid,
	})
	if err != nil {
		return wrap("hold", sha, err)
	}
	return nil
}

// Lock implements blob.Store. Content still pending (see Promote) has no lock:
// Retain and Hold settle it before setting one.
func (s *Store) Lock(ctx context.Context, sha string) (time.Time, bool, error) {
	if err := blob.CheckSHA256(sha); err != nil {
		return time.Time{}, false, fmt.Errorf("blob lock: %w", err)
	}
	key, err := s.locate(ctx, sha)
	if err != nil {
		return time.Time{}, false, wrap("lock", sha, err)
	}
	if key != blob.Key(sha) || !s.locking {
		return time.Time{}, false, nil
	}
	until, held, err := s.lockOf(ctx, key, "")
	if err != nil {
		return time.Time{}, false, wrap("lock", sha, err)
	}
	if !until.After(time.Now()) {
		until = time.Time{} // lapsed: no longer in force
	}
	return until, held, nil
}
