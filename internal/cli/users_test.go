package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestUserSetDisablePasswd changes users from the command line, the
// operator's path: a level is raised at once, with no second admin.
func TestUserSetDisablePasswd(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DOSSIER_DATA_DIR": filepath.Join(t.TempDir(), "data")}
	run := func(wantCode int, wantOut string, args ...string) {
		t.Helper()
		code, out, errOut := runCLI(t, env, args...)
		if code != wantCode || !strings.Contains(out+errOut, wantOut) {
			t.Errorf("%v: exit %d, want %d and %q in the output:\n%s%s", args, code, wantCode, wantOut, out, errOut)
		}
	}
	run(0, "no approval level", "user", "add", "--username", "alice", "--password", "long-enough", "--roles", "admin")
	run(0, "approval level 1", "user", "add", "--username", "bob", "--password", "long-enough", "--roles", "approver", "--level", "1",
		"--departments", "finance")
	run(0, "approval level 3", "user", "set", "Bob", "--level", "3", "--display-name", "Bob B")
	run(0, "departments [technical quality]", "user", "set", "bob", "--departments", "technical,quality")
	run(1, `department "sales"`, "user", "set", "bob", "--departments", "sales")
	run(0, "sessions have ended", "user", "passwd", "bob", "--password", "another-long-one")
	run(1, "password", "user", "passwd", "bob", "--password", "short")
	run(0, "bob (", "user", "disable", "bob")
	run(0, "disabled", "user", "list")
	run(0, "enabled", "user", "set", "bob", "--enable")
	run(1, `user "nobody" not found`, "user", "set", "nobody", "--level", "1")
	run(2, "say what to change", "user", "set", "bob")
	run(2, "exactly one USERNAME", "user", "disable")
	// The last enabled admin stays: nobody could manage users otherwise.
	run(1, "last enabled admin", "user", "disable", "alice")
	run(0, "dsk_", "token", "create", "--user", "alice", "--name", "nightly export", "--expires", "30d")
	run(0, "until revoked", "token", "create", "--user", "alice", "--name", "forever", "--expires", "never")
	run(2, "--expires", "token", "create", "--user", "alice", "--name", "x", "--expires", "3 weeks")
	run(1, `user "nobody" not found`, "token", "create", "--user", "nobody", "--name", "x")
	run(0, `"ok":true`, "audit", "verify")
}
