// Package blob defines where document bytes live: a content-addressed Store whose
// keys derive from the SHA-256 of the bytes, so identical uploads are stored once
// and a stored key can never point at different content.
//
// Uploads are two-phase (Stage, then Promote or Discard) because the service must
// hash and sniff a stream before it knows whether to keep it, and must not buffer
// it to do so. The implementations live below this package (blob/fs, blob/s3) and
// all pass the conformance suite in blob/blobtest.
package blob

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"time"
)

// Store keeps document bytes under content-addressed keys.
type Store interface {
	// Stage streams r to a new temporary object while hashing it with SHA-256.
	// Memory must not grow with the size of r (stream; never buffer whole
	// files), except that a store may hold a small file in memory (see
	// Staged.Held).
	Stage(ctx context.Context, r io.Reader) (Staged, error)
	// Promote moves a staged object to its content key Key(s.SHA256). If that key already
	// exists (identical bytes uploaded before) the staged object is just removed. Idempotent.
	Promote(ctx context.Context, s Staged) error
	// Discard removes a staged object (validation failed). Removing a missing one is not an error.
	Discard(ctx context.Context, s Staged) error
	// Open returns the content of sha256 (hex) for reading with Seek (http.ServeContent uses
	// it for Range requests). Missing → an error wrapping ErrNotFound.
	Open(ctx context.Context, sha256 string) (io.ReadSeekCloser, error)
	// Stat returns the stored size; missing → ErrNotFound.
	Stat(ctx context.Context, sha256 string) (int64, error)
	// Delete removes promoted content (purge, fsck). Missing is not an error. Content
	// under retention or legal hold is left whole and the error wraps ErrLocked.
	Delete(ctx context.Context, sha256 string) error
	// Retain protects the content of sha from deletion until `until` (S3: object lock
	// COMPLIANCE retention on the content object; the filesystem store records it and
	// enforces it itself). A retention is never shortened: an earlier `until` than the
	// one in force is a no-op. `until` is rounded up to a whole second, the finest
	// precision every backend keeps. Missing content → ErrNotFound.
	Retain(ctx context.Context, sha256 string, until time.Time) error
	// Hold sets (on) or clears a legal hold on the content of sha; while held it cannot
	// be deleted whatever its retention. Missing content → ErrNotFound.
	Hold(ctx context.Context, sha256 string, on bool) error
	// Lock reports the retention and hold in force: a zero until when none was set or
	// it has lapsed. Missing content → ErrNotFound.
	Lock(ctx context.Context, sha256 string) (until time.Time, held bool, err error)
	// Walk calls fn for every promoted content hash and, separately, every staged
	// (temporary) object with its last-modified time, for `dossier fsck` (orphans).
	// An error from fn stops the walk and is returned.
	Walk(ctx context.Context, fn func(Entry) error) error
	// Ping checks the backend answers (used by /readyz).
	Ping(ctx context.Context) error
	Records
	// Close waits for work the store finishes in the background.
	Close() error
}

// Staged is an uploaded but not yet promoted object.
type Staged struct {
	TempKey string // "tmp/<random>"; see NewTempKey
	SHA256  string // lowercase hex of the staged bytes
	Size    int64
	// Held is the whole content of a small file that the store keeps in
	// memory instead of a temporary object, nil otherwise: Promote writes it
	// under its content key in one request, Discard has nothing to remove,
	// and a crash in between leaves nothing behind.
	Held []byte
}

// Entry is one object reported by Store.Walk: either promoted content (SHA256 set)
// or a staged object (TempKey set), never both.
type Entry struct {
	SHA256  string // "" for staged
	TempKey string // "" for content
	Size    int64
	ModTime time.Time
}

var (
	// ErrNotFound is wrapped by Open and Stat when no content has that hash, and by
	// Promote when the staged object has vanished without having been promoted.
	ErrNotFound = errors.New("blob not found")
	// ErrUnavailable is wrapped when the backend cannot be reached (connection
	// refused, DNS, timeouts), so the HTTP layer can answer 503 instead of 500.
	ErrUnavailable = errors.New("blob store unavailable")
	// ErrInvalidKey is wrapped when a hash or temporary key is malformed. Nothing
	// built from such a value ever reaches a path or an object name.
	ErrInvalidKey = errors.New("invalid blob key")
	// ErrLocked is wrapped by Delete when a retention or legal hold forbids it, so
	// a purge can tell "not yet allowed" from a failure.
	ErrLocked = errors.New("blob is under retention or legal hold")
	// ErrExists is wrapped by PutRecord when a record of that name is already
	// stored: records are written once and never replaced.
	ErrExists = errors.New("record already exists")
)

// RetainUntil rounds a retention date up to a whole second in UTC: S3 keeps
// retention dates to the millisecond at best, and rounding down would end the
// protection before the date asked for. Stores apply it so that Lock reports the
// same date on every backend.
func RetainUntil(t time.Time) time.Time {
	r := t.UTC().Truncate(time.Second)
	if r.Before(t) {
		r = r.Add(time.Second)
	}
	return r
}

// Key prefixes: staged objects and content live apart so that listings (Walk) and
// bucket lifecycle rules can address each set on its own.
const (
	TempPrefix    = "tmp/"
	ContentPrefix = "sha256/"
)

// CheckSHA256 reports whether s is exactly 64 lowercase hex characters. Callers
// validate before calling Key, because hashes arrive in URLs and CLI arguments.
func CheckSHA256(s string) error {
	if len(s) != 64 {
		return fmt.Errorf("sha256 %.70q: want 64 hex characters: %w", s, ErrInvalidKey)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return fmt.Errorf("sha256 %q: not lowercase hex: %w", s, ErrInvalidKey)
		}
	}
	return nil
}

// Key returns the content key of a validated hash, "sha256/ab/cd/abcd…". Two levels
// of fan-out keep directories (and S3 listing pages) small.
//
// It panics when sha256 fails CheckSHA256: a caller that skipped validation has a
// bug, and building a path from unvalidated input would be worse than crashing.
func Key(sha256 string) string {
	if err := CheckSHA256(sha256); err != nil {
		panic("blob.Key: " + err.Error())
	}
	return ContentPrefix + sha256[0:2] + "/" + sha256[2:4] + "/" + sha256
}

// SHA256FromKey is the inverse of Key, for listings; ok is false for anything that
// Key could not have produced (stray objects are skipped rather than trusted).
func SHA256FromKey(key string) (sha string, ok bool) {
	rest, found := strings.CutPrefix(key, ContentPrefix)
	if !found || len(rest) != 2+1+2+1+64 {
		return "", false
	}
	sha = rest[6:]
	if CheckSHA256(sha) != nil || Key(sha) != key {
		return "", false
	}
	return sha, true
}

// NewTempKey returns a fresh, unguessable staging key. Randomness (not a counter)
// lets several replicas stage into one bucket without coordination.
func NewTempKey() string {
	return TempPrefix + strings.ToLower(rand.Text())
}

// CheckTempKey rejects anything NewTempKey could not have produced, so a forged
// Staged value cannot make Promote or Discard touch another object or path.
func CheckTempKey(key string) error {
	name, ok := strings.CutPrefix(key, TempPrefix)
	if !ok || name == "" || len(name) > 64 {
		return fmt.Errorf("temp key %.80q: %w", key, ErrInvalidKey)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'z') {
			return fmt.Errorf("temp key %q: %w", key, ErrInvalidKey)
		}
	}
	return nil
}

// HashReader passes bytes through from an underlying reader while hashing and
// counting them, so a store learns the content key of a stream in the same single
// pass that uploads it: no second read, no buffering of the whole file.
//
// It is not safe for concurrent use; the result is meaningful once Read has
// returned io.EOF.
type HashReader struct {
	r    io.Reader
	h    hash.Hash
	size int64
}

// NewHashReader wraps r.
func NewHashReader(r io.Reader) *HashReader {
	return &HashReader{r: r, h: sha256.New()}
}

// Read implements io.Reader. Only the bytes actually returned are hashed, so the
// hash matches exactly what the consumer (file or upload) received.
func (hr *HashReader) Read(p []byte) (int, error) {
	n, err := hr.r.Read(p)
	if n > 0 {
		hr.h.Write(p[:n]) // hash.Hash.Write never fails
		hr.size += int64(n)
	}
	return n, err
}

// Size returns the number of bytes read so far.
func (hr *HashReader) Size() int64 { return hr.size }

// SHA256 returns the lowercase hex SHA-256 of the bytes read so far.
func (hr *HashReader) SHA256() string { return hex.EncodeToString(hr.h.Sum(nil)) }

// Staged returns the Staged value for the stream once it has been fully consumed.
func (hr *HashReader) Staged(tempKey string) Staged {
	return Staged{TempKey: tempKey, SHA256: hr.SHA256(), Size: hr.size}
}
