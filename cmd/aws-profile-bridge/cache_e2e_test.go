package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// The reply cache as the browser meets it: a second process answers from the cache, identically,
// and a change to the files is seen by the next process.
func TestHostReplyCacheAcrossProcesses(t *testing.T) {
	h := newE2EHome(t)
	var cfg strings.Builder
	for i := 0; i < 300; i++ { // over the 32 KiB below which nothing is cached
		fmt.Fprintf(&cfg, "[profile team-%03d]\nrole_arn = arn:aws:iam::%012d:role/Admin\nsource_profile = default\nregion = eu-west-1\n\n", i, i)
	}
	config := filepath.Join(h.dir, ".aws", "config")
	if err := os.WriteFile(config, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3100 * time.Millisecond) // files changed in the last 3 s are never cached

	get := func() string {
		s := h.firefox(t)
		s.send(frame(`{"action":"getProfiles"}`))
		raw := s.readRaw()
		if code := s.exit(); code != 0 {
			t.Fatalf("exit %d", code)
		}
		return raw
	}
	first := get()
	cache := filepath.Join(h.dir, ".cache", "aws-profile-bridge", "profiles-reply.v2")
	fi, err := os.Stat(cache)
	if err != nil {
		t.Fatalf("no cache file after the first request: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("cache file mode %o", fi.Mode().Perm())
	}
	second := get()
	if second != first {
		t.Errorf("the cached reply differs from the parsed one")
	}
	fi2, _ := os.Stat(cache)
	if !fi2.ModTime().Equal(fi.ModTime()) {
		t.Errorf("a hit rewrote the cache file")
	}
	data, _ := os.ReadFile(cache)
	for _, c := range testaws.Canaries {
		if strings.Contains(string(data), c) {
			t.Errorf("cache holds a secret %q", c)
		}
	}
	// A new profile: the next process must list it.
	f, _ := os.OpenFile(config, os.O_APPEND|os.O_WRONLY, 0o600)
	f.WriteString("[profile brand-new]\nregion = us-east-1\n")
	f.Close()
	if third := get(); !strings.Contains(third, `"name":"brand-new"`) {
		t.Error("a profile added to the config is missing from the next reply")
	}
}
