package cli

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestEveryCommandIsListed keeps commandPaths, and so the help test, in step
// with the command tree as commands are added.
func TestEveryCommandIsListed(t *testing.T) {
	t.Parallel()
	listed := map[string]bool{}
	for _, p := range commandPaths {
		listed[strings.Join(p, " ")] = true
	}
	root := newRoot(Env{Getenv: func(string) string { return "" }})
	root.InitDefaultHelpCmd()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.TrimPrefix(strings.TrimPrefix(c.CommandPath(), "dossier"), " ")
		if !listed[path] {
			t.Errorf("%q is not in commandPaths", c.CommandPath())
		}
		delete(listed, path)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for _, p := range slices.Sorted(maps.Keys(listed)) {
		t.Errorf("commandPaths lists %q, which is no command", p)
	}
}
