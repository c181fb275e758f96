package cli

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	flag "github.com/spf13/pflag"

	"dossier/internal/config"
	"dossier/internal/dossier"
	"dossier/internal/workflow"
	"dossier/workflows"
)

// workflowSource is where the definitions come from: the directory an
// administrator set, or the copy built into the binary. The name goes into
// messages so that nobody edits the wrong copy.
func workflowSource(c config.Config) (fs.FS, string) {
	if c.WorkflowsDir != "" {
		return os.DirFS(c.WorkflowsDir), c.WorkflowsDir
	}
	return workflows.FS, "the embedded workflows"
}

// workflowsCheck validates every kind's definition and the DOA matrix
// without touching the database, so it can run in CI or before a
// deployment. It checks the kinds one by one first, to say which files are
// fine as well as every problem of the others, then all together for what
// spans files (the DOA rules the definitions name).
func workflowsCheck(_ context.Context, env Env, c config.Config, fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	fsys, source := workflowSource(c)
	kinds, err := workflow.KindFiles(fsys)
	if err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	bad := 0
	for _, k := range kinds {
		d, err := workflow.LoadKind(fsys, k)
		if err != nil {
			bad++
			// One problem per line, each already naming its file.
			for _, line := range strings.Split(err.Error(), "\n") {
				fmt.Fprintln(env.Stderr, line)
			}
			continue
		}
		fmt.Fprintf(env.Stdout, "ok %s: %d states, %d events\n", k, len(d.States), len(d.Events))
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d workflow definitions in %s are invalid", bad, len(kinds), source)
	}
	if _, err := workflow.Load(fsys); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(env.Stderr, line)
		}
		return fmt.Errorf("the workflow definitions in %s do not fit together", source)
	}
	return nil
}

func workflowsGraphFlags(fs *flag.FlagSet) {
	fs.String("format", "dot", "output format: dot (Graphviz) or mermaid")
}

// workflowsGraph prints one kind's state machine for Graphviz or Mermaid.
func workflowsGraph(_ context.Context, env Env, c config.Config, fs *flag.FlagSet) error {
	fsys, _ := workflowSource(c)
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: give exactly one KIND (%s)", errUsage, kindList(fsys))
	}
	k := dossier.Kind(fs.Arg(0))
	if kinds, _ := workflow.KindFiles(fsys); !slices.Contains(kinds, k) {
		return fmt.Errorf("%w: unknown kind %q (%s)", errUsage, k, kindList(fsys))
	}
	format := fs.Lookup("format").Value.String()
	if format != "dot" && format != "mermaid" {
		return fmt.Errorf("%w: unknown --format %q: use dot or mermaid", errUsage, format)
	}
	d, err := workflow.LoadKind(fsys, k)
	if err != nil {
		return err
	}
	out, err := d.Graph(format)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(env.Stdout, out)
	return err
}

func kindList(fsys fs.FS) string {
	kinds, _ := workflow.KindFiles(fsys)
	names := make([]string, 0, len(kinds))
	for _, k := range kinds {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}
