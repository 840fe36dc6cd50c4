//go:build !windows

package bridge

import (
	"os"
	"syscall"
)

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

// privateDir: mode 0700 or stricter and owned by this user. Someone else's directory is never
// used, whatever its mode: its owner could swap the files in it (and root could write into it).
func privateDir(fi os.FileInfo) bool { return privateFile(fi) }

// openCacheFile opens the cache file read-only without following a symlink and without
// blocking on a FIFO (O_NONBLOCK has no effect on regular files).
func openCacheFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}
