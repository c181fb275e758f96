package faulttest_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/faulttest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	faulttest.CleanupBinary()
	os.Exit(code)
}

// adminPassword is the password of the administrator every test makes.
const adminPassword = "a long admin password"

// stack is one backend pair with the binary, its environment and an admin.
type stack struct {
	name string
	bin  string
	vars map[string]string
}

// forEachStack runs fn on each backend pair of apptest.Backends, one after
// the other (each run starts processes that want both cores), with the
// administrator "admin" made on the command line.
func forEachStack(t *testing.T, fn func(t *testing.T, s stack)) {
	t.Helper()
	for _, b := range apptest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			s := stack{name: b.Name, bin: faulttest.Binary(t), vars: faulttest.Vars(b.Config(t))}
			if code, out := faulttest.Run(t, s.bin, s.vars, "user", "add", "--username", "admin", "--password", adminPassword, "--roles", "admin"); code != 0 {
				t.Fatalf("user add: %d: %s", code, out)
			}
			fn(t, s)
		})
	}
}

// requireClean runs `dossier audit verify` and `dossier fsck` on the stack
// (with no server running) and fails unless both find nothing.
func (s stack) requireClean(t *testing.T) {
	t.Helper()
	if code, out := faulttest.Run(t, s.bin, s.vars, "audit", "verify"); code != 0 {
		t.Errorf("dossier audit verify: exit %d:\n%s", code, out)
	}
	if code, out := faulttest.Run(t, s.bin, s.vars, "fsck"); code != 0 {
		t.Errorf("dossier fsck: exit %d:\n%s", code, out)
	}
}

// runID is a short random word that makes this run's document numbers unique.
func runID() string { return fmt.Sprintf("r%04x", rand.IntN(1<<16)) }
