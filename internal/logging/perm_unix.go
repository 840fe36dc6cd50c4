//go:build unix

package logging

import (
	"fmt"
	"os"
	"syscall"
)

// checkDir tightens the log directory dir (fi) of ours to 0700; one owned by
// someone else is refused.
func checkDir(dir string, fi os.FileInfo) error {
	// Someone else's directory is refused whatever its mode: its owner can put a symlink named
	// like the log file (or its rotations) in it, and a process running as root would follow it.
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("log directory %s has mode %o and belongs to uid %d, not to you (uid %d); use a directory of your own (AWS_PROFILE_BRIDGE_LOG_DIR), or if it is yours fix it with: chown %d %s && chmod 700 %s",
			dir, fi.Mode().Perm(), st.Uid, os.Geteuid(), os.Geteuid(), dir, dir)
	}
	if fi.Mode().Perm() == 0o700 {
		return nil
	}
	return os.Chmod(dir, 0o700)
}

// ensureFile creates path with mode 0600 if missing and sets an existing one
// of ours to 0600, so that lumberjack (which reuses the current file's mode
// when it rotates) keeps 0600 on every file it creates.
func ensureFile(path string) error {
	// O_NOFOLLOW: a symlink's target would be chmodded and written to.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
			return fmt.Errorf("%s is a symlink; remove it (the log file must be a regular file of yours)", path)
		}
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("log file %s belongs to uid %d, not to you (uid %d); remove it", path, st.Uid, os.Geteuid())
	}
	if fi.Mode().Perm() != 0o600 {
		if err := f.Chmod(0o600); err != nil {
			return fmt.Errorf("log file %s has mode %o: %w; fix it with: chmod 600 %s", path, fi.Mode().Perm(), err, path)
		}
	}
	return nil
}
