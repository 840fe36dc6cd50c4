package main

import (
	"io"
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

// startDetached starts the command newCmd makes without a console, in its own process group and,
// where the job the browser put the host in allows it, outside that job (the browser kills the
// job's processes when it stops the host). It returns the started command and its stdout.
func startDetached(newCmd func() *exec.Cmd) (*exec.Cmd, io.ReadCloser, error) {
	flags := uint32(windows.DETACHED_PROCESS | windows.CREATE_NEW_PROCESS_GROUP)
	if cmd, out, err := startWith(newCmd(), &syscall.SysProcAttr{CreationFlags: flags | windows.CREATE_BREAKAWAY_FROM_JOB}); err == nil {
		return cmd, out, nil
	}
	// The job forbids breakaway: the sign-in then lasts as long as the host.
	return startWith(newCmd(), &syscall.SysProcAttr{CreationFlags: flags})
}
