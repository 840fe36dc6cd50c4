//go:build unix

package install

import (
	"io/fs"
	"os"
	"syscall"
)

// permChecks says whether file modes mean anything here (not on Windows, where ACLs rule).
const permChecks = true

func isWindowsFS() bool { return false }

// writableByOthers reports a file or directory that someone other than its owner may change.
func writableByOthers(fi fs.FileInfo) bool { return fi.Mode().Perm()&0o022 != 0 }

// notPrivate reports a file or directory that others may read or enter.
func notPrivate(fi fs.FileInfo) bool { return fi.Mode().Perm()&0o077 != 0 }

func isExecutable(fi fs.FileInfo) bool { return fi.Mode().Perm()&0o111 != 0 }

// ownedByOther reports a file that belongs to neither us nor root.
func ownedByOther(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) != os.Geteuid() && st.Uid != 0
}
