package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"

	"dossier/internal/blob"
)

// PutRecord implements blob.Records. The write is conditional (If-None-Match:
// *), so the server itself refuses to replace a record, and carries its
// COMPLIANCE retention in the same request, so no version of it ever exists
// unprotected. A bucket without object lock cannot keep the promise of
// retainUntil, and the write is refused rather than made unprotected.
func (s *Store) PutRecord(ctx context.Context, name string, data []byte, retainUntil time.Time) error {
	if err := blob.CheckRecord(name, data); err != nil {
		return err
	}
	key := blob.RecordPrefix + name
	opts := minio.PutObjectOptions{ContentType: "application/octet-stream", SendContentMd5: true, DisableMultipart: true}
	if !retainUntil.IsZero() {
		if !s.locking {
			return fmt.Errorf("blob put record %s: bucket %s has no object lock (it can only be enabled when a bucket is created), so the record could be deleted: %w",
				name, s.bucket, errors.ErrUnsupported)
		}
		opts.Mode, opts.RetainUntilDate = minio.Compliance, blob.RetainUntil(retainUntil)
	}
	// A server that ignores If-None-Match would store a new version over
	// the record; asking first makes that need a race as well.
	if ok, err := s.exists(ctx, key); err != nil {
		return wrap("put record", name, err)
	} else if ok {
		return fmt.Errorf("blob put record %s: %w", name, blob.ErrExists)
	}
	opts.SetMatchETagExcept("*")
	_, err := s.client.PutObject(ctx, s.bucket, key, bytes.NewReader(data), int64(len(data)), opts)
	if preconditionFailed(err) {
		return fmt.Errorf("blob put record %s: %w", name, blob.ErrExists)
	}
	if err != nil {
		return wrap("put record", name, err)
	}
	return nil
}

// preconditionFailed reports the answer to a conditional write whose object
// exists: 412 PreconditionFailed (AWS, MinIO), or 409 when another
// conditional write of the same key is in progress (AWS).
func preconditionFailed(err error) bool {
	var er minio.ErrorResponse
	if !errors.As(err, &er) {
		return false
	}
	return er.Code == "PreconditionFailed" || er.StatusCode == http.StatusPreconditionFailed ||
		er.Code == "ConditionalRequestConflict"
}

// GetRecord implements blob.Records.
func (s *Store) GetRecord(ctx context.Context, name string) ([]byte, error) {
	if err := blob.CheckRecordName(name, false); err != nil {
		return nil, fmt.Errorf("blob get record: %w", err)
	}
	obj, err := s.client.GetObject(ctx, s.bucket, blob.RecordPrefix+name, minio.GetObjectOptions{})
	if err != nil {
		return nil, wrap("get record", name, err)
	}
	defer obj.Close()
	data, err := blob.ReadRecord(obj)
	if err != nil {
		return nil, wrap("get record", name, err)
	}
	return data, nil
}

// ListRecords implements blob.Records.
func (s *Store) ListRecords(ctx context.Context, prefix string) ([]string, error) {
	if err := blob.CheckRecordName(prefix, true); err != nil {
		return nil, fmt.Errorf("blob list records: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx) // stops the lister if we return early
	defer cancel()
	names := []string{}
	opts := minio.ListObjectsOptions{Prefix: blob.RecordPrefix + prefix, Recursive: true}
	for obj := range s.client.ListObjects(ctx, s.bucket, opts) {
		if obj.Err != nil {
			return nil, wrap("list records", prefix, obj.Err)
		}
		name := strings.TrimPrefix(obj.Key, blob.RecordPrefix)
		if blob.CheckRecordName(name, false) == nil {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}
