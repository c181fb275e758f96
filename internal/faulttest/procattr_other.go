//go:build !linux

package faulttest

import "os/exec"

// dieWithParent does nothing where the kernel cannot tie a child's life to
// its parent's; the tests' clean-up still stops it.
func dieWithParent(*exec.Cmd) {}
