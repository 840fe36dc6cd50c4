//go:build unix

package token

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive flock on f, waiting for other writers (other processes, and other
// Store values in this one: flock belongs to the open file description). Closing f releases it,
// and so does the kernel if the process dies.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}

func unlockFile(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
