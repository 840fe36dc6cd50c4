//go:build unix

package logging

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"gopkg.in/natefinch/lumberjack.v2"
)

func mode(t *testing.T, p string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestModes(t *testing.T) {
	old := syscall.Umask(0) // the loosest umask: modes must not depend on it
	defer syscall.Umask(old)
	tests := []struct {
		name     string
		setup    func(dir string)
		wantDir  os.FileMode
		wantFile os.FileMode
	}{
		{"fresh", func(string) {}, 0o700, 0o600},
		{"loose dir of ours", func(d string) { os.MkdirAll(d, 0o755); os.Chmod(d, 0o777) }, 0o700, 0o600},
		{"loose file of ours", func(d string) {
			os.MkdirAll(d, 0o700)
			os.WriteFile(filepath.Join(d, FileName), []byte("{}\n"), 0o666)
			os.Chmod(filepath.Join(d, FileName), 0o666)
		}, 0o700, 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "logs")
			tt.setup(dir)
			log, c, err := Open(dir, "")
			if err != nil {
				t.Fatal(err)
			}
			log.Info().Msg("x")
			defer c.Close()
			if m := mode(t, dir); m != tt.wantDir {
				t.Errorf("dir mode %o, want %o", m, tt.wantDir)
			}
			if m := mode(t, filepath.Join(dir, FileName)); m != tt.wantFile {
				t.Errorf("file mode %o, want %o", m, tt.wantFile)
			}
		})
	}
}

func TestRotationKeeps0600(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := t.TempDir()
	log, c, err := open(dir, "", 1)
	if err != nil {
		t.Fatal(err)
	}
	log.Info().Msg("before explicit rotation")
	if err := c.(*lumberjack.Logger).Rotate(); err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat("p.", 500) // dots: a long token-like run would be redacted
	for i := range 1100 {            // past 1 MB: a size rotation
		log.Info().Int("i", i).Str("pad", pad).Msg("fill")
	}
	c.Close()
	ents, _ := os.ReadDir(dir)
	if len(ents) < 3 {
		t.Fatalf("%d files, want the current one and 2 backups", len(ents))
	}
	for _, e := range ents {
		if m := mode(t, filepath.Join(dir, e.Name())); m != 0o600 {
			t.Errorf("%s: mode %o, want 600", e.Name(), m)
		}
	}
	if m := mode(t, dir); m != 0o700 {
		t.Errorf("dir mode %o", m)
	}
}

func TestOpenRefusesOthersLooseDir(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a directory owned by someone else")
	}
	dir := filepath.Join(t.TempDir(), "other")
	os.Mkdir(dir, 0o777)
	os.Chmod(dir, 0o777)
	if err := os.Chown(dir, 12345, 12345); err != nil {
		t.Skip(err)
	}
	_, _, err := Open(dir, "")
	if err == nil || !strings.Contains(err.Error(), "chmod 700") {
		t.Fatalf("err = %v", err)
	}
}

// TestOpenRefusesOthersDirAsRoot: run as root with another user's HOME (sudo keeping HOME, a
// service misconfigured), the log directory belongs to that user, who can put a symlink named
// like the log file in it. Following it, root chmodded the target to 0600 and appended log lines
// to it (/etc/shadow, /etc/passwd ...). A directory that is not ours is refused whatever its mode.
func TestOpenRefusesOthersDirAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a directory owned by someone else")
	}
	base := t.TempDir()
	victim := filepath.Join(base, "victim")
	os.WriteFile(victim, []byte("root:x:0:0\n"), 0o644)
	dir := filepath.Join(base, "other")
	os.Mkdir(dir, 0o700)
	if err := os.Symlink(victim, filepath.Join(dir, FileName)); err != nil {
		t.Fatal(err)
	}
	if err := os.Lchown(filepath.Join(dir, FileName), 12345, 12345); err != nil {
		t.Skip(err)
	}
	if err := os.Chown(dir, 12345, 12345); err != nil {
		t.Skip(err)
	}
	log, c, err := Open(dir, "")
	if err == nil {
		log.Info().Msg("hello")
		c.Close()
		t.Errorf("a log directory owned by uid 12345 was used by root")
	} else if !strings.Contains(err.Error(), "chmod 700") {
		t.Errorf("err = %v; want the command that fixes it", err)
	}
	if m := mode(t, victim); m != 0o644 {
		t.Errorf("the symlink's target was chmodded to %o", m)
	}
	if b, _ := os.ReadFile(victim); string(b) != "root:x:0:0\n" {
		t.Errorf("the symlink's target was written: %q", b)
	}
}

// TestOpenRefusesSymlinkedLogFile: the log file itself is never a symlink (its target would be
// chmodded and written).
func TestOpenRefusesSymlinkedLogFile(t *testing.T) {
	base := t.TempDir()
	target := filepath.Join(base, "elsewhere")
	os.WriteFile(target, []byte("keep\n"), 0o644)
	dir := filepath.Join(base, "logs")
	os.Mkdir(dir, 0o700)
	os.Symlink(target, filepath.Join(dir, FileName))
	log, c, err := Open(dir, "")
	if err == nil {
		log.Info().Msg("hello")
		c.Close()
		t.Errorf("a symlinked log file was used")
	}
	if m := mode(t, target); m != 0o644 {
		t.Errorf("the symlink's target was chmodded to %o", m)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep\n" {
		t.Errorf("the symlink's target was written: %q", b)
	}
}

// TestOpenRefusesOthersSymlinkedDir: run as root with a HOME whose owner pointed .aws/logs (or
// .aws) at a directory of root's, the check followed the symlink: root's directory became 0700
// and got a root-owned log. A symlink of someone else's, at the log directory or above it, is
// refused before anything is created or changed through it.
func TestOpenRefusesOthersSymlinkedDir(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a symlink owned by someone else")
	}
	tests := []struct {
		name string
		link string // relative to base: the symlink owned by uid 12345, pointing at rootdir
		dir  string // the log directory, relative to base
	}{
		{"the log directory", "home/.aws/logs", "home/.aws/logs"},
		{"a parent of it", "home/.aws", "home/.aws/logs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := t.TempDir()
			rootdir := filepath.Join(base, "rootdir")
			os.Mkdir(rootdir, 0o755)
			os.Chmod(rootdir, 0o755)
			if tt.link != tt.dir { // the symlink is a parent: root's directory has the logs directory
				os.Mkdir(filepath.Join(rootdir, "logs"), 0o755)
				os.Chmod(filepath.Join(rootdir, "logs"), 0o755)
			}
			link := filepath.Join(base, tt.link)
			os.MkdirAll(filepath.Dir(link), 0o755)
			if err := os.Symlink(rootdir, link); err != nil {
				t.Fatal(err)
			}
			if err := os.Lchown(link, 12345, 12345); err != nil {
				t.Fatal(err)
			}
			log, c, err := Open(filepath.Join(base, tt.dir), "")
			if err == nil {
				log.Info().Msg("hello")
				c.Close()
				t.Errorf("a log directory reached through uid 12345's symlink was used by root")
			} else if !strings.Contains(err.Error(), "symlink owned by uid 12345") {
				t.Errorf("err = %v; want it to name the symlink", err)
			}
			filepath.Walk(rootdir, func(p string, fi os.FileInfo, err error) error {
				if err == nil && fi.IsDir() && fi.Mode().Perm() != 0o755 {
					t.Errorf("%s was chmodded to %o", p, fi.Mode().Perm())
				}
				if err == nil && !fi.IsDir() {
					t.Errorf("%s was created", p)
				}
				return nil
			})
		})
	}
}
