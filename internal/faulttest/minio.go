package faulttest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"dossier/internal/testenv"
)

// minioVersion is the MinIO the test command builds (scripts/test.sh).
const minioVersion = "v0.0.0-20260212201848-7aac2a2c5b7c"

// MinIO is a MinIO server of the test's own, as a child process on a fixed
// port with its data in the test's directory, so that a test can stop it
// and start it again.
type MinIO struct {
	Addr    string
	t       testing.TB
	bin     string
	dir     string
	user    string
	pass    string
	console string
	cmd     *exec.Cmd
	done    chan struct{}
}

// minioBinary returns the MinIO binary: $DOSSIER_MINIO_BIN, or the one the
// test command builds into the user's cache. Without one the test is
// skipped, or fails under CI.
func minioBinary(t testing.TB) string {
	t.Helper()
	if bin := os.Getenv("DOSSIER_MINIO_BIN"); bin != "" {
		return bin
	}
	cache, err := os.UserCacheDir()
	if err == nil {
		bin := filepath.Join(cache, "dossier-tools", "minio-"+minioVersion, "minio")
		if _, err := os.Stat(bin); err == nil {
			return bin
		}
	}
	return testenv.Require(t, "DOSSIER_MINIO_BIN", "a MinIO binary of the test's own")
}

// StartMinIO starts a private MinIO and waits until it is ready.
func StartMinIO(t testing.TB) *MinIO {
	t.Helper()
	var b [12]byte
	_, _ = rand.Read(b[:])
	m := &MinIO{
		Addr: fmt.Sprintf("127.0.0.1:%d", FreePort(t)), console: fmt.Sprintf("127.0.0.1:%d", FreePort(t)),
		t: t, bin: minioBinary(t), dir: t.TempDir(), user: "faulttest", pass: hex.EncodeToString(b[:]),
	}
	t.Cleanup(m.Stop)
	m.Start()
	return m
}

// BlobURL is the DOSSIER_BLOB_URL of bucket on this server.
func (m *MinIO) BlobURL(bucket string) string {
	return fmt.Sprintf("s3://%s?endpoint=%s&access_key=%s&secret_key=%s&secure=false", bucket, m.Addr, m.user, m.pass)
}

// Start starts the server (again) on its address and data, and waits until it is ready.
func (m *MinIO) Start() {
	m.t.Helper()
	log, err := os.OpenFile(filepath.Join(m.dir, "minio.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		m.t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command(m.bin, "server", "--quiet", "--address", m.Addr, "--console-address", m.console,
		"--certs-dir", filepath.Join(m.dir, "certs"), filepath.Join(m.dir, "data"))
	cmd.Env = append(os.Environ(), "HOME="+m.dir, "MINIO_ROOT_USER="+m.user, "MINIO_ROOT_PASSWORD="+m.pass, "MINIO_UPDATE=off")
	cmd.Stdout, cmd.Stderr = log, log
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		m.t.Fatalf("start MinIO: %v", err)
	}
	m.cmd, m.done = cmd, make(chan struct{})
	go func(done chan struct{}) { _ = cmd.Wait(); close(done) }(m.done)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+m.Addr+"/minio/health/ready", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-m.done:
			b, _ := os.ReadFile(filepath.Join(m.dir, "minio.log"))
			m.t.Fatalf("MinIO exited at start:\n%s", b)
		case <-ctx.Done():
			m.t.Fatalf("MinIO was not ready within 90 s")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Stop stops the server (SIGKILL: an outage, not a shutdown) and waits until it has.
func (m *MinIO) Stop() {
	if m.cmd == nil {
		return
	}
	select {
	case <-m.done:
	default:
		_ = m.cmd.Process.Signal(syscall.SIGKILL)
		<-m.done
	}
}
