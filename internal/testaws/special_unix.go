//go:build unix

package testaws

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// SpecialFile is something put where a reader expects a regular file, which it must refuse
// without reading: Make creates it at path, and the refusal names it with Says.
type SpecialFile struct {
	Name string
	Make func(t testing.TB, path string)
	Says string
}

// SpecialFiles are a FIFO (its open blocks without a writer), a symlink to /dev/zero (a read
// never ends) and a directory.
func SpecialFiles() []SpecialFile {
	must := func(t testing.TB, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	return []SpecialFile{
		{"fifo", func(t testing.TB, p string) { must(t, syscall.Mkfifo(p, 0o600)) }, "named pipe"},
		{"symlink to /dev/zero", func(t testing.TB, p string) { must(t, os.Symlink("/dev/zero", p)) }, "device"},
		{"directory", func(t testing.TB, p string) { must(t, os.Mkdir(p, 0o700)) }, "directory"},
	}
}

// Returns runs f and fails the test if f has not returned after a generous time: for calls
// that once blocked forever (on a FIFO, say). It is a watchdog, not a speed check. f runs on
// another goroutine, so it must not call t.Fatal: it records its results for the test to check.
func Returns(t testing.TB, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s blocked", what)
	}
}
