package fsafe

import (
	"fmt"
	"io/fs"
	"os"
)

// ModesApply reports whether Unix modes and owners mean anything here: not on Windows, where a
// file under the user's profile is private by the ACL it inherits (os.Stat reports 0666 or 0444
// for every file).
const ModesApply = false

// Owner is not known from a plain stat on Windows.
func Owner(fs.FileInfo) (uid int, ok bool) { return 0, false }

// CheckPrivate does nothing on Windows (see ModesApply).
func CheckPrivate(string, fs.FileInfo) error { return nil }

// OwnedByOther is false on Windows (see ModesApply).
func OwnedByOther(fs.FileInfo) bool { return false }

// WritableByOthers is false on Windows (see ModesApply).
func WritableByOthers(fs.FileInfo) bool { return false }

// OpenToOthers is false on Windows (see ModesApply).
func OpenToOthers(fs.FileInfo) bool { return false }

// IsExecutable is true on Windows, which has no execute bit.
func IsExecutable(fs.FileInfo) bool { return true }

// CheckDir checks that dir is a directory.
func CheckDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// EnsureDir creates dir when missing and checks that it is a directory.
func EnsureDir(dir string, tighten bool) error {
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return err
	}
	return CheckDir(dir)
}

// openAppend opens path for appending, creating it when missing.
func openAppend(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, FileMode)
}

// PrivateUmask does nothing on Windows: files under the user's profile inherit its ACL.
func PrivateUmask() {}
