//go:build !windows

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestUninstallLeavesNothingBehind: after install (with the HTTP service), a host run that wrote
// its reply cache, a token and the log, `uninstall` removes everything but the tokens and the
// log, says what it kept and how to remove it; `uninstall --purge` removes those too.
func TestUninstallLeavesNothingBehind(t *testing.T) {
	h := newInstHome(t)
	// A config large enough for the host to cache its reply.
	var cfg strings.Builder
	for i := range 400 {
		cfg.WriteString("[profile p" + strings.Repeat("x", 40) + strconv.Itoa(i) + "]\nregion = eu-west-1\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = dev\n\n")
	}
	cfg.WriteString("[profile dev]\nregion = eu-west-1\n")
	if err := os.WriteFile(filepath.Join(h.dir, ".aws", "config"), []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	// An empty credentials file, as many SSO users have: the host remembers it in the cache too.
	if err := os.WriteFile(filepath.Join(h.dir, ".aws", "credentials"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// Every desktop HOME has these; uninstall removes what is ours inside them.
	for _, d := range []string{".cache", ".config"} {
		if err := os.MkdirAll(filepath.Join(h.dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	written := time.Now()
	before := instTree(t, h.dir, ".aws")
	if out, errOut, code := h.run(t, h.bin, "install", "--extension-id", "me@example.com", "--http-service", "--no-start"); code != 0 {
		t.Fatalf("install: %d\n%s\n%s", code, out, errOut)
	}
	// The host, started as Firefox starts it, answers getProfiles and caches the reply (once the
	// file is older than the cache's racy window, internal/bridge/cache.go).
	time.Sleep(time.Until(written.Add(3500 * time.Millisecond)))
	manifest := filepath.Join(h.dir, ".mozilla", "native-messaging-hosts", "aws_profile_bridge.json")
	host := exec.Command(h.lean, manifest, "me@example.com") // what the manifest names
	host.Env = h.env
	host.Stdin = bytes.NewReader(frame(map[string]any{"action": "getProfiles"}))
	if out, err := host.Output(); err != nil || !bytes.Contains(out, []byte(`"profileList"`)) {
		t.Fatalf("host: %v %.200s", err, out)
	}
	cacheDir := filepath.Join(h.dir, ".cache", "aws-profile-bridge")
	entries, _ := os.ReadDir(cacheDir)
	if len(entries) < 2 {
		t.Fatalf("the host wrote %d cache files, want the reply and the empty-file sighting; the test would prove less", len(entries))
	}
	if out, errOut, code := h.run(t, h.bin, "token", "create", "--label", "t"); code != 0 {
		t.Fatalf("token create: %d %s %s", code, out, errOut)
	}
	tokens := filepath.Join(h.dir, ".config", "aws-profile-bridge", "tokens.json")
	logFile := filepath.Join(h.dir, ".aws", "logs", "aws_profile_bridge.log")

	out, errOut, code := h.run(t, h.bin, "uninstall")
	if code != 0 {
		t.Fatalf("uninstall: %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"kept", tokens, "--purge", logFile} {
		if !strings.Contains(out, want) {
			t.Errorf("uninstall does not say %q:\n%s", want, out)
		}
	}
	// What is left: the tokens (with their folders), the log.
	left := instTree(t, h.dir, ".aws")
	var extra []string
	for _, line := range left {
		if !slices.Contains(before, line) {
			extra = append(extra, strings.Fields(line)[0])
		}
	}
	wantExtra := []string{".config/aws-profile-bridge", ".config/aws-profile-bridge/tokens.json", ".config/aws-profile-bridge/tokens.json.lock"}
	for _, p := range extra {
		if !slices.Contains(wantExtra, filepath.ToSlash(p)) {
			t.Errorf("uninstall left %s", p)
		}
	}
	if _, err := os.Stat(tokens); err != nil {
		t.Errorf("uninstall removed the tokens: %v", err)
	}

	out, errOut, code = h.run(t, h.bin, "uninstall", "--purge")
	if code != 0 {
		t.Fatalf("uninstall --purge: %d\n%s\n%s", code, out, errOut)
	}
	if after := instTree(t, h.dir, ".aws"); !slices.Equal(before, after) {
		t.Errorf("uninstall --purge did not restore HOME:\nbefore %q\nafter  %q", before, after)
	}
	if _, err := os.Stat(logFile); err == nil {
		t.Error("uninstall --purge left the host's log")
	}
	if _, err := os.Stat(filepath.Join(h.dir, ".aws", "config")); err != nil {
		t.Errorf("uninstall --purge touched ~/.aws/config: %v", err)
	}
}
