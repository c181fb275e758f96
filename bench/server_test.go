package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// server is a dossier binary running in its own process, so that its
// resident memory can be read apart from the benchmark's.
type server struct {
	url string
	bin string
	env []string
	cmd *exec.Cmd
}

// startServer builds the command, adds a user and serves on a free port with
// an embedded database under a temporary data directory plus env.
func startServer(b *testing.B, env map[string]string) *server {
	b.Helper()
	dir := b.TempDir()
	bin := filepath.Join(dir, "dossier")
	if out, err := exec.Command("go", "build", "-o", bin, "dossier/cmd/dossier").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &server{url: "http://" + addr, bin: bin}
	s.env = append(os.Environ(), "DOSSIER_DATA_DIR="+filepath.Join(dir, "data"), "DOSSIER_LISTEN="+addr)
	for k, v := range env {
		s.env = append(s.env, k+"="+v)
	}
	add := exec.Command(bin, "user", "add", "--username", "bench", "--password", "bench-password", "--roles", "admin")
	add.Env = s.env
	if out, err := add.CombinedOutput(); err != nil {
		b.Fatalf("user add: %v\n%s", err, out)
	}
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Env = s.env
	s.cmd.Stderr = os.Stderr
	if err := s.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		s.cmd.Process.Signal(os.Interrupt)
		s.cmd.Wait()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.url + "/readyz")
		if err == nil && resp.StatusCode == http.StatusOK {
			resp.Body.Close()
			return s
		}
		if time.Now().After(deadline) {
			b.Fatalf("server did not become ready: %v", err)
		}
		time.Sleep(100 * time.Millisecond) // polling a process that is starting up
	}
}

func (s *server) signIn(b *testing.B) string {
	resp, err := http.Post(s.url+"/api/v1/session", "application/json",
		strings.NewReader(`{"username":"bench","password":"bench-password"}`))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		b.Fatalf("sign in: %s %v", resp.Status, err)
	}
	return out.Token
}

// peakRSS reads the server's high-water mark of resident memory (VmHWM).
func (s *server) peakRSS(b *testing.B) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		b.Fatalf("read server memory: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if kb, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			var n int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(kb), " kB"), &n)
			return n << 10
		}
	}
	b.Fatal("no VmHWM in /proc status")
	return 0
}
