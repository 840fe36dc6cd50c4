//go:build unix

package fsafe

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// TestReadFileKinds: only regular files are read, whatever the path names or links to; a FIFO
// fails at once instead of blocking, a device is never read (it could be endless), a file over
// the limit is refused (without reading it whole), and a dangling symlink is a missing file.
func TestReadFileKinds(t *testing.T) {
	dir := t.TempDir()
	put := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	link := func(name, target string) string {
		p := filepath.Join(dir, name)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	small := put("small", []byte("[default]\n"))
	big := put("big", bytes.Repeat([]byte("x"), 1025))
	tests := []struct {
		name, path string
		want       []byte
		err        error
		msg        string // in the error
	}{
		{"regular", small, []byte("[default]\n"), nil, ""},
		{"symlink to regular", link("l-small", small), []byte("[default]\n"), nil, ""},
		{"exactly the limit", put("limit", bytes.Repeat([]byte("y"), 1024)), bytes.Repeat([]byte("y"), 1024), nil, ""},
		{"empty", put("empty", nil), []byte{}, nil, ""},
		{"fifo", fifo, nil, ErrNotRegular, "named pipe"},
		{"symlink to fifo", link("l-fifo", fifo), nil, ErrNotRegular, "named pipe"},
		{"symlink to /dev/zero", link("l-zero", "/dev/zero"), nil, ErrNotRegular, "device"},
		{"/dev/null", "/dev/null", nil, ErrNotRegular, "device"},
		{"directory", dir, nil, ErrNotRegular, "directory"},
		{"over the limit", big, nil, ErrTooLarge, "larger than 1 KiB"},
		{"dangling symlink", link("l-none", filepath.Join(dir, "none")), nil, fs.ErrNotExist, ""},
		{"missing", filepath.Join(dir, "none"), nil, fs.ErrNotExist, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b []byte
			var err error
			testaws.Returns(t, "ReadFile("+tt.path+")", func() { b, err = ReadFile(tt.path, 1024) })
			if tt.err == nil {
				if err != nil || !bytes.Equal(b, tt.want) {
					t.Fatalf("got %q, %v; want %q", b, err, tt.want)
				}
				return
			}
			if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v; want %v containing %q", err, tt.err, tt.msg)
			}
			if tt.err != fs.ErrNotExist && !strings.Contains(err.Error(), tt.path) {
				t.Errorf("the error does not name the file: %v", err)
			}
		})
	}
}

// TestOpenNoFollow refuses a symlink, even to a regular file, and still opens the file itself.
func TestOpenNoFollow(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("x"), 0o600)
	l := filepath.Join(dir, "l")
	os.Symlink(p, l)
	tests := []struct {
		path string
		err  error
	}{{p, nil}, {l, ErrSymlink}, {filepath.Join(dir, "none"), fs.ErrNotExist}}
	for _, tt := range tests {
		f, fi, err := OpenNoFollow(tt.path)
		if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
			t.Errorf("OpenNoFollow(%s) = %v, want %v", tt.path, err, tt.err)
		}
		if err == nil {
			if !fi.Mode().IsRegular() {
				t.Errorf("%s: mode %v", tt.path, fi.Mode())
			}
			f.Close()
		}
	}
}

// TestLockNoFollow: a symlink put where the lock file goes is not followed (the lock would
// otherwise create or open a file of the link owner's choosing).
func TestLockNoFollow(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere")
	l := filepath.Join(dir, "x.lock")
	os.Symlink(target, l)
	if unlock, err := Lock(l); err == nil {
		unlock()
		t.Fatal("Lock followed a symlink")
	}
	if _, err := os.Lstat(target); err == nil {
		t.Fatal("Lock created the symlink's target")
	}
}
