package cli

import (
	"strings"
	"testing"
	"time"

	"dossier/internal/app"
	"dossier/internal/apptest"
	"dossier/internal/auth"
	"dossier/internal/dossier"
	"dossier/internal/engine"
)

// stack is one pair of backends a command runs on: the configuration as the
// command reads it (environment variables), and the service opened on the
// same backends, to set up and check what the command did.
type stack struct {
	name  string
	vars  map[string]string
	a     *app.App
	admin dossier.User
}

// forEachStack runs fn on the embedded backends and on PostgreSQL with S3.
func forEachStack(t *testing.T, fn func(t *testing.T, s *stack)) {
	t.Helper()
	for _, b := range apptest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			c := b.Config(t)
			s := &stack{name: b.Name, a: apptest.Open(t, c), vars: map[string]string{
				"DOSSIER_DATA_DIR": c.DataDir, "DOSSIER_DATABASE_URL": c.DatabaseURL,
				"DOSSIER_BLOB_URL": c.BlobURL, "DOSSIER_SEARCH_URL": c.SearchURL,
			}}
			u, err := s.a.Auth.CreateUser(t.Context(), auth.CommandLine, auth.NewUser{
				Username: "archivist", Password: "a-long-password", Roles: []dossier.Role{dossier.RoleAdmin}})
			if err != nil {
				t.Fatal(err)
			}
			s.admin = u.User
			fn(t, s)
		})
	}
}

// run runs the command line on the stack.
func (s *stack) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLI(t, s.vars, args...)
}

// document uploads a customs declaration and, unless archivedAt is zero,
// archives it at that time.
func (s *stack) document(t *testing.T, number, text string, archivedAt time.Time) dossier.Document {
	t.Helper()
	f, err := s.a.Documents.Stage(t.Context(), strings.NewReader(text), number+".txt")
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.a.Documents.Create(t.Context(), s.admin, dossier.Metadata{
		Kind: dossier.KindCustoms, Title: "Declaration " + number, Number: number}, f)
	if err != nil {
		t.Fatal(err)
	}
	if !archivedAt.IsZero() {
		eng := engine.New(s.a.Store, s.a.Engine.Definitions(), func() time.Time { return archivedAt })
		if d, _, err = eng.Fire(t.Context(), s.admin, d.ID, engine.Fire{Event: "archive"}); err != nil {
			t.Fatal(err)
		}
	}
	return d
}
