//go:build !windows

package bridge

import (
	"os"
	"syscall"
)

const isWindows = false

// sysStamp adds the inode and the change time, which no tool can set back (rsync -t, touch -d
// and editors that restore mtimes still move ctime).
func sysStamp(fi os.FileInfo) (ino uint64, ctimeNs int64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino), ctimeOf(st)
	}
	return 0, 0
}

// privateFile: mode 0600 or stricter and owned by this user.
func privateFile(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && fi.Mode().Perm()&0o077 == 0 && int(st.Uid) == os.Getuid()
}
