// Package faulttest runs the real dossier binary as child processes and
// hurts it the way production does (SPEC §15): SIGKILL in the middle of
// uploads and transitions, the object store or the database going away
// under load, two replicas on one database. The tests check what a client
// was told against what is stored afterwards. It is test support, never
// linked into the binary.
package faulttest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"dossier/internal/config"
)

// Soak reports whether the long runs are asked for (DOSSIER_SOAK=1): more
// kills, more load, longer outages.
func Soak() bool { return os.Getenv("DOSSIER_SOAK") == "1" }

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// Binary builds cmd/dossier once per test binary and returns its path; the
// build goes away with CleanupBinary (from TestMain).
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "dossier-faulttest-"); buildErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(buildDir, "dossier"), "dossier/cmd/dossier").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build the dossier binary: %v", buildErr)
	}
	return filepath.Join(buildDir, "dossier")
}

// CleanupBinary removes what Binary built.
func CleanupBinary() {
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
}

// Vars is the configuration c as the environment of a command.
func Vars(c config.Config) map[string]string {
	return map[string]string{
		"DOSSIER_DATA_DIR": c.DataDir, "DOSSIER_DATABASE_URL": c.DatabaseURL,
		"DOSSIER_BLOB_URL": c.BlobURL, "DOSSIER_SEARCH_URL": c.SearchURL,
	}
}

// environ is this process's environment without any DOSSIER_ variable,
// plus vars.
func environ(vars map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DOSSIER_") {
			env = append(env, kv)
		}
	}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

// Run runs a dossier command to its end and returns its exit code and output.
func Run(t testing.TB, bin string, vars map[string]string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = environ(vars)
	out, err := cmd.CombinedOutput()
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("dossier %s: %v", strings.Join(args, " "), err)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

// FreePort returns a loopback port nothing listens on now.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Server is `dossier serve` running as a child process on a fixed port, so
// that clients find it again after a restart.
type Server struct {
	URL  string
	t    testing.TB
	bin  string
	env  []string
	log  *os.File // every run's stderr and stdout, appended
	cmd  *exec.Cmd
	done chan struct{}
}

// Serve starts `dossier serve` with vars on a free port and waits until it answers.
func Serve(t testing.TB, bin string, vars map[string]string) *Server {
	t.Helper()
	port := FreePort(t)
	vars["DOSSIER_LISTEN"] = fmt.Sprintf("127.0.0.1:%d", port)
	log, err := os.CreateTemp(t.TempDir(), "serve-*.log")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{URL: fmt.Sprintf("http://127.0.0.1:%d", port), t: t, bin: bin, env: environ(vars), log: log}
	t.Cleanup(func() {
		s.Kill()
		log.Close()
	})
	s.Start()
	return s
}

// Start starts the process again (after Kill or Term) and waits until it answers.
func (s *Server) Start() {
	s.t.Helper()
	cmd := exec.Command(s.bin, "serve")
	cmd.Env, cmd.Stdout, cmd.Stderr = s.env, s.log, s.log
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start dossier serve: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	s.cmd, s.done = cmd, done
	deadline := time.Now().Add(60 * time.Second)
	for {
		if resp, err := http.Get(s.URL + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-done:
			s.t.Fatalf("dossier serve exited at start (%s):\n%s", cmd.ProcessState, s.Log())
		case <-time.After(25 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("dossier serve did not answer within 60 s:\n%s", s.Log())
		}
	}
}

// Running reports whether the process runs.
func (s *Server) Running() bool {
	if s.cmd == nil {
		return false
	}
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// Kill ends the process with SIGKILL, as a crash or the OOM killer does.
func (s *Server) Kill() {
	if s.Running() {
		_ = s.cmd.Process.Signal(syscall.SIGKILL)
		<-s.done
	}
}

// Term asks the process to stop (SIGTERM) and returns its exit code once it has.
func (s *Server) Term() int {
	s.t.Helper()
	if !s.Running() {
		return s.cmd.ProcessState.ExitCode()
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(60 * time.Second):
		s.t.Errorf("dossier serve did not stop within 60 s of SIGTERM")
		s.Kill()
	}
	return s.cmd.ProcessState.ExitCode()
}

// Log returns what every run of the process has written so far.
func (s *Server) Log() string {
	b, err := os.ReadFile(s.log.Name())
	if err != nil {
		return fmt.Sprintf("(log unreadable: %v)", err)
	}
	return string(b)
}

// RequireCleanLog fails when a run panicked or printed a stack trace.
func (s *Server) RequireCleanLog(t testing.TB) {
	t.Helper()
	log := s.Log()
	for _, bad := range []string{"panic", "PANIC", "goroutine ", "fatal error"} {
		if i := strings.Index(log, bad); i >= 0 {
			t.Errorf("the server log holds %q: …%s…", bad, log[max(0, i-500):min(len(log), i+2000)])
			return
		}
	}
}
