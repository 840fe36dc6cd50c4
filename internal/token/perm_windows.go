//go:build windows

package token

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// checkPrivate does nothing on Windows: access to the config directory (under the user's
// profile) is governed by the ACLs it inherits, not by Unix modes, which Windows does not keep
// (os.Stat reports 0666 or 0444 for every file). The logging package does the same.
func checkPrivate(path string, fi os.FileInfo, want os.FileMode) error { return nil }

// fileID is unknown from a plain stat on Windows; the size, the modification time and the racy
// window (see current) detect a replaced file.
func fileID(fi os.FileInfo) (id uint64, ctime int64) { return 0, 0 }

// syncDir is not possible (nor needed: NTFS journals the rename) on Windows.
func syncDir(dir string) error { return nil }

// replaceFile renames tmp over path (MoveFileEx with MOVEFILE_REPLACE_EXISTING). A reader that
// has the old file open without FILE_SHARE_DELETE (as os.Open does) makes it fail for a moment
// with ERROR_ACCESS_DENIED or ERROR_SHARING_VIOLATION, so it retries for up to two seconds.
func replaceFile(tmp, path string) error {
	var err error
	for i := 0; i < 100; i++ {
		if err = os.Rename(tmp, path); err == nil {
			return nil
		}
		if !errors.Is(err, windows.ERROR_ACCESS_DENIED) && !errors.Is(err, windows.ERROR_SHARING_VIOLATION) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
	return err
}
