package s3

import (
	"errors"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"dossier/internal/blob"
)

// A record written with a retention is under COMPLIANCE retention from the
// moment it exists: the server refuses to delete its version.
func TestRecordRetained(t *testing.T) {
	t.Parallel()
	s := newTestStore(t, testConfig(t))
	until := time.Now().Add(3 * time.Second)
	if err := s.PutRecord(t.Context(), "checkpoints/a.json", []byte("{}"), until); err != nil {
		t.Fatal(err)
	}
	key := blob.RecordPrefix + "checkpoints/a.json"
	info, err := s.client.StatObject(t.Context(), s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mode, date, err := s.client.GetObjectRetention(t.Context(), s.bucket, key, info.VersionID)
	if err != nil || mode == nil || *mode != minio.Compliance || date == nil || date.Before(until.Truncate(time.Second)) {
		t.Fatalf("retention = %v until %v, %v; want COMPLIANCE until %v", mode, date, err, until)
	}
	err = s.client.RemoveObject(t.Context(), s.bucket, key, minio.RemoveObjectOptions{VersionID: info.VersionID})
	if !lockRefusal(err) {
		t.Fatalf("removing the record's version = %v, want a refusal (object lock)", err)
	}
}

// A bucket made without object lock cannot keep a record: PutRecord with a
// retention refuses instead of writing one that could be deleted.
func TestRecordNeedsObjectLock(t *testing.T) {
	t.Parallel()
	s := newTestStore(t, testConfig(t))
	s.locking = false // as New finds a bucket made without it
	err := s.PutRecord(t.Context(), "checkpoints/a.json", []byte("{}"), time.Now().Add(time.Hour))
	if !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("PutRecord on a bucket without lock = %v, want ErrUnsupported", err)
	}
}
