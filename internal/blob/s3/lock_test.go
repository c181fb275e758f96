package s3

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"dossier/internal/blob"
)

// versionsOf lists the versions (delete markers included) of key.
func versionsOf(t *testing.T, s *Store, key string) []minio.ObjectInfo {
	t.Helper()
	var out []minio.ObjectInfo
	opts := minio.ListObjectsOptions{Prefix: key, WithVersions: true, Recursive: true}
	for obj := range s.client.ListObjects(t.Context(), s.bucket, opts) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		out = append(out, obj)
	}
	return out
}

// Versions are listed newest first and removed one by one, so a locked older
// version under an unlocked newer one (two replicas copying the same bytes)
// would have Delete remove the newer, then fail: content half deleted. The lock
// must be found before anything goes.
func TestLockedDeleteRemovesNothing(t *testing.T) {
	t.Parallel()
	locks := map[string]func(s *Store, sha string) error{
		"retention": func(s *Store, sha string) error {
			return s.Retain(t.Context(), sha, time.Now().Add(3*time.Second))
		},
		"hold": func(s *Store, sha string) error { return s.Hold(t.Context(), sha, true) },
	}
	for name, lock := range locks {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newTestStore(t, testConfig(t))
			b := []byte("archived, then copied again by a second replica: " + name)
			st, err := s.Stage(t.Context(), bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Promote(t.Context(), st); err != nil {
				t.Fatal(err)
			}
			if err := lock(s, st.SHA256); err != nil {
				t.Fatal(err)
			}
			key := blob.Key(st.SHA256)
			if _, err := s.client.PutObject(t.Context(), s.bucket, key, bytes.NewReader(b), int64(len(b)), minio.PutObjectOptions{}); err != nil {
				t.Fatal(err)
			}
			before := versionsOf(t, s, key)
			if len(before) != 2 {
				t.Fatalf("set-up: %d versions of %s, want 2", len(before), key)
			}
			if err := s.Delete(t.Context(), st.SHA256); !errors.Is(err, blob.ErrLocked) {
				t.Fatalf("Delete with a locked older version = %v, want ErrLocked", err)
			}
			if after := versionsOf(t, s, key); len(after) != 2 || after[0].IsDeleteMarker || after[1].IsDeleteMarker {
				t.Fatalf("after a refused Delete %d versions remain (%+v), want both untouched", len(after), after)
			}
		})
	}
}

// A promotion still pending (a pointer and its staged object; here with no
// background copy running, as after a crash) is settled by Retain, so the
// COMPLIANCE retention lands on the content key, not on a temporary object.
func TestRetainSettlesPending(t *testing.T) {
	t.Parallel()
	c := testConfig(t)
	c.CopyInline = 1
	s := newTestStore(t, c)
	st, err := s.Stage(t.Context(), strings.NewReader("archived before its copy finished"))
	if err != nil {
		t.Fatal(err)
	}
	ptr := pointerKey(st.SHA256, st.TempKey)
	if _, err := s.client.PutObject(t.Context(), s.bucket, ptr, strings.NewReader(st.TempKey), int64(len(st.TempKey)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	until := time.Now().Add(3 * time.Second)
	if err := s.Retain(t.Context(), st.SHA256, until); err != nil {
		t.Fatalf("Retain of pending content: %v", err)
	}
	mode, date, err := s.client.GetObjectRetention(t.Context(), s.bucket, blob.Key(st.SHA256), "")
	if err != nil || mode == nil || *mode != minio.Compliance || date == nil || !date.Equal(blob.RetainUntil(until)) {
		t.Fatalf("retention of the content key = %v, %v, %v; want COMPLIANCE until %s", mode, date, err, blob.RetainUntil(until))
	}
	for _, key := range []string{st.TempKey, ptr} {
		if ok, err := s.exists(t.Context(), key); err != nil || ok {
			t.Errorf("after Retain %s exists = %v, %v; want it settled away", key, ok, err)
		}
	}
}

// A bucket made without object lock cannot get it later. The store must still
// serve it, but refuse Retain and Hold loudly rather than report protection
// that does not exist.
func TestBucketWithoutObjectLock(t *testing.T) {
	t.Parallel()
	c := testConfig(t)
	first := newTestStore(t, c)
	c.Bucket = first.bucket + "-nolock"
	// Made by hand: New would create it with object lock.
	if err := first.client.MakeBucket(t.Context(), c.Bucket, minio.MakeBucketOptions{Region: c.Region}); err != nil {
		t.Fatal(err)
	}
	s, err := New(t.Context(), c)
	if err != nil {
		t.Fatalf("New on a bucket without object lock: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := dropBucket(ctx, s); err != nil {
			t.Errorf("drop bucket %s: %v", s.bucket, err)
		}
	})
	st, err := s.Stage(t.Context(), strings.NewReader("in a bucket without object lock"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Promote(t.Context(), st); err != nil {
		t.Fatal(err)
	}
	if err := s.Retain(t.Context(), st.SHA256, time.Now().Add(time.Hour)); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("Retain without object lock = %v, want ErrUnsupported", err)
	}
	if err := s.Hold(t.Context(), st.SHA256, true); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("Hold without object lock = %v, want ErrUnsupported", err)
	}
	if until, held, err := s.Lock(t.Context(), st.SHA256); err != nil || !until.IsZero() || held {
		t.Errorf("Lock without object lock = %s, %t, %v; want none", until, held, err)
	}
	if err := s.Delete(t.Context(), st.SHA256); err != nil {
		t.Errorf("Delete without object lock: %v", err)
	}
}

func TestLockRefusal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"minio", minio.ErrorResponse{Code: "InvalidRequest", Message: "Object is WORM protected and cannot be overwritten"}, true},
		{"aws", minio.ErrorResponse{Code: "AccessDenied", Message: "Access Denied because object protected by object lock."}, true},
		{"wrapped", errors.Join(errors.New("remove"), minio.ErrorResponse{Code: "InvalidRequest", Message: "Object is WORM protected"}), true},
		{"permissions", minio.ErrorResponse{Code: "AccessDenied", Message: "Access Denied."}, false},
		{"other invalid request", minio.ErrorResponse{Code: "InvalidRequest", Message: "Bucket is missing ObjectLockConfiguration"}, false},
		{"missing", minio.ErrorResponse{Code: minio.NoSuchKey, Message: "The specified key does not exist."}, false},
		{"nil", nil, false},
	}
	for _, tc := range tests {
		if got := lockRefusal(tc.err); got != tc.want {
			t.Errorf("%s: lockRefusal(%v) = %t, want %t", tc.name, tc.err, got, tc.want)
		}
	}
}
