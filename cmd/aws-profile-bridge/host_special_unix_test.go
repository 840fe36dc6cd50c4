//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHostSpecialConfigFile: a ~/.aws/config that is a FIFO (which made the host block forever)
// or a symlink to /dev/zero (which grew it to gigabytes) gets a config_error frame that names
// the file and says what to do; the host then exits cleanly.
func TestHostSpecialConfigFile(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, p string)
		msg   string
	}{
		{"fifo", func(t *testing.T, p string) {
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "named pipe"},
		{"symlink to /dev/zero", func(t *testing.T, p string) {
			if err := os.Symlink("/dev/zero", p); err != nil {
				t.Fatal(err)
			}
		}, "device"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newE2EHome(t)
			p := filepath.Join(h.dir, ".aws", "config")
			os.Remove(p)
			tt.setup(t, p)
			s := h.firefox(t)
			r := s.roundTrip(map[string]any{"action": "getProfiles"})
			msg, _ := r["message"].(string)
			if r["action"] != "error" || r["code"] != "config_error" || !strings.Contains(msg, tt.msg) ||
				!strings.Contains(msg, "~/.aws/config") || !strings.Contains(msg, "AWS_CONFIG_FILE") {
				t.Fatalf("reply %v", r)
			}
			if code := s.exit(); code != 0 {
				t.Fatalf("exit %d", code)
			}
		})
	}
}

// TestProfilesSpecialConfigFile: `profiles` with a ~/.aws/config that is a FIFO (it blocked) or
// a symlink to /dev/zero (it grew to gigabytes) fails at once, saying what the file is and what
// to do.
func TestProfilesSpecialConfigFile(t *testing.T) {
	tests := []struct {
		name string
		make func(p string) error
		msg  string
	}{
		{"fifo", func(p string) error { return syscall.Mkfifo(p, 0o600) }, "named pipe"},
		{"symlink to /dev/zero", func(p string) error { return os.Symlink("/dev/zero", p) }, "device"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cliHome(t)
			p := filepath.Join(os.Getenv("HOME"), ".aws", "config")
			os.Remove(p)
			if err := tt.make(p); err != nil {
				t.Fatal(err)
			}
			type result struct {
				code   int
				errOut string
			}
			done := make(chan result, 1)
			go func() { code, _, errOut := runCLI("profiles"); done <- result{code, errOut} }()
			select {
			case r := <-done:
				if r.code == 0 || !strings.Contains(r.errOut, tt.msg) || !strings.Contains(r.errOut, "AWS_CONFIG_FILE") {
					t.Fatalf("exit %d, stderr %q", r.code, r.errOut)
				}
			case <-time.After(20 * time.Second): // a watchdog, not a speed check
				t.Fatal("profiles blocked")
			}
		})
	}
}
