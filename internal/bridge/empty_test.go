package bridge

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// fakeTime replaces the clock that dates empty-file sightings and the timer of the policy's
// waits: a wait returns at once and moves the clock on by its length. It returns the waits made
// so far (reset with *waits = nil) and a function that moves the clock.
func fakeTime(t *testing.T) (waits *[]time.Duration, advance func(time.Duration)) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	var slept []time.Duration
	wallClock = func() time.Time { return now }
	newTimer = func(d time.Duration) *time.Timer {
		slept = append(slept, d)
		now = now.Add(d)
		return time.NewTimer(0)
	}
	t.Cleanup(func() { wallClock, newTimer = time.Now, time.NewTimer })
	return &slept, func(d time.Duration) { now = now.Add(d) }
}

// process is a new native-host process on the same files and cache directory: nothing in memory.
func process(s *Service) *Service {
	return &Service{Paths: s.Paths, CacheDir: s.CacheDir, Now: s.Now}
}

func settled(t *testing.T, s *Service) {
	t.Helper()
	if _, _, err := s.loadSettled(context.Background(), time.Now().Add(settleDeadline)); err != nil {
		t.Fatal(err)
	}
}

// An existing empty credentials file (common with SSO) costs one look of emptyConfirm the first
// time, and nothing in later processes while it keeps its stamp: the sighting is kept in the
// cache directory. Any change to the file, a sighting too recent, the cache turned off or a
// sighting dated in the future (the clock set back) means the look again, never a config_error.
func TestEmptyFileSightingOutlivesTheProcess(t *testing.T) {
	setSettle(t, 0, 3*time.Second, 250*time.Millisecond)
	waits, advance := fakeTime(t)
	first := newService(t, "[profile a]\nregion = eu-west-1\n", "")
	if err := os.WriteFile(first.Paths.CredentialsFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	first.CacheDir = filepath.Join(t.TempDir(), "cache")
	look := []time.Duration{emptyConfirm}

	check := func(what string, s *Service, want []time.Duration) {
		t.Helper()
		*waits = nil
		settled(t, s)
		if got := *waits; len(got) != len(want) || (len(want) > 0 && got[0] != want[0]) {
			t.Errorf("%s: %d waits %v, want %v", what, len(got), got[:min(len(got), 3)], want)
		}
	}
	check("first sighting", first, look)
	fi, err := os.Stat(filepath.Join(first.CacheDir, emptyFile))
	if err != nil {
		t.Fatalf("sighting not kept: %v", err)
	}
	if fi.Mode().Perm()&0o077 != 0 && runtime.GOOS != "windows" {
		t.Errorf("sighting file mode %v, want private", fi.Mode().Perm())
	}
	advance(time.Minute)
	check("a later process", process(first), nil)
	check("and another", process(first), nil)

	// Seen empty moments ago (the stamp of a file mid-truncation would be): not yet trusted.
	os.WriteFile(first.Paths.CredentialsFile, []byte("[b]\n"), 0o600)
	os.WriteFile(first.Paths.CredentialsFile, nil, 0o600) // empty again, a new stamp
	advance(time.Minute)
	*waits = nil
	s := process(first)
	if s.emptyTrusted(s.stamps()) {
		t.Errorf("a new empty stamp was trusted on first sight")
	}
	advance(emptyConfirm / 2)
	check("a process soon after the first sighting", process(first), look)
	advance(time.Minute)
	check("and one later", process(first), nil)

	noCache := process(first)
	noCache.CacheDir = ""
	check("cache off", noCache, look)
	check("cache off, a second process", process(noCache), look)

	advance(-time.Hour) // the clock set back: the sighting on disk is in the future
	check("clock set back", process(first), look)
	advance(time.Minute)
	check("after the clock was set back", process(first), nil)
}

// A sightings file that is not private, or not ours to trust, is ignored (the file's owner could
// claim any file is settled): the look again.
func TestEmptyFileSightingMustBePrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("modes are ACLs on Windows")
	}
	setSettle(t, 0, 3*time.Second, 250*time.Millisecond)
	waits, advance := fakeTime(t)
	s := newService(t, "[profile a]\n", "")
	os.WriteFile(s.Paths.CredentialsFile, nil, 0o600)
	s.CacheDir = filepath.Join(t.TempDir(), "cache")
	settled(t, s)
	if err := os.Chmod(filepath.Join(s.CacheDir, emptyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	advance(time.Minute)
	*waits = nil
	settled(t, process(s))
	if len(*waits) != 1 {
		t.Errorf("a world-readable sightings file was trusted: waits %v", *waits)
	}
}
