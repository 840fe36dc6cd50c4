//go:build !windows && !plan9 && !js && !wasip1

package sso

import (
	"errors"
	"os"
	"syscall"
)

func lockFD(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return err
}

func unlockFD(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
