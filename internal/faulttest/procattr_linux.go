package faulttest

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the child die with the test binary, so that a test
// killed by its timeout leaves no server behind holding ports and CPU.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
