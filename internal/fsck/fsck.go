// Package fsck checks that the database and the blob store agree (SPEC §3a,
// §15): every file version and rendition has its blob, of the recorded
// size; every blob belongs to one of them or to an upload in progress; and,
// when asked, every blob's bytes still hash to its key (a scrub). It repairs
// only what is safe to repair: orphans older than an hour that nothing
// refers to and no lock protects. A missing or damaged blob is reported for
// an operator to restore from backup; nothing can rebuild its bytes.
package fsck

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"dossier/internal/blob"
	"dossier/internal/store"
)

// DefaultMinAge is how old an orphan must be before Repair removes it: an
// upload writes its blob before its database transaction commits, so a
// younger one may be on its way to being used.
const DefaultMinAge = time.Hour

// Options say what Check does besides looking.
type Options struct {
	Repair       bool // remove old orphans and abandoned uploads
	VerifyHashes bool // read every blob and check it hashes to its key
	// Rate bounds the bytes per second read to verify hashes, so that a
	// scrub does not starve the service; 0 means no bound.
	Rate int64
	// MinAge is how old an orphan must be to count as damage and to be
	// removed by Repair; 0 means DefaultMinAge.
	MinAge time.Duration
	// Progress is told the bytes hashed so far and the total; nil for none.
	Progress func(done, total int64)
	Now      func() time.Time // nil for time.Now
}

// Problem names what is wrong with one blob.
type Problem string

// The problems Check finds.
const (
	Missing     Problem = "missing"      // a file version or rendition has no blob
	WrongSize   Problem = "size"         // the stored size is not the recorded one
	Corrupt     Problem = "corrupt"      // the bytes no longer hash to the key
	Orphan      Problem = "orphan"       // a blob nothing refers to
	StaleUpload Problem = "stale_upload" // a staged upload never promoted nor discarded
)

// Finding is one problem with one blob.
type Finding struct {
	Problem Problem
	Key     string   // the content hash, or the staged object's key
	Size    int64    // as stored (0 when missing)
	Want    int64    // as recorded in the database (WrongSize)
	Uses    []string // what refers to it: "DOCUMENT/vN" or "DOCUMENT/RENDITION"
	Age     time.Duration
	// Young marks an orphan younger than MinAge: reported, but not damage
	// (an upload may be about to use it), and never removed.
	Young    bool
	Repaired bool
	Note     string // why it was left, or what the bytes hash to
}

// Damage reports whether the finding is damage still in the store.
func (f Finding) Damage() bool { return !f.Repaired && !f.Young }

// Report is what Check found.
type Report struct {
	Uses        int   // file versions and renditions checked
	Blobs       int   // content objects in the store
	Bytes       int64 // their size
	InFlight    int   // staged uploads younger than MinAge
	Hashed      int   // blobs whose bytes were verified
	HashedBytes int64
	Findings    []Finding
}

// Damaged counts the findings that are damage still in the store.
func (r Report) Damaged() int {
	n := 0
	for _, f := range r.Findings {
		if f.Damage() {
			n++
		}
	}
	return n
}

// use is one reference to a blob.
type use struct {
	name string
	size int64
}

// checker is one run of Check.
type checker struct {
	st    store.Store
	blobs blob.Store
	opt   Options
	now   time.Time
	rep   Report
	used  map[string][]use // sha256 → what refers to it
}

// Check compares the database with the blob store and, as opt says,
// verifies hashes and repairs. An error means the check could not be
// made; what it found is in the report.
func Check(ctx context.Context, st store.Store, blobs blob.Store, opt Options) (Report, error) {
	if opt.MinAge <= 0 {
		opt.MinAge = DefaultMinAge
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	c := &checker{st: st, blobs: blobs, opt: opt, now: opt.Now()}
	var err error
	if c.used, err = c.uses(ctx); err != nil {
		return c.rep, err
	}
	var content, staged []blob.Entry
	err = blobs.Walk(ctx, func(e blob.Entry) error {
		if e.SHA256 != "" {
			content = append(content, e)
		} else {
			staged = append(staged, e)
		}
		return nil
	})
	if err != nil {
		return c.rep, fmt.Errorf("fsck: list the blob store: %w", err)
	}
	slices.SortFunc(content, func(a, b blob.Entry) int { return cmp.Compare(a.SHA256, b.SHA256) })
	var orphans []blob.Entry
	seen := make(map[string]bool, len(content))
	for _, e := range content {
		c.rep.Blobs++
		c.rep.Bytes += e.Size
		seen[e.SHA256] = true
		if us, ok := c.used[e.SHA256]; ok {
			c.checkSize(e, us)
		} else {
			orphans = append(orphans, e)
		}
	}
	if err := c.missing(ctx, seen); err != nil {
		return c.rep, err
	}
	if opt.VerifyHashes {
		if err := c.verify(ctx, content); err != nil {
			return c.rep, err
		}
	}
	if err := c.orphans(ctx, orphans); err != nil {
		return c.rep, err
	}
	c.staged(ctx, staged)
	return c.rep, nil
}

// uses reads every reference to a blob from the database.
func (c *checker) uses(ctx context.Context) (map[string][]use, error) {
	out := map[string][]use{}
	err := c.st.Read(ctx, func(tx store.Tx) error {
		return tx.ScanBlobRefs(ctx, func(r store.BlobRef) error {
			c.rep.Uses++
			out[r.SHA256] = append(out[r.SHA256], use{name: useName(r), size: r.Size})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("fsck: read the file versions: %w", err)
	}
	return out, nil
}

func useName(r store.BlobRef) string {
	if r.Rendition != "" {
		return r.DocumentID + "/" + r.Rendition
	}
	return fmt.Sprintf("%s/v%d", r.DocumentID, r.FileVersion)
}

func names(us []use) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.name
	}
	return out
}

// checkSize reports the uses of e that record another size than stored.
func (c *checker) checkSize(e blob.Entry, us []use) {
	var wrong []use
	for _, u := range us {
		if u.size != e.Size {
			wrong = append(wrong, u)
		}
	}
	if len(wrong) > 0 {
		c.rep.Findings = append(c.rep.Findings, Finding{Problem: WrongSize, Key: e.SHA256, Size: e.Size, Want: wrong[0].size, Uses: names(wrong)})
	}
}

// missing reports the referenced blobs the walk did not see. Each is looked
// up again, in the database and the store, so that a document made or
// purged while the check ran is not reported.
func (c *checker) missing(ctx context.Context, seen map[string]bool) error {
	var shas []string
	for sha := range c.used {
		if !seen[sha] {
			shas = append(shas, sha)
		}
	}
	slices.Sort(shas)
	for _, sha := range shas {
		if err := blob.CheckSHA256(sha); err != nil {
			c.rep.Findings = append(c.rep.Findings, Finding{Problem: Missing, Key: sha, Uses: names(c.used[sha]), Note: "not a SHA-256"})
			continue
		}
		used, err := c.inUse(ctx, sha)
		if err != nil {
			return err
		}
		if !used {
			continue
		}
		if _, err := c.blobs.Stat(ctx, sha); err == nil {
			continue
		} else if !isNotFound(err) {
			return fmt.Errorf("fsck: stat %s: %w", sha, err)
		}
		c.rep.Findings = append(c.rep.Findings, Finding{Problem: Missing, Key: sha, Uses: names(c.used[sha])})
	}
	return nil
}

// inUse asks the database afresh whether any document uses sha.
func (c *checker) inUse(ctx context.Context, sha string) (bool, error) {
	var used bool
	err := c.st.Read(ctx, func(tx store.Tx) error {
		docs, err := tx.DocumentsUsingBlob(ctx, sha)
		used = len(docs) > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("fsck: look up %s: %w", sha, err)
	}
	return used, nil
}
