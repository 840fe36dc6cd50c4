//go:build unix

package fsafe

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// ModesApply reports whether Unix modes and owners mean anything here (not on Windows).
const ModesApply = true

// Owner is the uid owning fi (ok false when the platform does not say).
func Owner(fi fs.FileInfo) (uid int, ok bool) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), true
	}
	return 0, false
}

// CheckPrivate checks fi (a stat of path, taken on the opened file where there is one) against
// the rule: owned by the effective user, a file no more open than FileMode, a directory no more
// open than DirMode. The error is a *PermError.
func CheckPrivate(path string, fi fs.FileInfo) error {
	euid := os.Geteuid()
	if uid, ok := Owner(fi); !ok || uid != euid {
		if !ok {
			uid = -2 // unknown: never trusted
		}
		return &PermError{Path: path, UID: uid, EUID: euid, Mode: fi.Mode().Perm(), Want: want(fi)}
	}
	if fi.Mode().Perm()&^want(fi) != 0 {
		return &PermError{Path: path, UID: -1, EUID: euid, Mode: fi.Mode().Perm(), Want: want(fi)}
	}
	return nil
}

// OwnedByOther reports a file that belongs to neither the effective user nor root.
func OwnedByOther(fi fs.FileInfo) bool {
	uid, ok := Owner(fi)
	return !ok || uid != os.Geteuid() && uid != 0
}

// WritableByOthers reports a file or directory that its group or others may change.
func WritableByOthers(fi fs.FileInfo) bool { return fi.Mode().Perm()&0o022 != 0 }

// OpenToOthers reports a file or directory that its group or others may read, change or enter.
func OpenToOthers(fi fs.FileInfo) bool { return fi.Mode().Perm()&0o077 != 0 }

// IsExecutable reports whether fi has an execute bit.
func IsExecutable(fi fs.FileInfo) bool { return fi.Mode().Perm()&0o111 != 0 }

// CheckDir checks that dir is a private directory of ours (see EnsureDir), without creating or
// changing anything. A missing directory is an error satisfying errors.Is(err, fs.ErrNotExist).
func CheckDir(dir string) error {
	if err := checkParents(dir); err != nil {
		return err
	}
	return checkDir(dir, false)
}

// EnsureDir creates dir (mode DirMode, with missing parents) when it is missing and checks that
// it is a private directory of ours; with tighten, a real directory of ours that is more open is
// set to DirMode instead of refused. Nothing is ever created or changed through a symlink: a
// symlink at dir must be ours and point at a private directory of ours (checked, never
// chmodded), and a symlink among dir's parents owned by someone other than us or root is refused
// before anything is created (its owner could point it anywhere, even at a directory of root's).
func EnsureDir(dir string, tighten bool) error {
	if err := checkParents(dir); err != nil {
		return err
	}
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, DirMode); err != nil {
			return err
		}
	}
	return checkDir(dir, tighten)
}

// checkDir is CheckDir once dir's parents are checked (checkParents).
func checkDir(dir string, tighten bool) error {
	lfi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if lfi.Mode()&fs.ModeSymlink != 0 {
		if err := symlinkOurs(dir, lfi, false); err != nil {
			return err
		}
		fi, err := os.Stat(dir)
		if err != nil {
			return err
		}
		if !fi.IsDir() {
			return fmt.Errorf("%s is not a directory", dir)
		}
		return CheckPrivate(dir, fi)
	}
	// The directory itself, opened without following a symlink, so that the check and the chmod
	// apply to one and the same directory even if the path is swapped meanwhile.
	f, err := os.OpenFile(dir, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_DIRECTORY, 0)
	if err != nil {
		if errors.Is(err, syscall.ENOTDIR) {
			return fmt.Errorf("%s is not a directory", dir)
		}
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	err = CheckPrivate(dir, fi)
	var pe *PermError
	if tighten && errors.As(err, &pe) && pe.UID < 0 {
		if err := f.Chmod(DirMode); err != nil {
			return fmt.Errorf("%w (%v)", pe, err)
		}
		return nil
	}
	return err
}

// checkParents refuses a symlink among dir's parents owned by someone other than us or root.
func checkParents(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for p := filepath.Dir(abs); ; p = filepath.Dir(p) {
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			if err := symlinkOurs(p, fi, true); err != nil {
				return err
			}
		}
		if filepath.Dir(p) == p {
			return nil
		}
	}
}

// symlinkOurs refuses a symlink owned by someone other than the effective user (or root, when
// rootOK: system links such as /tmp -> /private/tmp on macOS).
func symlinkOurs(path string, fi fs.FileInfo, rootOK bool) error {
	euid := os.Geteuid()
	uid, ok := Owner(fi)
	if ok && (uid == euid || rootOK && uid == 0) {
		return nil
	}
	if !ok {
		uid = -2
	}
	return &PermError{Path: path, Symlink: true, UID: uid, EUID: euid}
}

// openAppend opens path for appending, creating it (FileMode) when missing, never through a
// symlink and without blocking on a FIFO.
func openAppend(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, FileMode)
	if err != nil {
		// Say why in words: O_NOFOLLOW fails with ELOOP, a FIFO without a reader with ENXIO.
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, &FileError{Path: path, Problem: "is a symlink; remove it (a regular file of yours belongs there)", Err: ErrSymlink}
		} else if lerr == nil && !fi.Mode().IsRegular() {
			return nil, notRegular(path, fi.Mode())
		}
	}
	return f, err
}

// PrivateUmask makes every file and directory this process creates private to the user
// (docs/SECURITY.md); both binaries call it first.
func PrivateUmask() { syscall.Umask(0o077) }
