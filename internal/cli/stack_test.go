package cli

import (
	"strings"
	"testing"
	"time"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
	"dossier/internal/engine"
)

// stack is the service on one pair of backends, with what a command run on
// it needs.
type stack struct{ *apptest.Stack }

// forEachStack runs fn on the embedded backends and on PostgreSQL with S3.
func forEachStack(t *testing.T, fn func(t *testing.T, s *stack)) {
	t.Helper()
	apptest.ForEachStack(t, func(t *testing.T, s *apptest.Stack) { fn(t, &stack{s}) })
}

// run runs the command line on the stack.
func (s *stack) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLI(t, s.Vars(), args...)
}

// document uploads a customs declaration and, unless archivedAt is zero,
// archives it at that time.
func (s *stack) document(t *testing.T, number, text string, archivedAt time.Time) dossier.Document {
	t.Helper()
	f, err := s.App.Documents.Stage(t.Context(), strings.NewReader(text), number+".txt")
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.App.Documents.Create(t.Context(), s.Admin, dossier.Metadata{
		Kind: dossier.KindCustoms, Title: "Declaration " + number, Number: number}, f)
	if err != nil {
		t.Fatal(err)
	}
	if !archivedAt.IsZero() {
		eng := engine.New(s.App.Store, s.App.Engine.Definitions(), func() time.Time { return archivedAt })
		if d, _, err = eng.Fire(t.Context(), s.Admin, d.ID, engine.Fire{Event: "archive"}); err != nil {
			t.Fatal(err)
		}
	}
	return d
}
