//go:build unix

package nativemsg

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCheckSpecialManifest: a manifest path naming a FIFO (whose open blocked the host), a
// device or a directory is refused at once, as any unreadable manifest is.
func TestCheckSpecialManifest(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.json")
	os.Symlink("/dev/zero", zero)
	tests := []struct{ name, path, msg string }{
		{"fifo", fifo, "named pipe"},
		{"symlink to /dev/zero", zero, "device"},
		{"directory", dir, "directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { done <- Caller{Browser: Firefox, ManifestPath: tt.path, ExtensionID: geckoID}.Check(nil) }()
			var err error
			select {
			case err = <-done:
			case <-time.After(20 * time.Second): // a watchdog, not a speed check
				t.Fatal("Check blocked on the manifest")
			}
			if !errors.Is(err, ErrCallerNotAllowed) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want ErrCallerNotAllowed saying %q", err, tt.msg)
			}
		})
	}
}
