//go:build unix

package bridge

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestReplyCacheNeverFollowsSymlinks: whoever owns the cache directory (a user whose HOME a root
// process runs with, say) must not be able to point the cache file elsewhere.
func TestReplyCacheNeverFollowsSymlinks(t *testing.T) {
	s := cachedService(t, "[profile a]\nregion = eu-west-1\n", "")
	want := getProfiles(t, s)
	p := filepath.Join(s.CacheDir, cacheFile)
	elsewhere := filepath.Join(t.TempDir(), "reply")
	if err := os.Rename(p, elsewhere); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, p); err != nil {
		t.Fatal(err)
	}
	hits := s.hits()
	if got := getProfiles(t, s); !bytes.Equal(got, want) || s.hits() != hits {
		t.Errorf("a symlinked cache file was trusted")
	}
}

// TestReplyCacheFIFODoesNotHang: a FIFO (or a device) in place of the cache file must be a miss,
// not an open that blocks the host forever (the extension has no timeout of its own).
func TestReplyCacheFIFODoesNotHang(t *testing.T) {
	s := cachedService(t, "[profile a]\nregion = eu-west-1\n", "")
	want := getProfiles(t, s)
	p := filepath.Join(s.CacheDir, cacheFile)
	os.Remove(p)
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip(err)
	}
	done := make(chan []byte, 1)
	go func() { done <- getProfiles(t, s) }()
	select {
	case got := <-done:
		if !bytes.Equal(got, want) {
			t.Errorf("reply %s", got)
		}
	case <-time.After(3 * time.Second):
		if f, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil { // unblock it
			f.Close()
		}
		<-done
		t.Fatal("getProfiles hung opening a FIFO in place of the cache file")
	}
}

// TestReplyCacheDirOfAnotherUser: a cache directory owned by someone else (mode 0700, so the
// mode check alone passes) is neither read nor written by root.
func TestReplyCacheDirOfAnotherUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a directory owned by someone else")
	}
	s := cachedService(t, "[profile a]\nregion = eu-west-1\n", "")
	if err := os.MkdirAll(s.CacheDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(s.CacheDir, 12345, 12345); err != nil {
		t.Skip(err)
	}
	getProfiles(t, s)
	if _, err := os.Lstat(filepath.Join(s.CacheDir, cacheFile)); err == nil {
		t.Errorf("root wrote its profile list into a directory owned by uid 12345")
	}
}
