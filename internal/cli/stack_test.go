package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"dossier/internal/app"
	"dossier/internal/apptest"
	"dossier/internal/auth"
	"dossier/internal/blob"
	"dossier/internal/blob/s3"
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
	// blobDir is where the embedded blob store keeps its files; "" on S3.
	blobDir string
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
			s.blobDir, _ = strings.CutPrefix(c.BlobURL, "file://")
			if s.blobDir == c.BlobURL {
				s.blobDir = ""
			}
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

// replace overwrites the stored bytes of sha behind the service's back.
func (s *stack) replace(t *testing.T, sha string, content []byte) {
	t.Helper()
	if s.blobDir != "" {
		p := s.blobPath(sha)
		if err := os.Chmod(p, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
		return
	}
	c, err := s3.ParseURL(s.vars["DOSSIER_BLOB_URL"])
	if err != nil {
		t.Fatal(err)
	}
	client, err := minio.New(c.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""), Secure: c.Secure, Region: c.Region})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.PutObject(t.Context(), c.Bucket, blob.Key(sha), bytes.NewReader(content), int64(len(content)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
}

// blobPath is the file of sha in the embedded blob store.
func (s *stack) blobPath(sha string) string {
	return filepath.Join(s.blobDir, filepath.FromSlash(blob.Key(sha)))
}
