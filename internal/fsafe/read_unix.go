//go:build unix

package fsafe

import (
	"errors"
	"os"
	"syscall"
)

// oNoFollow makes an open fail on a symlink.
const oNoFollow = syscall.O_NOFOLLOW

// openRead opens path read-only with O_NONBLOCK, so that a FIFO without a writer cannot block
// the open (the flag changes nothing for a regular file), and with O_NOFOLLOW when asked.
func openRead(path string, noFollow bool) (*os.File, error) {
	flag := os.O_RDONLY | syscall.O_NONBLOCK
	if noFollow {
		flag |= oNoFollow
	}
	f, err := os.OpenFile(path, flag, 0)
	if err != nil && noFollow && !errors.Is(err, os.ErrNotExist) {
		// O_NOFOLLOW fails with ELOOP (EMLINK on FreeBSD): say why in words.
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
			return nil, &FileError{Path: path, Problem: "is a symlink", Err: ErrSymlink}
		}
	}
	return f, err
}
