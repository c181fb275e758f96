package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	flag "github.com/spf13/pflag"

	"dossier/internal/app"
	"dossier/internal/config"
	"dossier/internal/dossier"
	"dossier/internal/importer"
	"dossier/internal/store"
)

func importFlags(fs *flag.FlagSet) {
	fs.String("metadata", "", "a .csv or .jsonl file with one record per file (see below)")
	fs.String("kind", "", "the kind of files whose metadata names none")
	fs.String("state", "", "where files whose metadata names no state start: the kind's initial state (default) or a final one, e.g. archived")
	fs.String("as", "", "the admin the documents are imported by (default: the command line)")
	fs.Int("jobs", 0, "files imported at once (default: one per CPU)")
}

const importHelp = `Loads every file under DIR (names starting with a dot are left out) as a
document. Its metadata comes from the record for it in --metadata, else from
NAME.EXT.json beside it, else from --kind and --state, the title being the
file's name.

--metadata FILE.csv has a header row naming its columns: file (the path under
DIR, required), kind, subtype, title, number, customer, amount, currency,
tags (separated by ;), product_codes and fields (JSON), state, archived_at and
dates.NAME (e.g. dates.issue_date). FILE.jsonl holds one JSON object per line
with the same members as the API's metadata, plus file, state and archived_at;
so does NAME.EXT.json, without file. An unknown column or member stops the
import before anything is loaded.

A document may start in its kind's initial state or straight in a final one
(archived): archived_at is then the date it was archived, from which its
retention counts (default: the file's modification time). Every document is
audited as imported, and archived ones are locked as archiving does.

The import is resumable: run the same command again after an interruption and
it skips every file already in (the same SHA-256 and number) and goes on.

Exit codes: 0 all in, 1 some file failed (each is listed, with why), 2 usage.`

// importRun imports a directory, with a progress bar on standard error and
// the report on standard output.
func importRun(ctx context.Context, env Env, c config.Config, fs *flag.FlagSet) error {
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: give exactly one DIR", errUsage)
	}
	opt := importer.Options{Dir: fs.Arg(0)}
	opt.Metadata, _ = fs.GetString("metadata")
	kind, _ := fs.GetString("kind")
	opt.Kind = dossier.Kind(kind)
	opt.State, _ = fs.GetString("state")
	opt.Workers, _ = fs.GetInt("jobs")
	as, _ := fs.GetString("as")
	if info, err := os.Stat(opt.Dir); err != nil || !info.IsDir() {
		return fmt.Errorf("%w: %s is not a directory", errUsage, opt.Dir)
	}
	if opt.Workers < 0 {
		return fmt.Errorf("%w: --jobs must be 1 or more", errUsage)
	}
	a, err := open(ctx, env, c)
	if err != nil {
		return err
	}
	defer a.Close()
	if kind != "" {
		if _, err := a.Engine.Definitions().Lookup(opt.Kind); err != nil {
			return fmt.Errorf("%w: --kind: %s", errUsage, dossier.ErrorMessage(err))
		}
	}
	if as != "" {
		if opt.Actor, err = importActor(ctx, a, as); err != nil {
			return err
		}
	}
	var bar *progress
	opt.Progress = func(done, total int) {
		if bar == nil {
			bar = newProgress(env.Stderr, int64(total), "importing", false)
		}
		bar.Set(int64(done))
	}
	r, err := importer.New(a.Documents, a.Store).Run(ctx, opt)
	if bar != nil {
		bar.Done()
	}
	if err != nil && r.Files == 0 {
		return err // could not start
	}
	printImport(env, opt, r)
	var errs []error
	if r.NotDone > 0 {
		errs = append(errs, fmt.Errorf("interrupted with %s to go: run the same command again to resume", count(r.NotDone, "file")))
	}
	if n := len(r.Failed); n > 0 {
		errs = append(errs, fmt.Errorf("%s could not be imported", count(n, "file")))
	}
	return errors.Join(errs...)
}

// importActor is the enabled admin named username.
func importActor(ctx context.Context, a *app.App, username string) (dossier.User, error) {
	var u dossier.User
	err := a.Store.Read(ctx, func(tx store.Tx) (err error) {
		u, err = tx.UserByName(ctx, strings.ToLower(username))
		return err
	})
	switch {
	case err != nil:
		return u, fmt.Errorf("--as: %s", dossier.ErrorMessage(err))
	case u.Disabled || !u.HasRole(dossier.RoleAdmin):
		return u, fmt.Errorf("--as: %s is not an enabled admin", u.Username)
	}
	return u, nil
}

func printImport(env Env, opt importer.Options, r importer.Report) {
	rate := 0.0
	if s := r.Elapsed.Seconds(); s > 0 {
		rate = float64(r.Imported) / s
	}
	fmt.Fprintf(env.Stdout, "imported %d, already in %d, failed %d of %s from %s in %s (%.1f documents/s)\n",
		r.Imported, r.Skipped, len(r.Failed), count(r.Files, "file"), filepath.Clean(opt.Dir), r.Elapsed.Round(1e6), rate)
	for _, f := range r.Failed {
		fmt.Fprintf(env.Stdout, "failed %s: %s\n", f.Path, f.Reason)
	}
}
