// Package cli is the dossier command line: it parses the sub-command and its
// flags with cobra, builds the configuration (SPEC §3) once and runs the
// command. Exit codes: 0 ok, 1 failure, 2 usage.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
	flag "github.com/spf13/pflag"
	"golang.org/x/term"

	"dossier/internal/app"
	"dossier/internal/config"
)

// Env is what a command runs with; tests pass their own.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// runFunc is one command's work. fs holds its parsed flags and arguments.
type runFunc func(ctx context.Context, env Env, c config.Config, fs *flag.FlagSet) error

// errUsage marks a usage error: exit code 2.
var errUsage = errors.New("usage")

// failed marks an error of a command's own work (exit 1). Every other error
// cobra returns is about how the command was called (exit 2): an unknown
// command or flag, a bad flag value, a wrong number of arguments.
type failed struct{ error }

func (f failed) Unwrap() error { return f.error }

// Run runs the command named by args and returns the exit code.
func Run(ctx context.Context, args []string, env Env) int {
	return execute(ctx, newRoot(env), args, env)
}

// execute runs root with args and turns its outcome into an exit code and a
// message on standard error.
func execute(ctx context.Context, root *cobra.Command, args []string, env Env) int {
	// A nil slice would make cobra read os.Args.
	root.SetArgs(append([]string{}, args...))
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return 0
	}
	if cmd == nil {
		cmd = root
	}
	fmt.Fprintf(env.Stderr, "%s: %v\n", cmd.CommandPath(), err)
	if errors.As(err, new(failed)) && !errors.Is(err, errUsage) {
		return 1
	}
	fmt.Fprintf(env.Stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	return 2
}

// newRoot builds the command tree. The configuration flags belong to the
// root and so are accepted by every command, before or after its name.
func newRoot(env Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "dossier",
		Short: "Dossier keeps, routes and archives the paperwork of sales administration",
		Long: "Dossier keeps, routes and archives the paperwork of sales administration.\n\n" +
			"Every command reads the same configuration as serve: each flag below is also\n" +
			"the environment variable named in brackets, and a flag wins over it.\n" +
			"Exit codes: 0 ok, 1 failure, 2 usage.",
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		Args:              groupArgs,
		RunE:              groupRun,
	}
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return fmt.Errorf("%w: %w", errUsage, err) })
	root.SetHelpCommand(helpCommand(root))
	root.SetUsageTemplate(strings.Replace(root.UsageTemplate(), "Global Flags:",
		"Configuration flags (also the environment variables in brackets):", 1))
	build := config.Register(root.PersistentFlags(), env.Getenv)
	leaf := func(s spec) *cobra.Command { return s.command(env, build) }

	user := group("user", "manage users")
	user.AddCommand(
		leaf(spec{use: "add --username NAME (--password PASS | --password-stdin) --roles ROLE,… [--level N] [--display-name TEXT] [--departments DEP,…]",
			short: "add a user", run: userAdd, flags: userAddFlags}),
		leaf(spec{use: "list", short: "list the users", run: userList}),
		leaf(spec{use: "set USERNAME [--roles ROLE,…] [--level N] [--display-name TEXT] [--departments DEP,…] [--enable]",
			short: "change a user (no second admin needed: audited as done from the command line)",
			run:   userSet, flags: userSetFlags, args: true}),
		leaf(spec{use: "disable USERNAME", short: "disable a user: their sessions end at once", run: userDisable, args: true}),
		leaf(spec{use: "passwd USERNAME (--password PASS | --password-stdin)", short: "set a user's password: their sessions end",
			run: userPasswd, flags: userPasswdFlags, args: true}),
	)
	token := group("token", "manage API tokens")
	token.AddCommand(leaf(spec{use: "create --user NAME --name TEXT [--expires 90d|never]",
		short: "make an API token for an integration and print it (shown once)", run: tokenCreate, flags: tokenCreateFlags}))
	audit := group("audit", "check the audit trail")
	audit.AddCommand(
		leaf(spec{use: "verify [--checkpoints all|latest|none] [--key ed25519:…]",
			short: "verify the audit trail's hash chains, and against the signed checkpoints in the object store",
			long:  auditVerifyHelp, run: auditVerify, flags: auditVerifyFlags}),
		leaf(spec{use: "checkpoint", short: "sign the heads of the audit chains and write them to the object store now",
			long: auditCheckpointHelp, run: auditCheckpoint}),
		leaf(spec{use: "verify-export FILE.zip [--key PUBLIC_KEY] [--json]",
			short: "check an evidence archive offline: signature, file hashes, audit chains",
			long:  verifyExportHelp, run: auditVerifyExport, flags: verifyExportFlags, args: true}),
		leaf(spec{use: "key", short: "print the service's public key, which signs evidence exports and audit checkpoints", run: auditKey}),
	)
	workflows := group("workflows", "check and draw the workflow definitions")
	workflows.AddCommand(
		leaf(spec{use: "check", short: "validate the workflow definitions", run: workflowsCheck}),
		leaf(spec{use: "graph [--format dot|mermaid] KIND", short: "print a kind's state machine as Graphviz DOT or Mermaid",
			run: workflowsGraph, flags: workflowsGraphFlags, args: true}),
	)
	fx := group("fx", "manage exchange rates")
	fx.AddCommand(leaf(spec{use: "set CURRENCY RATE", short: "set the rate of a currency to the DOA base currency",
		run: fxSet, args: true}))
	root.AddCommand(
		leaf(spec{use: "serve", short: "serve the web UI and the API", run: serve}),
		leaf(spec{use: "migrate", short: "create or migrate the database, then exit", run: migrate}),
		user, token, audit, workflows, fx,
		leaf(spec{use: "reindex [--restart]", short: "rebuild the search index (resumes an interrupted run)",
			run: reindex, flags: reindexFlags}),
	)
	root.AddCommand(
		leaf(spec{use: "purge [--kind KIND] [--before DATE] [--execute]",
			short: "list, and with --execute delete, archived documents whose retention has ended",
			long:  purgeHelp, run: purgeRun, flags: purgeFlags}),
		leaf(spec{use: "fsck [--repair] [--verify-hashes [--rate 64MiB]]",
			short: "check that the database and the blob store agree (blob/database consistency)",
			long:  fsckHelp, run: fsckRun, flags: fsckFlags}),
		leaf(spec{use: "export (--filter QUERY | --ids ID,… | --all) --out FILE.zip",
			short: "write an evidence archive for auditors (files, audit events, signed manifest)",
			long:  exportHelp, run: exportRun, flags: exportFlags}),
		leaf(spec{use: "import DIR [--metadata FILE.csv|FILE.jsonl] [--kind KIND] [--state STATE] [--as USERNAME] [--jobs N]",
			short: "load an existing archive: every file under DIR with its metadata (resumable)",
			long:  importHelp, run: importRun, flags: importFlags, args: true}),
	)
	return root
}

// spec is one command that does work, as opposed to a group.
type spec struct {
	use, short string
	long       string // more help, shown by --help under the short line
	run        runFunc
	flags      func(*flag.FlagSet) // adds the command's own flags
	args       bool                // takes arguments, whose number run checks; otherwise any is a usage error
}

// command makes the cobra command: it builds the configuration, then runs.
func (s spec) command(env Env, build func() (config.Config, error)) *cobra.Command {
	cmd := &cobra.Command{
		Use:   s.use,
		Short: s.short,
		Long:  strings.TrimSpace(s.short + "\n\n" + s.long),
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := build()
			if err != nil {
				return fmt.Errorf("%w: %w", errUsage, err)
			}
			if err := s.run(cmd.Context(), env, c, cmd.Flags()); err != nil {
				return failed{err}
			}
			return nil
		},
	}
	if s.args {
		cmd.Args = cobra.ArbitraryArgs
	}
	if s.flags != nil {
		s.flags(cmd.Flags())
	}
	return cmd
}

// group makes a command that only holds sub-commands.
func group(name, short string) *cobra.Command {
	return &cobra.Command{Use: name, Short: short, Args: groupArgs, RunE: groupRun}
}

// groupArgs rejects a word that names no sub-command; cobra itself checks
// this at the root only, and elsewhere would print help and exit 0.
func groupArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	err := fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		err = fmt.Errorf("%w (did you mean %s?)", err, strings.Join(s, ", "))
	}
	return err
}

// groupRun is a group called without a sub-command: a usage error, after
// the list of its sub-commands on standard error.
func groupRun(cmd *cobra.Command, _ []string) error {
	fmt.Fprint(cmd.ErrOrStderr(), cmd.UsageString())
	return fmt.Errorf("%w: missing command", errUsage)
}

func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, args[0])
	}
	return nil
}

// helpCommand replaces cobra's, which answers an unknown topic with exit 0.
func helpCommand(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "help about any command",
		RunE: func(_ *cobra.Command, args []string) error {
			cmd, rest, err := root.Find(args)
			if err != nil {
				return fmt.Errorf("%w: %w", errUsage, err)
			}
			if len(rest) > 0 {
				return fmt.Errorf("%w: unknown command %q", errUsage, rest[0])
			}
			return cmd.Help()
		},
	}
}

// logger writes text to a terminal and JSON otherwise.
func logger(w io.Writer) *slog.Logger {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// open assembles the service; every command works on a new data directory.
func open(ctx context.Context, env Env, c config.Config) (*app.App, error) {
	return app.Open(ctx, c, logger(env.Stderr))
}
