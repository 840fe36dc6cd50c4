//go:build unix

package token

import (
	"fmt"
	"os"
	"syscall"
)

// checkPrivate refuses fi (the directory or the token file at path) when its mode grants more
// than want (0700 for the directory, 0600 for the file) or when it belongs to another user.
func checkPrivate(path string, fi os.FileInfo, want os.FileMode) error {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		q := shellQuote(path)
		return fmt.Errorf("%w: %s belongs to uid %d, not to you (uid %d); if it is yours, fix it with: sudo chown %d %s && chmod %o %s",
			ErrInsecureStore, path, st.Uid, os.Geteuid(), os.Geteuid(), q, want, q)
	}
	if perm := fi.Mode().Perm(); perm&^want != 0 {
		return fmt.Errorf("%w: %s has mode %04o, more open than %04o; fix it with: chmod %o %s",
			ErrInsecureStore, path, perm, want, want, shellQuote(path))
	}
	return nil
}

// fileID is the inode and the change time: an atomic replace always changes the inode, whatever
// the clock's granularity, and a chmod or chown changes the change time (so a file made loose
// or handed to another user while a server runs is checked again, and refused).
func fileID(fi os.FileInfo) (ino uint64, ctime int64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino), ctimeOf(st)
	}
	return 0, 0
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// replaceFile renames tmp over path; on Unix a rename is atomic and never blocked by readers.
func replaceFile(tmp, path string) error { return os.Rename(tmp, path) }
