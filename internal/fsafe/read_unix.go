//go:build unix

package fsafe

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
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

// MapAll is ReadAll by mapping the file read-only instead of copying it: for a process that
// lives for a request or a few (the native host) and hands a large file on unchanged, it saves
// touching fresh memory for every byte. The mapping is never released (the process exits), so
// long-running processes use ReadAll. A file truncated while mapped makes a later access fault:
// a caller that reads the bytes first (a checksum) does so under NoFault.
func MapAll(f *os.File, fi fs.FileInfo, limit int64) ([]byte, error) {
	if fi.Size() > limit {
		return nil, tooLarge(f.Name(), limit)
	}
	if fi.Size() == 0 {
		return []byte{}, nil
	}
	data, err := unix.Mmap(int(f.Fd()), 0, int(fi.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return ReadAll(f, fi, limit) // a file system that cannot map
	}
	return data, nil
}
