//go:build !linux

package kubotest

import "os/exec"

// dieWithParent does nothing where the kernel offers no parent-death signal;
// Stop (through t.Cleanup or TestMain) remains the way daemons end.
func dieWithParent(*exec.Cmd) {}
