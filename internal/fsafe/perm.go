package fsafe

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// The private-permission rule, the same for every file of ours that holds something personal
// (tokens, logs, install state, the reply cache): owned by the effective user, files no more
// open than FileMode, directories no more open than DirMode. Windows governs access by ACLs
// inherited from the user's profile instead, so the rule is not checked there.
const (
	FileMode fs.FileMode = 0o600
	DirMode  fs.FileMode = 0o700
)

// ErrNotPrivate is what every *PermError is (errors.Is).
var ErrNotPrivate = errors.New("not private to you")

// PermError says how a file or directory breaks the private-permission rule, and how to fix it.
type PermError struct {
	Path    string
	Symlink bool        // a symlink owned by someone else (never followed for a change)
	UID     int         // the owner when it is not the effective user (-2: unknown); -1 otherwise
	EUID    int         // the effective user
	Mode    fs.FileMode // the permission bits found
	Want    fs.FileMode // the most open mode allowed
}

func (e *PermError) Error() string {
	q := ShellQuote(e.Path)
	switch {
	case e.Symlink:
		return fmt.Sprintf("%s is a symlink owned by uid %d, not by you (uid %d); remove it (a directory or file of yours belongs there)", e.Path, e.UID, e.EUID)
	case e.UID != -1:
		return fmt.Sprintf("%s belongs to uid %d, not to you (uid %d); if it is yours, fix it with: sudo chown %d %s && chmod %o %s", e.Path, e.UID, e.EUID, e.EUID, q, e.Want, q)
	}
	return fmt.Sprintf("%s has mode %04o, more open than %04o; fix it with: chmod %o %s", e.Path, e.Mode, e.Want, e.Want, q)
}

// Is makes errors.Is(err, ErrNotPrivate) true.
func (e *PermError) Is(target error) bool { return target == ErrNotPrivate }

// Trusted reports whether only the effective user or root can change fi: owned by one of them
// and not writable by group or others (for the binary, manifests and the AWS files, which may be
// root's). Always true on Windows (see ModesApply).
func Trusted(fi fs.FileInfo) bool { return !OwnedByOther(fi) && !WritableByOthers(fi) }

// want is the most open mode the rule allows for fi.
func want(fi fs.FileInfo) fs.FileMode {
	if fi.IsDir() {
		return DirMode
	}
	return FileMode
}

// ShellQuote quotes s for a POSIX shell when it needs it, so that a command in a message can be
// pasted as it is: names and paths of letters, digits and @%+=:,./_- stay bare, a leading ~/
// stays bare too (the shell expands it), anything else is single-quoted. It is the one quoter
// of every command a message names.
func ShellQuote(s string) string {
	if s != "" && shellSafe(strings.TrimPrefix(s, "~/")) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func shellSafe(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./_-", r))
	}) < 0
}

// EnsureFile creates the file at path (mode FileMode) when missing and checks that it is a
// private regular file of ours; with tighten, a file of ours that is more open is set to
// FileMode instead of refused. On Unix it never creates, opens or changes anything through a
// symlink (ErrSymlink), and the check and the chmod apply to the file opened.
func EnsureFile(path string, tighten bool) error {
	f, err := openAppend(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return notRegular(path, fi.Mode())
	}
	err = CheckPrivate(path, fi)
	var pe *PermError
	if tighten && errors.As(err, &pe) && pe.UID == -1 {
		if cerr := f.Chmod(FileMode); cerr != nil {
			return fmt.Errorf("%w (%v)", pe, cerr)
		}
		return nil
	}
	return err
}
