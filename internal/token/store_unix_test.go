//go:build unix

package token

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func mode(t *testing.T, p string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// TestModes: 0700 directory, 0600 files, whatever the umask.
func TestModes(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "a", "cfg")
	s := newStore(t, dir)
	mustCreate(t, s, "x")
	if m := mode(t, dir); m != 0o700 {
		t.Errorf("directory mode %o", m)
	}
	for _, f := range []string{FileName, LockFileName} {
		if m := mode(t, filepath.Join(dir, f)); m != 0o600 {
			t.Errorf("%s mode %o", f, m)
		}
	}
}

// TestRefuseLoose: a directory looser than 0700 or a file looser than 0600 is refused, with the
// chmod to run; tighter is fine. A store that becomes loose while open fails closed.
func TestRefuseLoose(t *testing.T) {
	for _, m := range []os.FileMode{0o755, 0o750, 0o701, 0o770, 0o777} {
		dir := privDir(t)
		newStore(t, dir)
		os.Chmod(dir, m)
		for _, create := range []bool{false, true} {
			_, err := Open(dir, create)
			if !errors.Is(err, ErrInsecureStore) || !strings.Contains(err.Error(), "chmod 700 "+dir) {
				t.Errorf("dir %o, create %v: %v", m, create, err)
			}
		}
	}
	for _, m := range []os.FileMode{0o644, 0o640, 0o660, 0o604, 0o666, 0o700} {
		dir := privDir(t)
		p := filepath.Join(dir, FileName)
		newStore(t, dir)
		os.Chmod(p, m)
		_, err := Open(dir, false)
		if !errors.Is(err, ErrInsecureStore) || !strings.Contains(err.Error(), "chmod 600 "+p) {
			t.Errorf("file %o: %v", m, err)
		}
	}
	for _, m := range []os.FileMode{0o400, 0o600} {
		dir := privDir(t)
		newStore(t, dir)
		os.Chmod(filepath.Join(dir, FileName), m)
		if _, err := Open(dir, false); err != nil {
			t.Errorf("file %o refused: %v", m, err)
		}
	}

	dir := privDir(t)
	s := newStore(t, dir)
	tok, _ := mustCreate(t, s, "x")
	age(t, s) // a server that has cached the file: the chmod alone must make it look again
	if _, ok := s.Verify(tok); !ok {
		t.Fatal("Verify = false")
	}
	if err := os.Chmod(s.path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Verify(tok); ok {
		t.Fatal("Verify accepted a token from a world-readable file")
	}
	if !errors.Is(s.Err(), ErrInsecureStore) {
		t.Fatalf("Err() = %v", s.Err())
	}
	if _, _, err := s.Create("y"); !errors.Is(err, ErrInsecureStore) {
		t.Fatalf("Create on a loose file: %v", err)
	}
	os.Chmod(s.path, 0o600)
	if _, ok := s.Verify(tok); !ok {
		t.Fatal("Verify = false after the fix")
	}
	// The directory is checked at Open, on every re-read and on every write.
	os.Chmod(dir, 0o711)
	if _, _, err := s.Create("y"); !errors.Is(err, ErrInsecureStore) {
		t.Fatalf("Create in a loose directory: %v", err)
	}
}

// TestRefuseSymlink: the token file must be a regular file, not a link to one elsewhere.
func TestRefuseSymlink(t *testing.T) {
	dir := privDir(t)
	src := newStore(t, privDir(t))
	mustCreate(t, src, "x")
	if err := os.Symlink(src.path, filepath.Join(dir, FileName)); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, false); !errors.Is(err, ErrInsecureStore) {
		t.Fatalf("Open over a symlink = %v", err)
	}
}

// TestRefuseForeignOwner (root only): a directory or file owned by another uid is refused even
// when its mode is tight.
func TestRefuseForeignOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown")
	}
	const other = 4242
	dir := privDir(t)
	s := newStore(t, dir)
	tok, _ := mustCreate(t, s, "x")
	age(t, s)
	if _, ok := s.Verify(tok); !ok {
		t.Fatal("Verify = false")
	}
	if err := os.Chown(s.path, other, other); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, false); !errors.Is(err, ErrInsecureStore) || !strings.Contains(err.Error(), "uid 4242") {
		t.Errorf("foreign file: %v", err)
	}
	if _, ok := s.Verify(tok); ok {
		t.Error("Verify accepted a token from another user's file")
	}
	os.Chown(s.path, 0, 0)
	if err := os.Chown(dir, other, other); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, true); !errors.Is(err, ErrInsecureStore) || !strings.Contains(err.Error(), dir) {
		t.Errorf("foreign directory: %v", err)
	}
	if _, _, err := s.Create("y"); !errors.Is(err, ErrInsecureStore) {
		t.Errorf("Create in another user's directory: %v", err)
	}
}
