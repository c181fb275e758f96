package apptest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"dossier/internal/app"
	"dossier/internal/auth"
	"dossier/internal/blob"
	"dossier/internal/blob/s3"
	"dossier/internal/config"
	"dossier/internal/dossier"
)

// Stack is the service opened on one backend pair, with an administrator,
// for tests of what works on the backends beside the HTTP API (commands,
// fsck): they set up and check through App, and reach behind it to the
// stored bytes with ReplaceBlob.
type Stack struct {
	Name   string
	Config config.Config
	App    *app.App
	Admin  dossier.User // "archivist", an admin made on the command line
}

// ForEachStack runs fn, in parallel, on every backend pair of Backends.
func ForEachStack(t *testing.T, fn func(t *testing.T, s *Stack)) {
	t.Helper()
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			c := b.Config(t)
			s := &Stack{Name: b.Name, Config: c, App: Open(t, c)}
			u, err := s.App.Auth.CreateUser(t.Context(), auth.CommandLine, auth.NewUser{
				Username: "archivist", Password: "a-long-password", Roles: []dossier.Role{dossier.RoleAdmin}})
			if err != nil {
				t.Fatal(err)
			}
			s.Admin = u.User
			fn(t, s)
		})
	}
}

// Vars is the configuration as a command reads it from its environment.
func (s *Stack) Vars() map[string]string {
	return map[string]string{
		"DOSSIER_DATA_DIR": s.Config.DataDir, "DOSSIER_DATABASE_URL": s.Config.DatabaseURL,
		"DOSSIER_BLOB_URL": s.Config.BlobURL, "DOSSIER_SEARCH_URL": s.Config.SearchURL,
	}
}

// BlobDir is where the embedded blob store keeps its files; "" on S3.
func (s *Stack) BlobDir() string {
	dir, _ := strings.CutPrefix(s.Config.BlobURL, "file://")
	if dir == s.Config.BlobURL {
		return ""
	}
	return dir
}

// BlobPath is the file of sha in the embedded blob store.
func (s *Stack) BlobPath(sha string) string {
	return filepath.Join(s.BlobDir(), filepath.FromSlash(blob.Key(sha)))
}

// ReplaceBlob overwrites the stored bytes of sha behind the service's back,
// as a user with write access to the files or the bucket (or a fault) could.
func (s *Stack) ReplaceBlob(t *testing.T, sha string, content []byte) {
	t.Helper()
	if s.BlobDir() != "" {
		p := s.BlobPath(sha)
		if err := os.Chmod(p, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
		return
	}
	c, err := s3.ParseURL(s.Config.BlobURL)
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
