//go:build unix

package awsconfig

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadRefusesSpecialFiles: an AWS file that is a FIFO (which blocked the reader forever),
// a symlink to /dev/zero (which grew the process to gigabytes), a directory or a file over
// MaxFileSize fails at once with an error naming the file and saying what to do; a dangling
// symlink is a missing file, as the SDK treats it.
func TestLoadRefusesSpecialFiles(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, p string)
		msg   string // "" = loads as a missing file
	}{
		{"fifo", func(t *testing.T, p string) {
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "named pipe"},
		{"symlink to /dev/zero", func(t *testing.T, p string) { os.Symlink("/dev/zero", p) }, "device"},
		{"directory", func(t *testing.T, p string) { os.Mkdir(p, 0o700) }, "directory"},
		{"over the limit", func(t *testing.T, p string) {
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			f.Truncate(16<<20 + 1) // sparse: costs no disk
			f.Close()
		}, "larger than 16 MiB"},
		{"dangling symlink", func(t *testing.T, p string) { os.Symlink(filepath.Join(filepath.Dir(p), "gone"), p) }, ""},
	}
	for _, tt := range tests {
		for _, which := range []string{"config", "credentials"} {
			t.Run(tt.name+"/"+which, func(t *testing.T) {
				p := writeFiles(t, "[profile a]\nregion = eu-west-1\n", "[b]\naws_access_key_id = AKIDEXAMPLE\n")
				target := p.ConfigFile
				if which == "credentials" {
					target = p.CredentialsFile
				}
				os.Remove(target)
				tt.setup(t, target)
				type result struct {
					c   *Config
					err error
				}
				done := make(chan result, 1)
				go func() { c, err := Load(p); done <- result{c, err} }()
				var r result
				select {
				case r = <-done:
				case <-time.After(20 * time.Second): // a watchdog, not a speed check
					t.Fatal("Load blocked")
				}
				if tt.msg == "" {
					if r.err != nil || len(r.c.Profiles) != 1 {
						t.Fatalf("Load = %v, %v; want the other file's profile", r.c, r.err)
					}
					return
				}
				if r.err == nil {
					t.Fatalf("Load read a %s", tt.name)
				}
				for _, want := range []string{tt.msg, target, "regular file"} {
					if !strings.Contains(r.err.Error(), want) {
						t.Errorf("error %q does not say %q", r.err, want)
					}
				}
			})
		}
	}
}
