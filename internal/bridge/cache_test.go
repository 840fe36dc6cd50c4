package bridge

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// cachedService is a Service with the reply cache on and the racy window off, so files written a
// moment ago can be cached (the racy test turns it back on).
func cachedService(t *testing.T, config, credentials string) *Service {
	t.Helper()
	s := newService(t, config, credentials)
	s.CacheDir = filepath.Join(t.TempDir(), "cache")
	old, oldMin, oldTTL := racyWindow, cacheMinBytes, listCacheTTL
	racyWindow, cacheMinBytes = 0, 0
	listCacheTTL = 0 // the disk tier alone: each request is a process of its own
	t.Cleanup(func() { racyWindow, cacheMinBytes, listCacheTTL = old, oldMin, oldTTL })
	return s
}

// The memory tier: a second default request is served from memory while the files keep their
// stamps, but not once a credential in the list has expired, nor after a change.
func TestListCacheInMemory(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newService(t, "[profile a]\nregion = eu-west-1\n", "[b]\naws_access_key_id = AKIAX\naws_secret_access_key = y\naws_session_token = z\nx_security_token_expires = 2025-01-01T00:10:00Z\n")
	s.Now = func() time.Time { return now }
	old := time.Now().Add(-time.Hour)
	os.Chtimes(s.Paths.ConfigFile, old, old)
	os.Chtimes(s.Paths.CredentialsFile, old, old)
	first := getProfiles(t, s)
	if second := getProfiles(t, s); s.hits() != 1 || !bytes.Equal(first, second) {
		t.Fatalf("second request: hits %d", s.hits())
	}
	now = now.Add(20 * time.Minute) // b's credentials expire
	if r := string(getProfiles(t, s)); s.hits() != 1 || !strings.Contains(r, `"expired":true`) {
		t.Errorf("served from memory past an expiry (hits %d): %s", s.hits(), r)
	}
	os.WriteFile(s.Paths.ConfigFile, []byte("[profile c]\n"), 0o600)
	os.Chtimes(s.Paths.ConfigFile, old, old)
	if r := string(getProfiles(t, s)); !strings.Contains(r, `"name":"c"`) {
		t.Errorf("served from memory after a change: %s", r)
	}
}

func getProfiles(t *testing.T, s *Service) []byte {
	t.Helper()
	return s.Handle(context.Background(), []byte(`{"action":"getProfiles"}`))
}

// Both ways of reading the cache (copied, and mapped as the native host reads it) serve it.
func TestReplyCacheHitIsIdentical(t *testing.T) {
	for _, mapped := range []bool{false, true} {
		t.Run(map[bool]string{false: "copied", true: "mapped"}[mapped], func(t *testing.T) { testReplyCacheHit(t, mapped) })
	}
}

func testReplyCacheHit(t *testing.T, mapped bool) {
	s := cachedService(t, "[profile a]\nregion = eu-west-1\n", "[b]\naws_access_key_id = AKIAX\naws_secret_access_key = y\n")
	s.MapCache = mapped
	first := getProfiles(t, s)
	if s.hits() != 0 {
		t.Fatal("first request cannot be a hit")
	}
	second := getProfiles(t, s)
	if s.hits() != 1 {
		t.Fatalf("second request should be served from the cache (hits=%d)", s.hits())
	}
	if !bytes.Equal(first, second) {
		t.Errorf("cached reply differs:\n%s\n%s", first, second)
	}
	// Paged and enrich requests never use it.
	s.Handle(context.Background(), []byte(`{"action":"getProfiles","limit":1}`))
	s.Handle(context.Background(), []byte(`{"action":"enrichSSOProfiles"}`))
	if s.hits() != 1 {
		t.Errorf("paged or enrich request served from the cache")
	}
}

func TestReplyCacheMissesOnEveryChange(t *testing.T) {
	s := cachedService(t, "[profile a]\nregion = eu-west-1\n", "")
	getProfiles(t, s)

	// Content change of the same size, with the modification time put back: the change time
	// (and on Windows the size/mtime pair) must still give it away.
	fi, _ := os.Stat(s.Paths.ConfigFile)
	if err := os.WriteFile(s.Paths.ConfigFile, []byte("[profile b]\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(s.Paths.ConfigFile, fi.ModTime(), fi.ModTime())
	r := string(getProfiles(t, s))
	if runtime.GOOS != "windows" {
		if !strings.Contains(r, `"name":"b"`) || strings.Contains(r, `"name":"a"`) || s.hits() != 0 {
			t.Errorf("stale reply after a same-size rewrite with mtime restored: %s", r)
		}
	}

	// A new credentials file.
	os.WriteFile(s.Paths.CredentialsFile, []byte("[c]\naws_access_key_id = AKIAX\naws_secret_access_key = y\n"), 0o600)
	if r := string(getProfiles(t, s)); !strings.Contains(r, `"name":"c"`) {
		t.Errorf("credentials file added but the reply did not change: %s", r)
	}
	// A removed file.
	os.Remove(s.Paths.CredentialsFile)
	if r := string(getProfiles(t, s)); strings.Contains(r, `"name":"c"`) {
		t.Errorf("credentials file removed but the reply still lists its profile: %s", r)
	}
	// Other paths (AWS_CONFIG_FILE changed) are a miss.
	other := filepath.Join(t.TempDir(), "config")
	os.WriteFile(other, []byte("[profile z]\n"), 0o600)
	hits := s.hits()
	s.Paths.ConfigFile = other
	if r := string(getProfiles(t, s)); !strings.Contains(r, `"name":"z"`) || s.hits() != hits {
		t.Errorf("another config path served the old reply: %s", r)
	}
	// Another build is a miss.
	getProfiles(t, s)
	hits = s.hits()
	s.Version = "other"
	getProfiles(t, s)
	if s.hits() != hits {
		t.Error("a different build served the old reply")
	}
}

func TestReplyCacheExpiresWithCredentials(t *testing.T) {
	s := cachedService(t, "", "[tmp]\naws_access_key_id = ASIAX\naws_secret_access_key = y\naws_session_token = z\naws_expiration = 2025-01-01T01:00:00Z\n")
	if r := string(getProfiles(t, s)); !strings.Contains(r, `"expired":false`) {
		t.Fatalf("not expired at 00:00: %s", r)
	}
	getProfiles(t, s)
	if s.hits() != 1 {
		t.Fatal("no hit before the expiry")
	}
	s.Now = func() time.Time { return time.Date(2025, 1, 1, 1, 0, 1, 0, time.UTC) }
	if r := string(getProfiles(t, s)); !strings.Contains(r, `"expired":true`) || s.hits() != 1 {
		t.Errorf("served a reply whose credentials have since expired: %s", r)
	}
}

func TestReplyCacheRacyFilesAreNotStored(t *testing.T) {
	s := cachedService(t, "[profile a]\n", "")
	racyWindow = time.Hour // the file was written just now: within the window
	getProfiles(t, s)
	getProfiles(t, s)
	if s.hits() != 0 {
		t.Error("a file changed within the racy window was trusted by its stamp")
	}
	if _, err := os.Stat(filepath.Join(s.CacheDir, cacheFile)); err == nil {
		t.Error("cache written for a racy file")
	}
}

func TestReplyCacheCorruptOrForeignIsIgnored(t *testing.T) {
	for _, mapped := range []bool{false, true} {
		t.Run(map[bool]string{false: "copied", true: "mapped"}[mapped], func(t *testing.T) { testReplyCacheCorrupt(t, mapped) })
	}
}

func testReplyCacheCorrupt(t *testing.T, mapped bool) {
	s := cachedService(t, "[profile a]\n", "")
	s.MapCache = mapped
	want := getProfiles(t, s)
	p := filepath.Join(s.CacheDir, cacheFile)
	good, _ := os.ReadFile(p)
	nl := bytes.IndexByte(good, '\n')
	flipped := append([]byte{}, good...)
	flipped[len(flipped)-3] ^= 1 // the reply altered, the header intact
	for _, junk := range []string{"", "garbage", "{}\n{}", "{\"build\":\"x\"}\n" + string(want), string(good[:len(good)-1]), string(flipped), string(good[:nl+1])} {
		os.WriteFile(p, []byte(junk), 0o600)
		hits := s.hits()
		if got := getProfiles(t, s); !bytes.Equal(got, want) || s.hits() != hits {
			t.Errorf("cache content %q was trusted", junk)
		}
	}
}

func TestReplyCacheIsPrivateAndSecretFree(t *testing.T) {
	const secret = "canarySecretKeyForTheCache0000000000000001"
	const token = "canarySessionTokenForTheCache000000000001"
	s := cachedService(t, "[profile a]\n", "[b]\naws_access_key_id = AKIACANARY0000000009\naws_secret_access_key = "+secret+"\naws_session_token = "+token+"\n")
	getProfiles(t, s)
	p := filepath.Join(s.CacheDir, cacheFile)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{secret, token, "AKIACANARY0000000009"} {
		if strings.Contains(string(data), c) {
			t.Errorf("cache file holds a secret %q", c)
		}
	}
	if runtime.GOOS != "windows" {
		for path, want := range map[string]os.FileMode{s.CacheDir: 0o700, p: 0o600} {
			fi, _ := os.Stat(path)
			if fi.Mode().Perm() != want {
				t.Errorf("%s mode %o, want %o", path, fi.Mode().Perm(), want)
			}
		}
		// A cache file others could have written is not trusted.
		getProfiles(t, s)
		hits := s.hits()
		os.Chmod(p, 0o644)
		getProfiles(t, s)
		if s.hits() != hits {
			t.Error("trusted a cache file with mode 0644")
		}
		// A loose directory is not used.
		os.Remove(p)
		os.Chmod(s.CacheDir, 0o755)
		getProfiles(t, s)
		if _, err := os.Stat(p); err == nil {
			t.Error("cache written into a directory others can read")
		}
	}
}

func TestReplyCacheSkipsSmallFiles(t *testing.T) {
	s := cachedService(t, "[profile a]\n", "")
	cacheMinBytes = 1 << 20
	getProfiles(t, s)
	getProfiles(t, s)
	if s.hits() != 0 {
		t.Error("small files served from the cache")
	}
	if _, err := os.Stat(filepath.Join(s.CacheDir, cacheFile)); err == nil {
		t.Error("cache file written for small files")
	}
}
