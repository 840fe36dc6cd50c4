package fsafe

import (
	"io/fs"
	"os"
)

// oNoFollow: Windows has no such flag.
const oNoFollow = 0

// openRead opens path read-only. Windows has no O_NOFOLLOW; a symlink at path is refused after
// the open when asked (creating one needs a privilege, so it is a deliberate act), and a named
// pipe or device is refused by Open's check of the opened handle.
func openRead(path string, noFollow bool) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil || !noFollow {
		return f, err
	}
	if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
		f.Close()
		return nil, &FileError{Path: path, Problem: "is a symlink", Err: ErrSymlink}
	}
	return f, nil
}

// MapAll reads the file as ReadAll does: mapping it (read_unix.go) would keep it open and
// undeletable on Windows.
func MapAll(f *os.File, fi fs.FileInfo, limit int64) ([]byte, error) { return ReadAll(f, fi, limit) }
