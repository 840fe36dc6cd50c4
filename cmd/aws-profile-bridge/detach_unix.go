//go:build !windows

package main

import (
	"io"
	"os/exec"
	"syscall"
)

// startDetached starts the command newCmd makes in its own session, so that the browser stopping
// the host (or its process group) does not stop it, and no terminal hangs it up. It returns the
// started command and its stdout.
func startDetached(newCmd func() *exec.Cmd) (*exec.Cmd, io.ReadCloser, error) {
	return startWith(newCmd(), &syscall.SysProcAttr{Setsid: true})
}
