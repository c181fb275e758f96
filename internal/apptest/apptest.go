// Package apptest starts the whole service in-process for end-to-end tests of
// the HTTP API: the real app.Open on every backend pair the service supports,
// served by httptest on port 0, with helpers that speak the API the way a
// client does (sign in, upload, read problem+json). Tests in other packages
// import it; it is test support, never linked into the binary.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"dossier/internal/app"
	"dossier/internal/auth"
	"dossier/internal/config"
	"dossier/internal/dossier"
	"dossier/internal/testenv"
)

// DefaultMaxUpload is the upload limit of the test configurations; tests of
// the limit lower it on the returned Config.
const DefaultMaxUpload = 8 << 20

// Backend is one combination of database and blob store that every API
// suite runs against. Config makes a fresh, empty instance of it per call.
type Backend struct {
	Name   string
	Config func(t *testing.T) config.Config
}

// Backends returns "embedded" (testenv's SQLite and files under a temporary
// data directory) and "servers" (testenv's PostgreSQL and S3, skipped outside
// CI when they are not configured).
func Backends() []Backend {
	return []Backend{
		{Name: "embedded", Config: func(t *testing.T) config.Config {
			dir := t.TempDir()
			return config.Config{
				DataDir:     dir,
				DatabaseURL: testenv.SQLite.URL(t),
				BlobURL:     "file://" + filepath.Join(dir, "blobs"),
				SearchURL:   "db", Listen: "127.0.0.1:0", MaxUpload: DefaultMaxUpload,
			}
		}},
		{Name: "servers", Config: func(t *testing.T) config.Config {
			return config.Config{
				DataDir:     t.TempDir(),
				DatabaseURL: testenv.PostgreSQL.URL(t),
				BlobURL:     testenv.S3URL(t),
				SearchURL:   "db", Listen: "127.0.0.1:0", MaxUpload: DefaultMaxUpload,
			}
		}},
	}
}

// Server is the service running on a local port.
type Server struct {
	URL    string
	App    *app.App
	Config config.Config
	srv    *httptest.Server
	// Log holds what the service logged at warning level and above (the
	// cause of a 500, a recovered panic), for tests that check it is clean.
	Log         *testenv.Buffer
	stopWorkers func()
	workersDone chan struct{}
	closed      bool
}

// Start opens the service on c and serves it, with its background job
// workers as app.Serve runs them, until the test ends (or Close).
func Start(t *testing.T, c config.Config) *Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Warnings and errors (a 500's cause) go to the test's output, and to Log.
	logged := &testenv.Buffer{}
	log := slog.New(slog.NewTextHandler(io.MultiWriter(t.Output(), logged), &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.Open(ctx, c, log)
	if err != nil {
		t.Fatalf("app.Open: %v", err)
	}
	a.Auth.Cost = bcrypt.MinCost // the cheapest hash: tests sign in a lot and prove nothing about bcrypt's cost
	workers, stop := context.WithCancel(context.Background())
	s := &Server{App: a, Config: c, Log: logged, srv: httptest.NewServer(a.Handler()), stopWorkers: stop, workersDone: make(chan struct{})}
	go func() {
		defer close(s.workersDone)
		if err := a.Jobs.Run(workers); err != nil {
			t.Errorf("background jobs: %v", err)
		}
	}()
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

// Open opens the service on c without serving it or running its background
// jobs, as a command of the command line does; it is closed when the test
// ends. Tests that need a job's work run its handler themselves.
func Open(t *testing.T, c config.Config) *app.App {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a, err := app.Open(ctx, c, slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatalf("app.Open: %v", err)
	}
	a.Auth.Cost = bcrypt.MinCost
	t.Cleanup(func() { _ = a.Close() })
	return a
}

// Close stops serving and the workers and closes the backends, as a
// shutdown does; a test that restarts the service Starts again on s.Config.
func (s *Server) Close() {
	if s.closed {
		return
	}
	s.closed = true
	s.srv.Close()
	s.stopWorkers()
	<-s.workersDone
	_ = s.App.Close()
}

// WaitJobs returns once the background jobs queued so far, and those they
// queue in turn, have run (or are parked); it fails the test after 30 s.
func (s *Server) WaitJobs(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := s.App.Jobs.WaitIdle(ctx); err != nil {
		t.Fatalf("background jobs: %v", err)
	}
}

// Password is the password AddUser gives username.
func Password(username string) string { return username + "-password" }

// AddUser creates a user directly through the auth service (as `dossier user
// add` does), with the password Password(username).
func (s *Server) AddUser(t *testing.T, username string, roles []dossier.Role, level int) dossier.User {
	t.Helper()
	u, err := s.App.Auth.CreateUser(t.Context(), "", auth.NewUser{
		Username: username, Password: Password(username), DisplayName: "Test " + username,
		Roles: roles, ApprovalLevel: level,
	})
	if err != nil {
		t.Fatalf("create user %s: %v", username, err)
	}
	return u.User
}

// SignIn signs username in with its AddUser password and returns the token.
func (s *Server) SignIn(t *testing.T, username string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": Password(username)})
	resp := s.Do(t, http.MethodPost, "/api/v1/session", "", bytes.NewReader(body))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign in %s: status %d: %s", username, resp.StatusCode, s.Body(t, resp))
	}
	var out struct {
		Token string `json:"token"`
	}
	s.JSON(t, resp, &out)
	if out.Token == "" {
		t.Fatalf("sign in %s: no token in the answer", username)
	}
	return out.Token
}

// Do sends a request to path with token as bearer (none when ""); headers
// are name, value pairs. A body without a Content-Type header is sent as
// application/json. The response body is closed when the test ends.
func (s *Server) Do(t *testing.T, method, path, token string, body io.Reader, headers ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if len(headers)%2 != 0 {
		t.Fatalf("Do %s %s: headers must be name, value pairs", method, path)
	}
	for i := 0; i < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// Body reads and closes the response body.
func (s *Server) Body(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read response body: %v", err)
	}
	return b
}

// JSON decodes the response body into v and closes it.
func (s *Server) JSON(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	b := s.Body(t, resp)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: Content-Type %q, want application/json; body: %s", resp.Request.Method, resp.Request.URL.Path, ct, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s %s: decode %s: %v", resp.Request.Method, resp.Request.URL.Path, b, err)
	}
}

// Upload posts a new document: Multipart to /api/v1/documents.
func (s *Server) Upload(t *testing.T, token, filename string, content []byte, metadataJSON string) *http.Response {
	t.Helper()
	return s.Multipart(t, token, "/api/v1/documents", filename, content, metadataJSON)
}

// Multipart posts a multipart/form-data body to path: the part "metadata"
// (left out when metadataJSON is "") and then the part "file" (left out when
// content is nil).
func (s *Server) Multipart(t *testing.T, token, path, filename string, content []byte, metadataJSON string) *http.Response {
	t.Helper()
	// Writes into a bytes.Buffer cannot fail.
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if metadataJSON != "" {
		_ = w.WriteField("metadata", metadataJSON)
	}
	if content != nil {
		part, _ := w.CreateFormFile("file", filename)
		_, _ = part.Write(content)
	}
	_ = w.Close()
	return s.Do(t, http.MethodPost, path, token, &buf, "Content-Type", w.FormDataContentType())
}

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

// RequireProblem checks that resp is an application/problem+json answer with
// status and a complete body, and returns the problem.
func (s *Server) RequireProblem(t *testing.T, resp *http.Response, status int) Problem {
	t.Helper()
	b := s.Body(t, resp)
	where := resp.Request.Method + " " + resp.Request.URL.RequestURI()
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d; body: %s", where, resp.StatusCode, status, b)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("%s: Content-Type %q, want application/problem+json; body: %s", where, ct, b)
	}
	var p Problem
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("%s: problem body %s: %v", where, b, err)
	}
	if p.Type == "" || p.Title == "" || p.Detail == "" || p.Status != status {
		t.Fatalf("%s: incomplete problem %+v (want type, title, detail and status %d)", where, p, status)
	}
	return p
}
