package fsck

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"golang.org/x/time/rate"

	"dossier/internal/blob"
)

// chunk is how much is read, and waited for, at a time while hashing.
const chunk = 256 << 10

// verify reads every blob and reports those whose bytes no longer hash to
// their key, at most Rate bytes a second.
func (c *checker) verify(ctx context.Context, content []blob.Entry) error {
	var total, done int64
	for _, e := range content {
		total += e.Size
	}
	limit := rate.NewLimiter(rate.Inf, chunk)
	if c.opt.Rate > 0 {
		limit = rate.NewLimiter(rate.Limit(c.opt.Rate), chunk)
	}
	progress := func(n int64) {
		done += n
		if c.opt.Progress != nil {
			c.opt.Progress(done, total)
		}
	}
	for _, e := range content {
		sum, n, err := c.hash(ctx, e.SHA256, limit, progress)
		if isNotFound(err) {
			continue // deleted since the walk (a purge)
		}
		if err != nil {
			return err
		}
		c.rep.Hashed++
		c.rep.HashedBytes += n
		if sum != e.SHA256 {
			c.rep.Findings = append(c.rep.Findings, Finding{Problem: Corrupt, Key: e.SHA256, Size: n,
				Uses: names(c.used[e.SHA256]), Note: "the bytes hash to " + sum})
		}
	}
	return nil
}

// hash reads the blob sha through the limiter and returns its SHA-256.
func (c *checker) hash(ctx context.Context, sha string, limit *rate.Limiter, progress func(int64)) (string, int64, error) {
	rc, err := c.blobs.Open(ctx, sha)
	if err != nil {
		return "", 0, err
	}
	defer rc.Close()
	h := sha256.New()
	buf := make([]byte, chunk)
	var n int64
	for {
		k, err := rc.Read(buf)
		if k > 0 {
			h.Write(buf[:k])
			n += int64(k)
			progress(int64(k))
			if werr := limit.WaitN(ctx, k); werr != nil {
				return "", n, werr
			}
		}
		if err == io.EOF {
			return hex.EncodeToString(h.Sum(nil)), n, nil
		}
		if err != nil {
			return "", n, fmt.Errorf("fsck: read %s: %w", sha, err)
		}
	}
}
