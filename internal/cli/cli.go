// Package cli is the dossier command line: it parses the sub-command and its
// flags, builds the configuration (SPEC §3) and runs the command. Exit codes:
// 0 ok, 1 failure, 2 usage.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

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

// command is one sub-command.
type command struct {
	usage string // arguments after the name
	help  string
	run   func(ctx context.Context, env Env, c config.Config, fs *flag.FlagSet) error
	flags func(fs *flag.FlagSet) // adds the command's own flags
}

func commands() map[string]command {
	return map[string]command{
		"serve":           {help: "serve the web UI and the API", run: serve},
		"migrate":         {help: "create or migrate the database, then exit", run: migrate},
		"user add":        {usage: "--username NAME (--password PASS | --password-stdin) --roles admin,approver [--level N] [--display-name TEXT]", help: "add a user", run: userAdd, flags: userAddFlags},
		"user list":       {help: "list the users", run: userList},
		"audit verify":    {help: "verify the audit trail's hash chains", run: auditVerify},
		"reindex":         {usage: "[--restart]", help: "rebuild the search index (resumes an interrupted run)", run: reindex, flags: reindexFlags},
		"fx set":          {usage: "CURRENCY RATE", help: "set the rate of a currency to the DOA base currency", run: fxSet},
		"workflows check": {help: "validate the workflow definitions", run: workflowsCheck},
		"workflows graph": {usage: "KIND", help: "print a kind's state machine as Graphviz DOT or Mermaid", run: workflowsGraph, flags: workflowsGraphFlags},
	}
}

// errUsage marks a usage error: exit code 2.
var errUsage = errors.New("usage")

// Run runs the command named by args and returns the exit code.
func Run(ctx context.Context, args []string, env Env) int {
	cmds := commands()
	name, rest := match(cmds, args)
	if name == "" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			printUsage(env.Stdout, cmds)
			return 0
		}
		printUsage(env.Stderr, cmds)
		return 2
	}
	cmd := cmds[name]
	fs := flag.NewFlagSet("dossier "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	build := config.Register(fs, env.Getenv)
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: dossier %s [flags] %s\n\n%s\n\nflags:\n", name, cmd.usage, cmd.help)
		fs.PrintDefaults()
	}
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(env.Stdout)
			fs.Usage()
			return 0
		}
		return 2
	}
	c, err := build()
	if err != nil {
		fmt.Fprintf(env.Stderr, "dossier %s: %v\n", name, err)
		return 2
	}
	if err := cmd.run(ctx, env, c, fs); err != nil {
		fmt.Fprintf(env.Stderr, "dossier %s: %v\n", name, err)
		if errors.Is(err, errUsage) {
			fs.Usage()
			return 2
		}
		return 1
	}
	return 0
}

// match finds the longest command name ("user add" before "user") that args start with.
func match(cmds map[string]command, args []string) (string, []string) {
	for n := 2; n >= 1; n-- {
		if len(args) >= n {
			if _, ok := cmds[strings.Join(args[:n], " ")]; ok {
				return strings.Join(args[:n], " "), args[n:]
			}
		}
	}
	return "", nil
}

func printUsage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: dossier COMMAND [flags]   (dossier COMMAND --help for its flags)")
	fmt.Fprintln(w, "\ncommands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-14s %s\n", n, cmds[n].help)
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
