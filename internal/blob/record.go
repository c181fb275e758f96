package blob

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// Records are small named objects written once and never replaced or deleted
// by the service: what must outlive a rewrite of the database, such as the
// signed checkpoints of the audit chains. They live apart from content
// (under RecordPrefix) so that Walk, fsck and purge never see them.
type Records interface {
	// PutRecord stores data under name unless a record of that name exists,
	// in which case it leaves that record whole and fails with ErrExists,
	// even when two writers race. A non-zero retainUntil protects the record
	// from deletion until then (S3: COMPLIANCE retention set with the write,
	// so there is no moment the record is unprotected). Invalid name →
	// ErrInvalidKey.
	PutRecord(ctx context.Context, name string, data []byte, retainUntil time.Time) error
	// GetRecord returns the bytes of a record; missing → ErrNotFound.
	GetRecord(ctx context.Context, name string) ([]byte, error)
	// ListRecords returns the names of the records that start with prefix,
	// in byte order.
	ListRecords(ctx context.Context, prefix string) ([]string, error)
}

// RecordPrefix is where records are kept in the store.
const RecordPrefix = "records/"

// MaxRecordSize bounds a record: records are read whole into memory.
const MaxRecordSize = 64 << 20

// CheckRecordName accepts slash-separated segments of lowercase letters,
// digits, '-', '_' and '.', none empty or made of dots only, so that a name is
// always a safe relative path and a valid object key. A prefix for
// ListRecords is checked with prefix true, where a trailing slash or an empty
// string is allowed.
func CheckRecordName(name string, prefix bool) error {
	if name == "" && prefix {
		return nil
	}
	if len(name) > 200 {
		return fmt.Errorf("record name %.40q…: longer than 200 characters: %w", name, ErrInvalidKey)
	}
	segs := strings.Split(name, "/")
	if prefix && len(segs) > 1 && segs[len(segs)-1] == "" {
		segs = segs[:len(segs)-1]
	}
	for _, seg := range segs {
		if seg == "" || strings.Trim(seg, ".") == "" {
			return fmt.Errorf("record name %q: empty or dot-only segment: %w", name, ErrInvalidKey)
		}
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '_' && c != '.' {
				return fmt.Errorf("record name %q: character %q not allowed: %w", name, c, ErrInvalidKey)
			}
		}
	}
	return nil
}

// CheckRecord is what every adapter's PutRecord checks before it writes: a
// valid name and at most MaxRecordSize bytes.
func CheckRecord(name string, data []byte) error {
	if err := CheckRecordName(name, false); err != nil {
		return fmt.Errorf("blob put record: %w", err)
	}
	if len(data) > MaxRecordSize {
		return fmt.Errorf("blob put record %s: %d bytes, more than %d", name, len(data), MaxRecordSize)
	}
	return nil
}

// ReadRecord reads a stored record from r, refusing one larger than
// MaxRecordSize rather than reading a replaced object whole.
func ReadRecord(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxRecordSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxRecordSize {
		return nil, fmt.Errorf("larger than %d bytes", MaxRecordSize)
	}
	return data, nil
}
