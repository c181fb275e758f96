// Package s3 is the production blob.Store: any S3-compatible object store (MinIO,
// AWS S3) reached through minio-go.
//
// Staged uploads go to tmp/<random> in the same bucket and are promoted with a
// server-side copy, so the bytes cross the network once. The bucket is created
// with object lock so that archived documents can get COMPLIANCE retention later
// (object lock can only be switched on when a bucket is created); Retain and Hold
// set it on the content object (see lock.go).
package s3

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"

	"dossier/internal/blob"
)

// Config says where the bucket is. Build it with ParseURL from DOSSIER_BLOB_URL.
type Config struct {
	Bucket    string
	Endpoint  string // host:port, no scheme
	AccessKey string
	SecretKey string
	Secure    bool // TLS; defaults to true so credentials never travel in clear by accident
	Region    string
	// CopyInline is the size up to which a promotion copies before it returns
	// (0: 32 MiB); tests lower it to exercise the background path.
	CopyInline int64
}

// String omits the secret key, so a Config can be logged at start-up.
func (c Config) String() string {
	return fmt.Sprintf("s3://%s?endpoint=%s&access_key=%s&secure=%t&region=%s",
		c.Bucket, c.Endpoint, c.AccessKey, c.Secure, c.Region)
}

var knownParams = map[string]bool{
	"endpoint": true, "access_key": true, "secret_key": true, "secure": true, "region": true,
}

// ParseURL parses s3://bucket?endpoint=host:9000&access_key=..&secret_key=..&secure=false&region=..
// Unknown parameters are rejected: a misspelt "secure" silently ignored would
// send credentials in clear or fail in a confusing way much later.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error would echo the whole URL, secret key included.
		return Config{}, errors.New("blob url: not a valid URL")
	}
	if u.Scheme != "s3" {
		return Config{}, fmt.Errorf("blob url: scheme %q, want s3", u.Scheme)
	}
	c := Config{Bucket: u.Host, Secure: true}
	if c.Bucket == "" {
		return Config{}, errors.New("blob url: missing bucket (s3://BUCKET?endpoint=...)")
	}
	if err := s3utils.CheckValidBucketNameStrict(c.Bucket); err != nil {
		return Config{}, fmt.Errorf("blob url: bucket %q: %w", c.Bucket, err)
	}
	if u.Path != "" && u.Path != "/" {
		return Config{}, fmt.Errorf("blob url: path %q not supported, only a bucket", u.Path)
	}
	if u.User != nil {
		return Config{}, errors.New("blob url: put credentials in access_key and secret_key, not before the bucket")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Config{}, errors.New("blob url: malformed query string")
	}
	for k, v := range q {
		if !knownParams[k] {
			return Config{}, fmt.Errorf("blob url: unknown parameter %q", k)
		}
		if len(v) > 1 {
			return Config{}, fmt.Errorf("blob url: parameter %q given %d times", k, len(v))
		}
	}
	c.Endpoint = q.Get("endpoint")
	c.AccessKey, c.SecretKey, c.Region = q.Get("access_key"), q.Get("secret_key"), q.Get("region")
	switch {
	case c.Endpoint == "":
		return Config{}, errors.New("blob url: missing endpoint (endpoint=host:port)")
	case strings.Contains(c.Endpoint, "://") || strings.ContainsAny(c.Endpoint, "/?#"):
		return Config{}, fmt.Errorf("blob url: endpoint %q: want host:port without scheme or path (use secure=false for http)", c.Endpoint)
	case (c.AccessKey == "") != (c.SecretKey == ""):
		return Config{}, errors.New("blob url: access_key and secret_key must be given together")
	}
	if s := q.Get("secure"); s != "" {
		if c.Secure, err = strconv.ParseBool(s); err != nil {
			return Config{}, fmt.Errorf("blob url: bad secure value %q, want true or false", s)
		}
	}
	return c, nil
}

// Store implements blob.Store on one bucket.
type Store struct {
	client *minio.Client
	bucket string
	// copyInline is the size up to which Promote copies before it returns;
	// larger objects are copied in the background (see Promote).
	copyInline int64
	settling   sync.WaitGroup
	// locking is false on a bucket made without object lock (by an operator, or
	// before Dossier asked for it): Retain and Hold then refuse rather than pretend.
	locking bool
	// flights maps the done channel of each background settle to its content
	// hash, so Retain and Hold wait for that content's copy only.
	mu      sync.Mutex
	flights map[chan struct{}]string
}

var _ blob.Store = (*Store)(nil)

// New connects and creates the bucket, with object lock, when it is missing.
// Several replicas may start at once: losing the creation race is success.
func New(ctx context.Context, c Config) (*Store, error) {
	client, err := minio.New(c.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure: c.Secure,
		Region: c.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("blob s3 %s: %w", c.Endpoint, err)
	}
	s := &Store{client: client, bucket: c.Bucket, copyInline: c.CopyInline, flights: map[chan struct{}]string{}}
	if s.copyInline <= 0 {
		s.copyInline = defaultCopyInline
	}
	exists, err := client.BucketExists(ctx, c.Bucket)
	if err != nil {
		return nil, wrap("check bucket", c.Bucket, err)
	}
	if exists {
		if s.locking, err = s.lockEnabled(ctx); err != nil {
			return nil, err
		}
		return s, s.resume(ctx)
	}
	err = client.MakeBucket(ctx, c.Bucket, minio.MakeBucketOptions{Region: c.Region, ObjectLocking: true})
	if err != nil {
		code := errorCode(err)
		if code != minio.BucketAlreadyOwnedByYou && code != minio.BucketAlreadyExists {
			return nil, wrap("create bucket", c.Bucket, err)
		}
		// BucketAlreadyExists may also mean another account owns the name; only a
		// bucket we can reach counts as created.
		if ok, err := client.BucketExists(ctx, c.Bucket); err != nil || !ok {
			return nil, wrap("create bucket", c.Bucket, errors.Join(errors.New("created concurrently but not accessible"), err))
		}
		if s.locking, err = s.lockEnabled(ctx); err != nil {
			return nil, err
		}
		return s, nil
	}
	s.locking = true
	return s, nil
}

// errorCode returns the S3 error code ("NoSuchKey", …) or "" for other errors.
func errorCode(err error) string {
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er.Code
	}
	return ""
}

// wrap adds the operation and key, and translates the backend's vocabulary into
// the sentinels callers test with errors.Is.
func wrap(op, key string, err error) error {
	switch {
	case errorCode(err) == minio.NoSuchKey:
		return fmt.Errorf("blob %s %s: %w", op, key, blob.ErrNotFound)
	case unavailable(err):
		return fmt.Errorf("blob %s %s: %w: %w", op, key, blob.ErrUnavailable, err)
	default:
		return fmt.Errorf("blob %s %s: %w", op, key, err)
	}
}

// unavailable reports errors meaning "the store did not answer" rather than "the
// store refused": no HTTP response at all, a deadline that ran out (minio-go
// retries refused connections until the context ends), or an explicit 503.
func unavailable(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false // the caller gave up; the store may be fine
	}
	var (
		ue  *url.Error
		oe  *net.OpError
		dns *net.DNSError
		er  minio.ErrorResponse
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, syscall.ECONNREFUSED),
		errors.As(err, &ue), errors.As(err, &oe), errors.As(err, &dns):
		return true
	case errors.As(err, &er):
		return er.StatusCode == http.StatusServiceUnavailable
	}
	return false
}
