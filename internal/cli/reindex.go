package cli

import (
	"context"
	"fmt"

	"github.com/schollz/progressbar/v3"
	flag "github.com/spf13/pflag"

	"dossier/internal/config"
)

func reindexFlags(fs *flag.FlagSet) {
	fs.Bool("restart", false, "start from the first document instead of where an interrupted run stopped")
}

// reindex rebuilds the search index from the database, with a progress bar
// on standard error; an interrupted run resumes where it stopped.
func reindex(ctx context.Context, env Env, c config.Config, fs *flag.FlagSet) error {
	a, err := open(ctx, env, c)
	if err != nil {
		return err
	}
	defer a.Close()
	var bar *progressbar.ProgressBar
	err = a.Indexer.Reindex(ctx, fs.Lookup("restart").Value.String() == "true", func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(env.Stderr),
				progressbar.OptionSetDescription("reindexing"), progressbar.OptionShowCount(), progressbar.OptionThrottle(0))
		}
		_ = bar.Set(done)
	})
	if bar != nil {
		_ = bar.Finish()
		fmt.Fprintln(env.Stderr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "the search index is up to date")
	return nil
}
