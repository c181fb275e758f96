package s3

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"dossier/internal/blob"
	"dossier/internal/blob/blobtest"
)

// testConfig reads DOSSIER_TEST_S3_URL. Without it the S3 tests skip on a
// developer machine but fail under CI, where a silently skipped backend would
// let the production store go untested.
func testConfig(t *testing.T) Config {
	t.Helper()
	raw := os.Getenv("DOSSIER_TEST_S3_URL")
	if raw == "" {
		msg := "DOSSIER_TEST_S3_URL not set (e.g. s3://dossier-test?endpoint=127.0.0.1:9000&access_key=minioadmin&secret_key=minioadmin&secure=false)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; required when CI=true")
		}
		t.Skip(msg)
	}
	c, err := ParseURL(raw)
	if err != nil {
		t.Fatalf("DOSSIER_TEST_S3_URL: %v", err)
	}
	return c
}

// newTestStore creates a store on a bucket of its own, so parallel tests and
// earlier runs cannot see each other's objects, and removes it afterwards.
func newTestStore(t *testing.T, c Config) *Store {
	t.Helper()
	suffix := strings.ToLower(rand.Text())[:10]
	base := strings.TrimRight(c.Bucket[:min(len(c.Bucket), 63-1-len(suffix))], "-.")
	c.Bucket = base + "-" + suffix
	s, err := New(t.Context(), c)
	if err != nil {
		t.Fatalf("New(%s): %v", c, err)
	}
	t.Cleanup(func() {
		s.Close() // background promotions first, or they race the drop
		// t.Context is already cancelled when clean-up runs.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := dropBucket(ctx, s); err != nil {
			t.Errorf("drop bucket %s: %v", s.bucket, err)
		}
	})
	return s
}

// dropBucket deletes every object version, then the bucket; plain S3 offers no
// recursive bucket delete. COMPLIANCE retention cannot be lifted, so versions
// a test left retained are retried (holds cleared) until it lapses; the tests
// keep retentions to a few seconds, which the bound leaves room for.
func dropBucket(ctx context.Context, s *Store) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		locked, err := removeVersions(ctx, s)
		if err != nil {
			return err
		}
		if locked == 0 {
			return s.client.RemoveBucket(ctx, s.bucket)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d versions still locked after 30 s", locked)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// removeVersions removes every version it can and counts those still locked.
func removeVersions(ctx context.Context, s *Store) (locked int, err error) {
	off := minio.LegalHoldDisabled
	opts := minio.ListObjectsOptions{WithVersions: true, Recursive: true}
	for obj := range s.client.ListObjects(ctx, s.bucket, opts) {
		if obj.Err != nil {
			return 0, obj.Err
		}
		remove := minio.RemoveObjectOptions{VersionID: obj.VersionID}
		err := s.client.RemoveObject(ctx, s.bucket, obj.Key, remove)
		if lockRefusal(err) {
			err = s.client.PutObjectLegalHold(ctx, s.bucket, obj.Key, minio.PutObjectLegalHoldOptions{Status: &off, VersionID: obj.VersionID})
			if err == nil {
				err = s.client.RemoveObject(ctx, s.bucket, obj.Key, remove)
			}
		}
		if lockRefusal(err) {
			locked++
			continue
		}
		if err != nil {
			return 0, err
		}
	}
	return locked, nil
}

func TestConformance(t *testing.T) {
	c := testConfig(t)
	blobtest.Run(t, func(t *testing.T) blob.Store { return newTestStore(t, c) })
}

// Every promotion takes the background path: content must be readable
// through its pointer at once, and land at its content key by Close.
func TestConformanceDeferredCopy(t *testing.T) {
	c := testConfig(t)
	c.CopyInline = 1
	blobtest.Run(t, func(t *testing.T) blob.Store { return newTestStore(t, c) })
}

func TestDeferredCopySettles(t *testing.T) {
	t.Parallel()
	c := testConfig(t)
	c.CopyInline = 1
	s := newTestStore(t, c)
	st, err := s.Stage(t.Context(), strings.NewReader("a large file, as far as this store knows"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Promote(t.Context(), st); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.exists(t.Context(), blob.Key(st.SHA256)); err != nil || !ok {
		t.Fatalf("after Close the content key exists = %v, %v; want true", ok, err)
	}
	for _, key := range []string{st.TempKey, pointerKey(st.SHA256, st.TempKey)} {
		if ok, err := s.exists(t.Context(), key); err != nil || ok {
			t.Errorf("after Close %s exists = %v, %v; want it gone", key, ok, err)
		}
	}
}

// A pointer left by a crash is finished when the store is opened again.
func TestDeferredCopyResumes(t *testing.T) {
	t.Parallel()
	c := testConfig(t)
	c.CopyInline = 1
	s := newTestStore(t, c)
	st, err := s.Stage(t.Context(), strings.NewReader("left pending by a crash"))
	if err != nil {
		t.Fatal(err)
	}
	ptr := pointerKey(st.SHA256, st.TempKey)
	if _, err := s.client.PutObject(t.Context(), s.bucket, ptr, strings.NewReader(st.TempKey), int64(len(st.TempKey)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	c.Bucket = s.bucket
	again, err := New(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if ok, err := s.exists(t.Context(), blob.Key(st.SHA256)); err != nil || !ok {
		t.Fatalf("after reopening the content key exists = %v, %v; want true", ok, err)
	}
}

// The archive relies on object lock, which can only be enabled at creation.
func TestNewCreatesBucketWithObjectLock(t *testing.T) {
	t.Parallel()
	s := newTestStore(t, testConfig(t))
	enabled, _, _, _, err := s.client.GetObjectLockConfig(t.Context(), s.bucket)
	if err != nil || enabled != "Enabled" {
		t.Fatalf("object lock on new bucket = %q, %v; want Enabled", enabled, err)
	}
}

// Replicas starting together all try to create the bucket; all must succeed.
func TestNewToleratesConcurrentCreators(t *testing.T) {
	t.Parallel()
	first := newTestStore(t, testConfig(t))
	c := testConfig(t)
	c.Bucket = first.bucket
	const n = 4
	errs := make(chan error, n)
	for range n {
		go func() { _, err := New(t.Context(), c); errs <- err }()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("New on existing bucket: %v", err)
		}
	}
}

func TestNewUnreachable(t *testing.T) {
	t.Parallel()
	// A port that was just listening and is now closed: connection refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	_, err = New(ctx, Config{Bucket: "dossier-test", Endpoint: addr, AccessKey: "k", SecretKey: "s"})
	if !errors.Is(err, blob.ErrUnavailable) {
		t.Fatalf("New against closed port %s = %v, want ErrUnavailable", addr, err)
	}
}

func TestParseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw     string
		want    Config
		wantErr string // substring naming the bad part
	}{
		{
			raw:  "s3://docs?endpoint=minio:9000&access_key=ak&secret_key=sk&secure=false&region=eu-west-1",
			want: Config{Bucket: "docs", Endpoint: "minio:9000", AccessKey: "ak", SecretKey: "sk", Region: "eu-west-1"},
		},
		{
			raw:  "s3://docs?endpoint=s3.amazonaws.com&access_key=ak&secret_key=s%2Fk%2B",
			want: Config{Bucket: "docs", Endpoint: "s3.amazonaws.com", AccessKey: "ak", SecretKey: "s/k+", Secure: true},
		},
		{raw: "s3://docs/?endpoint=h:1&secure=1", want: Config{Bucket: "docs", Endpoint: "h:1", Secure: true}},
		{raw: "s3://?endpoint=h:9000", wantErr: "missing bucket"},
		{raw: "s3:///?endpoint=h:9000", wantErr: "missing bucket"},
		{raw: "s3://docs?access_key=a&secret_key=b", wantErr: "missing endpoint"},
		{raw: "s3://docs?endpoint=h:9000&secure=maybe", wantErr: `bad secure value "maybe"`},
		{raw: "s3://docs?endpoint=http://h:9000", wantErr: "without scheme"},
		{raw: "s3://docs?endpoint=h:9000&acces_key=a", wantErr: `unknown parameter "acces_key"`},
		{raw: "s3://docs?endpoint=h:9000&access_key=a", wantErr: "together"},
		{raw: "s3://docs/sub/dir?endpoint=h:9000", wantErr: "path"},
		{raw: "s3://Docs_Bad?endpoint=h:9000", wantErr: "bucket"},
		{raw: "file:///data/blobs", wantErr: "scheme"},
		{raw: "s3://docs?endpoint=a&endpoint=b", wantErr: "2 times"},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			got, err := ParseURL(tc.raw)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseURL error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseURL = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// Config is logged at start-up; the secret must not appear.
func TestConfigStringHidesSecret(t *testing.T) {
	t.Parallel()
	c := Config{Bucket: "b", Endpoint: "h:1", AccessKey: "ak", SecretKey: "very-secret"}
	if s := c.String(); strings.Contains(s, "very-secret") {
		t.Fatalf("Config.String() = %q leaks the secret key", s)
	}
}

// The bucket is versioned (object lock requires it), so a plain delete would
// leave the bytes behind a delete marker: Promote, Discard and Delete must leave
// no version at all, or storage would grow with every upload.
func TestNoVersionsLeftBehind(t *testing.T) {
	t.Parallel()
	s := newTestStore(t, testConfig(t))
	ctx := t.Context()
	kept, err := s.Stage(ctx, strings.NewReader("promoted then deleted"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Promote(ctx, kept); err != nil {
		t.Fatal(err)
	}
	dropped, err := s.Stage(ctx, strings.NewReader("discarded"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Discard(ctx, dropped); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, kept.SHA256); err != nil {
		t.Fatal(err)
	}
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{WithVersions: true, Recursive: true}) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		t.Errorf("left behind: %s version %s (delete marker %t)", obj.Key, obj.VersionID, obj.IsDeleteMarker)
	}
}

// A file up to holdMax is held in memory until Promote writes it under its
// content key: no temporary object is ever written for it. A larger one is
// staged as an object.
func TestSmallFileHeldUntilPromote(t *testing.T) {
	t.Parallel()
	s := newTestStore(t, testConfig(t))
	small, err := s.Stage(t.Context(), bytes.NewReader(bytes.Repeat([]byte("purchase order "), 300)))
	if err != nil {
		t.Fatal(err)
	}
	if small.Held == nil {
		t.Fatalf("a %d-byte file was not held", small.Size)
	}
	if ok, err := s.exists(t.Context(), small.TempKey); err != nil || ok {
		t.Fatalf("the held file's temporary object exists = %v, %v; want none written", ok, err)
	}
	if err := s.Promote(t.Context(), small); err != nil {
		t.Fatal(err)
	}
	if size, err := s.Stat(t.Context(), small.SHA256); err != nil || size != small.Size {
		t.Fatalf("after Promote Stat = %d, %v; want %d", size, err, small.Size)
	}
	// The same bytes again are there already: no second version is written.
	again, err := s.Stage(t.Context(), bytes.NewReader(small.Held))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Promote(t.Context(), again); err != nil {
		t.Fatalf("Promote of bytes stored before: %v", err)
	}
	versions := 0
	for obj := range s.client.ListObjects(t.Context(), s.bucket, minio.ListObjectsOptions{Prefix: blob.Key(small.SHA256), WithVersions: true}) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		versions++
	}
	if versions != 1 {
		t.Fatalf("the content key has %d versions after the same bytes were promoted twice, want 1", versions)
	}

	large, err := s.Stage(t.Context(), bytes.NewReader(make([]byte, holdMax+1)))
	if err != nil {
		t.Fatal(err)
	}
	if large.Held != nil {
		t.Fatal("a file over holdMax was held in memory")
	}
	if ok, err := s.exists(t.Context(), large.TempKey); err != nil || !ok {
		t.Fatalf("the large file's temporary object exists = %v, %v; want it written", ok, err)
	}
	if err := s.Discard(t.Context(), large); err != nil {
		t.Fatal(err)
	}
}
