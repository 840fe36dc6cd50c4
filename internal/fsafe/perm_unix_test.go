//go:build unix

package fsafe

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// other is a uid that is not the test's (tests that chown need root).
const other = 12345

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown")
	}
}

func TestCheckPrivate(t *testing.T) {
	tests := []struct {
		name  string
		dir   bool
		mode  os.FileMode
		chown bool
		msg   string // "" = private
	}{
		{"file 0600", false, 0o600, false, ""},
		{"file 0400", false, 0o400, false, ""},
		{"file 0644", false, 0o644, false, "chmod 600 "},
		{"file 0700", false, 0o700, false, "chmod 600 "},
		{"file 0604", false, 0o604, false, "mode 0604"},
		{"dir 0700", true, 0o700, false, ""},
		{"dir 0500", true, 0o500, false, ""},
		{"dir 0755", true, 0o755, false, "chmod 700 "},
		{"dir 0701", true, 0o701, false, "chmod 700 "},
		{"someone else's file 0600", false, 0o600, true, "belongs to uid 12345"},
		{"someone else's dir 0700", true, 0o700, true, "belongs to uid 12345"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.chown {
				needRoot(t)
			}
			p := filepath.Join(t.TempDir(), "x")
			if tt.dir {
				os.Mkdir(p, 0o700)
			} else {
				os.WriteFile(p, nil, 0o600)
			}
			if err := os.Chmod(p, tt.mode); err != nil {
				t.Fatal(err)
			}
			if tt.chown {
				os.Chown(p, other, other)
			}
			fi, _ := os.Stat(p)
			err := CheckPrivate(p, fi)
			if tt.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrNotPrivate) || !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), p) {
				t.Fatalf("err = %v, want ErrNotPrivate naming %s with %q", err, p, tt.msg)
			}
		})
	}
}

// TestEnsureDir: created 0700; a loose directory of ours is tightened or refused as asked; never
// chmods or creates through a symlink: a symlink of someone else's at the directory or among its
// parents is refused and its target left as it was (a process running as root would otherwise
// take over root's directory).
func TestEnsureDir(t *testing.T) {
	type setup func(t *testing.T, base string) (dir, victim string)
	mk := func(p string, mode os.FileMode, uid int) {
		os.MkdirAll(p, 0o700)
		os.Chmod(p, mode)
		if uid >= 0 {
			os.Lchown(p, uid, uid)
		}
	}
	tests := []struct {
		name     string
		root     bool
		tighten  bool
		setup    setup
		msg      string      // "" = accepted
		wantMode os.FileMode // of dir (or the victim) afterwards
	}{
		{"missing: created 0700", false, false, func(t *testing.T, b string) (string, string) {
			return filepath.Join(b, "a", "logs"), ""
		}, "", 0o700},
		{"loose, ours, tighten", false, true, func(t *testing.T, b string) (string, string) {
			mk(filepath.Join(b, "logs"), 0o755, -1)
			return filepath.Join(b, "logs"), ""
		}, "", 0o700},
		{"loose, ours, no tighten", false, false, func(t *testing.T, b string) (string, string) {
			mk(filepath.Join(b, "logs"), 0o755, -1)
			return filepath.Join(b, "logs"), ""
		}, "chmod 700", 0o755},
		{"our symlink to a private dir of ours", false, true, func(t *testing.T, b string) (string, string) {
			mk(filepath.Join(b, "real"), 0o700, -1)
			os.Symlink(filepath.Join(b, "real"), filepath.Join(b, "logs"))
			return filepath.Join(b, "logs"), ""
		}, "", 0o700},
		{"our symlink to a loose dir: refused, not chmodded", false, true, func(t *testing.T, b string) (string, string) {
			mk(filepath.Join(b, "real"), 0o755, -1)
			os.Symlink(filepath.Join(b, "real"), filepath.Join(b, "logs"))
			return filepath.Join(b, "logs"), filepath.Join(b, "real")
		}, "chmod 700", 0o755},
		{"someone else's symlink to our loose dir", true, true, func(t *testing.T, b string) (string, string) {
			mk(filepath.Join(b, "rootdir"), 0o755, -1)
			l := filepath.Join(b, "logs")
			os.Symlink(filepath.Join(b, "rootdir"), l)
			os.Lchown(l, other, other)
			return l, filepath.Join(b, "rootdir")
		}, "symlink owned by uid 12345", 0o755},
		{"someone else's symlink among the parents", true, true, func(t *testing.T, b string) (string, string) {
			mk(filepath.Join(b, "rootdir"), 0o755, -1)
			l := filepath.Join(b, "aws")
			os.Symlink(filepath.Join(b, "rootdir"), l)
			os.Lchown(l, other, other)
			return filepath.Join(l, "logs"), filepath.Join(b, "rootdir")
		}, "symlink owned by uid 12345", 0o755},
		{"someone else's dir", true, true, func(t *testing.T, b string) (string, string) {
			mk(filepath.Join(b, "logs"), 0o755, other)
			return filepath.Join(b, "logs"), ""
		}, "belongs to uid 12345", 0o755},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.root {
				needRoot(t)
			}
			base := t.TempDir()
			dir, victim := tt.setup(t, base)
			err := EnsureDir(dir, tt.tighten)
			if tt.msg == "" && err != nil || tt.msg != "" && (err == nil || !strings.Contains(err.Error(), tt.msg)) {
				t.Fatalf("EnsureDir = %v, want %q", err, tt.msg)
			}
			if tt.msg != "" && !errors.Is(err, ErrNotPrivate) {
				t.Errorf("%v is not ErrNotPrivate", err)
			}
			check := dir
			if victim != "" {
				check = victim
			}
			if fi, err := os.Stat(check); err == nil && fi.Mode().Perm() != tt.wantMode {
				t.Errorf("%s has mode %o, want %o", check, fi.Mode().Perm(), tt.wantMode)
			}
			if victim != "" {
				if ents, _ := os.ReadDir(victim); len(ents) != 0 {
					t.Errorf("something was created through the symlink: %v", ents)
				}
			}
			if err == nil {
				if cerr := CheckDir(dir); cerr != nil {
					t.Errorf("CheckDir after EnsureDir: %v", cerr)
				}
			}
		})
	}
}

func TestTrusted(t *testing.T) {
	tests := []struct {
		mode  os.FileMode
		uid   int
		trust bool
	}{{0o755, -1, true}, {0o775, -1, false}, {0o757, -1, false}, {0o755, 0, true}, {0o755, other, false}}
	for _, tt := range tests {
		if tt.uid > 0 {
			needRoot(t)
		}
		p := filepath.Join(t.TempDir(), "bin")
		os.WriteFile(p, nil, 0o700)
		os.Chmod(p, tt.mode)
		if tt.uid >= 0 {
			os.Chown(p, tt.uid, tt.uid)
		}
		fi, _ := os.Stat(p)
		if Trusted(fi) != tt.trust {
			t.Errorf("mode %o uid %d: Trusted = %v", tt.mode, tt.uid, !tt.trust)
		}
	}
}

func TestEnsureFile(t *testing.T) {
	tests := []struct {
		name     string
		root     bool
		tighten  bool
		setup    func(t *testing.T, p string)
		err      error
		msg      string
		wantMode os.FileMode // of the file (or the symlink's target) afterwards
	}{
		{"missing: created 0600", false, false, func(t *testing.T, p string) {}, nil, "", 0o600},
		{"ours 0644, tighten", false, true, func(t *testing.T, p string) { os.WriteFile(p, nil, 0o600); os.Chmod(p, 0o644) }, nil, "", 0o600},
		{"ours 0644, no tighten", false, false, func(t *testing.T, p string) { os.WriteFile(p, nil, 0o600); os.Chmod(p, 0o644) }, ErrNotPrivate, "chmod 600", 0o644},
		{"symlink", false, true, func(t *testing.T, p string) {
			os.WriteFile(p+".target", nil, 0o600)
			os.Chmod(p+".target", 0o644)
			os.Symlink(p+".target", p)
		}, ErrSymlink, "symlink", 0o644},
		{"fifo", false, true, func(t *testing.T, p string) { syscall.Mkfifo(p, 0o600) }, ErrNotRegular, "named pipe", 0o600},
		{"someone else's", true, true, func(t *testing.T, p string) { os.WriteFile(p, nil, 0o600); os.Chown(p, other, other) }, ErrNotPrivate, "uid 12345", 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.root {
				needRoot(t)
			}
			p := filepath.Join(t.TempDir(), "x.log")
			tt.setup(t, p)
			err := EnsureFile(p, tt.tighten)
			if tt.err == nil && err != nil || tt.err != nil && (!errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.msg)) {
				t.Fatalf("EnsureFile = %v, want %v with %q", err, tt.err, tt.msg)
			}
			if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != tt.wantMode {
				t.Errorf("afterwards: %v %v, want mode %o", fi, err, tt.wantMode)
			}
		})
	}
}
