package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	flag "github.com/spf13/pflag"

	"dossier/internal/config"
	"dossier/internal/fsck"
)

func fsckFlags(fs *flag.FlagSet) {
	fs.Bool("repair", false, "remove orphan blobs and abandoned uploads older than an hour (never anything referenced or locked)")
	fs.Bool("verify-hashes", false, "read every blob and check that its bytes still hash to its key (a scrub)")
	fs.String("rate", "64MiB", "with --verify-hashes, read at most this many bytes a second; 0 for no limit")
}

const fsckHelp = `Checks that the database and the blob store agree: every file version and
rendition has its blob, of the recorded size; every blob belongs to one of them
or to an upload still in progress. --verify-hashes also reads every blob and
checks its bytes still hash to its key, at most --rate bytes a second.

An orphan (a blob nothing refers to, left by an upload that crashed before its
commit) younger than an hour is reported but left alone: an upload may be about
to use it. --repair removes older orphans and abandoned uploads, after asking
the database again and only if no lock protects them. Missing, wrongly sized or
corrupt blobs cannot be repaired: restore them from a backup.

Exit codes: 0 no damage (or all of it repaired), 1 damage remains, 2 usage.`

func fsckRun(ctx context.Context, env Env, c config.Config, fs *flag.FlagSet) error {
	repair, _ := fs.GetBool("repair")
	verify, _ := fs.GetBool("verify-hashes")
	rawRate, _ := fs.GetString("rate")
	rate, err := humanize.ParseBytes(rawRate)
	if err != nil {
		return fmt.Errorf("%w: --rate %q is not a size: use e.g. 64MiB, or 0 for no limit", errUsage, rawRate)
	}
	a, err := open(ctx, env, c)
	if err != nil {
		return err
	}
	defer a.Close()
	opt := fsck.Options{Repair: repair, VerifyHashes: verify, Rate: int64(rate)}
	var bar *progress
	if verify {
		opt.Progress = func(done, total int64) {
			if bar == nil {
				bar = newProgress(env.Stderr, total, "verifying hashes", true)
			}
			bar.Set(done)
		}
	}
	r, err := fsck.Check(ctx, a.Store, a.Blobs, opt)
	if bar != nil {
		bar.Done()
	}
	printFsck(env, r, verify)
	if err != nil {
		return err
	}
	if n := r.Damaged(); n > 0 {
		return fmt.Errorf("%s: the store is damaged", count(n, "problem"))
	}
	return nil
}

func printFsck(env Env, r fsck.Report, verified bool) {
	w := env.Stdout
	fmt.Fprintf(w, "checked %s (file versions and renditions) against %s (%s), %d uploads in progress\n",
		count(r.Uses, "reference"), count(r.Blobs, "blob"), humanize.IBytes(uint64(r.Bytes)), r.InFlight)
	if verified {
		fmt.Fprintf(w, "verified the hashes of %s (%s)\n", count(r.Hashed, "blob"), humanize.IBytes(uint64(r.HashedBytes)))
	}
	repaired := 0
	for _, f := range r.Findings {
		var detail []string
		switch f.Problem {
		case fsck.WrongSize:
			detail = append(detail, fmt.Sprintf("stored %d bytes, recorded %d", f.Size, f.Want))
		case fsck.Orphan, fsck.StaleUpload:
			detail = append(detail, fmt.Sprintf("%s, %s old", humanize.IBytes(uint64(f.Size)), f.Age.Round(time.Second)))
		}
		if len(f.Uses) > 0 {
			detail = append(detail, "used by "+strings.Join(f.Uses, ", "))
		}
		if f.Note != "" {
			detail = append(detail, f.Note)
		}
		if f.Repaired {
			repaired++
		}
		fmt.Fprintf(w, "%-12s %s: %s\n", f.Problem, f.Key, strings.Join(detail, "; "))
	}
	fmt.Fprintf(w, "%s, %d repaired, %s of damage left\n", count(len(r.Findings), "finding"), repaired, count(r.Damaged(), "item"))
}
