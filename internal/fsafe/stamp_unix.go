//go:build unix

package fsafe

import (
	"os"
	"syscall"
)

// sysStamp is the inode and the change time.
func sysStamp(fi os.FileInfo) (ino uint64, ctimeNs int64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino), ctimeOf(st)
	}
	return 0, 0
}
