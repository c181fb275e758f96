package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	flag "github.com/spf13/pflag"

	"dossier/internal/auth"
	"dossier/internal/config"
	"dossier/internal/dossier"
	"dossier/internal/purge"
)

func purgeFlags(fs *flag.FlagSet) {
	fs.String("kind", "", "only documents of this kind")
	fs.String("before", "", "only documents archived before this date (YYYY-MM-DD or RFC 3339)")
	fs.Bool("execute", false, "delete what is listed; without it nothing is deleted")
}

// purgeRun lists the archived documents whose retention has ended and, with
// --execute, purges them one by one. It asks nothing: the listing without
// --execute is the question.
func purgeRun(ctx context.Context, env Env, c config.Config, fs *flag.FlagSet) error {
	kind, _ := fs.GetString("kind")
	execute, _ := fs.GetBool("execute")
	rawBefore, _ := fs.GetString("before")
	before, err := parseWhen(rawBefore)
	if err != nil {
		return fmt.Errorf("%w: --before: %w", errUsage, err)
	}
	a, err := open(ctx, env, c)
	if err != nil {
		return err
	}
	defer a.Close()
	if kind != "" {
		if _, err := a.Engine.Definitions().Lookup(dossier.Kind(kind)); err != nil {
			return fmt.Errorf("%w: --kind: %s", errUsage, dossier.ErrorMessage(err))
		}
	}
	plan, err := a.Purge.Plan(ctx, purge.Filter{Kind: dossier.Kind(kind), Before: before})
	if err != nil {
		return err
	}
	if !execute {
		printPlan(env, plan)
		return nil
	}
	return executePurge(ctx, env, a.Purge, plan)
}

func printPlan(env Env, plan purge.Plan) {
	if len(plan.Purgeable) > 0 {
		w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tKIND\tNUMBER\tARCHIVED\tRETAINED UNTIL\tTITLE")
		for _, c := range plan.Purgeable {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Kind, c.Number,
				c.ArchivedAt.Format(time.DateOnly), c.RetainedTo.Format(time.DateOnly), c.Title)
		}
		w.Flush()
	}
	fmt.Fprintf(env.Stdout, "%s may be purged", count(len(plan.Purgeable), "document"))
	if plan.Held > 0 {
		fmt.Fprintf(env.Stdout, "; %s on legal hold stay", count(plan.Held, "more"))
	}
	fmt.Fprintln(env.Stdout, ".")
	if len(plan.Purgeable) > 0 {
		fmt.Fprintln(env.Stdout, "Nothing was deleted: run again with --execute to purge them.")
	}
}

// executePurge purges each candidate; one that cannot go is reported and
// the others go on. It fails when any stayed or left bytes behind.
func executePurge(ctx context.Context, env Env, svc *purge.Service, plan purge.Plan) error {
	bar := newProgress(env.Stderr, int64(len(plan.Purgeable)), "purging", false)
	tally := map[string]int{}
	var left int
	for _, c := range plan.Purgeable {
		if ctx.Err() != nil {
			break
		}
		what := fmt.Sprintf("%s (%s %s)", c.ID, c.Kind, c.Number)
		out, err := svc.Purge(ctx, auth.CommandLine, c.ID)
		bar.Add(1)
		switch {
		case err != nil:
			tally["failed"]++
			fmt.Fprintf(env.Stdout, "failed %s: %v\n", what, err)
		case out.Status == purge.Purged:
			tally[string(out.Status)]++
			fmt.Fprintf(env.Stdout, "purged %s: manifest sha256 %s, %d blobs deleted, %d kept for other documents\n",
				what, out.Manifest, out.Deleted, out.Shared)
			for _, sha := range out.Left {
				left++
				fmt.Fprintf(env.Stdout, "  blob %s could not be deleted; dossier fsck reports it\n", sha)
			}
		default:
			tally[string(out.Status)]++
			fmt.Fprintf(env.Stdout, "%s %s: %s\n", out.Status, what, out.Reason)
		}
	}
	bar.Done()
	fmt.Fprintf(env.Stdout, "purged %d, locked %d, skipped %d, failed %d\n",
		tally["purged"], tally["locked"], tally["skipped"], tally["failed"])
	var errs []error
	if err := ctx.Err(); err != nil {
		errs = append(errs, fmt.Errorf("interrupted: %w", err))
	}
	if n := tally["locked"] + tally["failed"]; n > 0 {
		errs = append(errs, fmt.Errorf("%s could not be purged", count(n, "document")))
	}
	if left > 0 {
		errs = append(errs, fmt.Errorf("%s left behind", count(left, "blob")))
	}
	return errors.Join(errs...)
}

// parseWhen reads a date (midnight UTC) or an RFC 3339 time; "" is zero.
func parseWhen(raw string) (time.Time, error) {
	if raw == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339Nano} {
		if t, err := time.Parse(layout, raw); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date: use 2016-12-31 or 2016-12-31T18:00:00Z", raw)
}

// count says "1 document", "2 documents".
func count(n int, noun string) string {
	if n == 1 || strings.HasSuffix(noun, "more") {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

const purgeHelp = `A document may be purged when its workflow declares its state immutable
(archived), its retention has ended (archived_at plus DOSSIER_RETENTION_YEARS
for its kind) and it is not on legal hold. Without --execute the command only
lists them; it never asks a question, so it can run from a script.

With --execute each document goes whole or stays whole: if its bytes are still
under object lock in the object store it is reported as locked and left as it
is. A purged document leaves its audit events behind, with one more recording
the SHA-256 of its manifest, so "dossier audit verify" still passes.

Exit codes: 0 listed or all purged, 1 some document could not be purged, 2 usage.`
