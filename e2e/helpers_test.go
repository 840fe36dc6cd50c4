//go:build linux

package e2e

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer collects Firefox's output from its two pipes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func tail(b []byte, n int) string {
	if len(b) > n {
		return "…" + string(b[len(b)-n:])
	}
	return string(b)
}

// goTool finds the go command the test was built with, for the installer.
func goTool(t *testing.T) string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/local/go/bin/go"); err == nil {
		return "/usr/local/go/bin/go"
	}
	t.Fatalf("the installer builds the host with Go, and no go command was found (set GO=/path/to/go)")
	return ""
}

// runInstaller runs install/install.sh with HOME=home, as a user would (default bin dir), plus
// the test extension's id. The Go caches stay where they were before HOME changed, so the build
// is warm. It returns the installed binary and checks the Firefox manifest it wrote.
func runInstaller(t *testing.T, repo, home string) string {
	t.Helper()
	goCmd := goTool(t)
	// The installer runs with HOME changed; keep the Go caches where they were so the build
	// stays warm. (A stand-in GO without `go env`, as scripts/e2e-unprivileged.sh passes, keeps
	// the defaults.)
	goEnv := map[string]string{}
	if out, err := exec.Command(goCmd, "env", "-json", "GOCACHE", "GOMODCACHE", "GOPATH").Output(); err == nil {
		if err := json.Unmarshal(out, &goEnv); err != nil {
			t.Fatalf("go env: %v", err)
		}
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "HOME" || k == "GO" || strings.HasPrefix(k, "XDG_") || strings.HasPrefix(k, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HOME="+home, "GO="+goCmd)
	for k, v := range goEnv {
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	cmd := exec.Command(filepath.Join(repo, "install", "install.sh"), "--extension-id", extID)
	cmd.Env = env
	cmd.Dir = home
	res, err := cmd.CombinedOutput()
	t.Logf("install/install.sh --extension-id %s:\n%s", extID, res)
	if err != nil {
		t.Fatalf("install/install.sh failed: %v", err)
	}

	bin := filepath.Join(home, ".local", "bin", "aws-profile-bridge")
	if fi, err := os.Stat(bin); err != nil || fi.Mode()&0o111 == 0 {
		t.Fatalf("installer left no executable at %s: %v", bin, err)
	}
	manifestPath := filepath.Join(home, ".mozilla", "native-messaging-hosts", "aws_profile_bridge.json")
	data, err := os.ReadFile(manifestPath)
	if err != nil {
		t.Fatalf("installer wrote no Firefox manifest: %v", err)
	}
	var m struct {
		Name, Path, Type  string
		AllowedExtensions []string `json:"allowed_extensions"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("Firefox manifest is not JSON: %v\n%s", err, data)
	}
	realBin, _ := filepath.EvalSymlinks(bin)
	if m.Name != "aws_profile_bridge" || m.Type != "stdio" || m.Path != realBin {
		t.Errorf("Firefox manifest name/type/path: %s (want path %s)", data, realBin)
	}
	for _, id := range []string{extID, "aws-profile-containers@yourname.local", "aws-profile-containers@samfakhreddine.dev", "{b2568b5f-4d45-421c-bac0-88ca342573b9}"} {
		if !contains(m.AllowedExtensions, id) {
			t.Errorf("Firefox manifest does not allow %s: %s", id, data)
		}
	}
	return realBin
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// packExtension makes a fresh Firefox profile that loads the test extension: user.js with the
// two prefs an unsigned add-on needs, and the .xpi (with a generated config.js holding the report
// URL and the requests to make) under extensions/<gecko id>.xpi. It returns the .xpi's path.
func packExtension(t *testing.T, repo, profile, reportURL string, httpCfg map[string]any) string {
	t.Helper()
	src := filepath.Join(repo, "e2e", "extension")
	manifest, err := os.ReadFile(filepath.Join(src, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var mf struct {
		BSS struct {
			Gecko struct{ ID string } `json:"gecko"`
		} `json:"browser_specific_settings"`
	}
	if err := json.Unmarshal(manifest, &mf); err != nil || mf.BSS.Gecko.ID != extID {
		t.Fatalf("e2e/extension/manifest.json: gecko id %q, want %q (%v)", mf.BSS.Gecko.ID, extID, err)
	}
	background, err := os.ReadFile(filepath.Join(src, "background.js"))
	if err != nil {
		t.Fatal(err)
	}
	var open, failing []string
	for _, c := range openCases {
		open = append(open, c.Profile)
	}
	for name := range failCases {
		failing = append(failing, name)
	}
	sort.Strings(failing)
	cfg, _ := json.MarshalIndent(map[string]any{
		"report":  reportURL,
		"open":    open,
		"failing": failing,
		"unknown": "no-such-profile",
		"http":    httpCfg,
	}, "", "  ")
	config := "// Generated by e2e/firefox_test.go when it packs the extension.\nvar CONFIG = " + string(cfg) + ";\n"

	if err := os.MkdirAll(filepath.Join(profile, "extensions"), 0o700); err != nil {
		t.Fatal(err)
	}
	prefs := []string{
		// Both are needed: the first alone leaves the add-on installed but disabled.
		`user_pref("xpinstall.signatures.required", false);`,
		`user_pref("extensions.autoDisableScopes", 0);`,
		// Quiet, offline start.
		`user_pref("browser.shell.checkDefaultBrowser", false);`,
		`user_pref("browser.startup.homepage_override.mstone", "ignore");`,
		`user_pref("datareporting.policy.dataSubmissionEnabled", false);`,
		`user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);`,
		`user_pref("app.update.disabledForTesting", true);`,
		`user_pref("extensions.update.enabled", false);`,
		`user_pref("extensions.getAddons.cache.enabled", false);`,
		`user_pref("browser.safebrowsing.update.enabled", false);`,
		`user_pref("network.captive-portal-service.enabled", false);`,
		`user_pref("network.connectivity-service.enabled", false);`,
	}
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(strings.Join(prefs, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	xpi := filepath.Join(profile, "extensions", extID+".xpi")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct {
		name string
		data []byte
	}{{"manifest.json", manifest}, {"background.js", background}, {"config.js", []byte(config)}} {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(xpi, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return xpi
}

// procPIDs lists the processes in /proc for which keep, given the process's /proc directory,
// says yes.
func procPIDs(keep func(dir string) bool) []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err == nil && keep(filepath.Join("/proc", e.Name())) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// hostPIDs lists the running native hosts: processes of the installed binary started the way a
// browser starts them (argv[1] is the manifest), so not `serve`.
func hostPIDs(bin string) []int {
	return procPIDs(func(dir string) bool {
		exe, err := os.Readlink(filepath.Join(dir, "exe"))
		if err != nil || strings.TrimSuffix(exe, " (deleted)") != bin {
			return false
		}
		argv, _ := os.ReadFile(filepath.Join(dir, "cmdline"))
		args := strings.Split(string(argv), "\x00")
		return len(args) > 1 && strings.HasSuffix(args[1], "aws_profile_bridge.json")
	})
}

// groupPIDs lists the live processes of process group pgid (zombies count as gone).
func groupPIDs(pgid int) []int {
	return procPIDs(func(dir string) bool {
		stat, err := os.ReadFile(filepath.Join(dir, "stat"))
		if err != nil {
			return false
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			return false
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			return false
		}
		g, _ := strconv.Atoi(f[2])
		return g == pgid
	})
}

// addonState summarises <profile>/extensions.json for the test add-on.
func addonState(data []byte) string {
	if len(data) == 0 {
		return "(no extensions.json: Firefox did not get as far as scanning add-ons)"
	}
	var doc struct {
		Addons []map[string]any `json:"addons"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return tail(data, 4000)
	}
	for _, a := range doc.Addons {
		if a["id"] == extID {
			var b strings.Builder
			for _, k := range []string{"id", "active", "userDisabled", "appDisabled", "softDisabled", "signedState", "location", "path"} {
				fmt.Fprintf(&b, "  %s: %v\n", k, a[k])
			}
			return b.String()
		}
	}
	return "(the test add-on is not in extensions.json)\n" + tail(data, 4000)
}
