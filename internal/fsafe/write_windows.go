package fsafe

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// syncDir is neither possible nor needed on Windows: NTFS journals the rename.
func syncDir(string) error { return nil }

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
