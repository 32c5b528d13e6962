package kubotest

import (
	"os/exec"
	"syscall"
)

// dieWithParent asks Linux to send the daemon SIGTERM when the test process
// dies, so a test binary killed by its timeout does not leave daemons running on
// a shared machine.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
