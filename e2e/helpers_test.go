//go:build linux

package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer collects a process's output from its two pipes.
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

// runInstaller runs install/install.sh with HOME=home and args, as a user would (default bin
// dir). The Go caches stay where they were before HOME changed, so the build is warm. It returns
// the two installed binaries (symlinks resolved, as a host manifest names them): aws-profile-bridge
// and, beside it, the lean host aws-profile-bridge-host that the manifests name.
func runInstaller(t *testing.T, repo, home string, args ...string) (bin, lean string) {
	t.Helper()
	goCmd := goTool(t)
	// A stand-in GO without `go env`, as scripts/e2e-unprivileged.sh passes, keeps the defaults.
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
	cmd := exec.Command(filepath.Join(repo, "install", "install.sh"), args...)
	cmd.Env = env
	cmd.Dir = home
	res, err := cmd.CombinedOutput()
	t.Logf("install/install.sh %s:\n%s", strings.Join(args, " "), res)
	if err != nil {
		t.Fatalf("install/install.sh failed: %v", err)
	}
	for _, name := range []string{"aws-profile-bridge", "aws-profile-bridge-host"} {
		p := filepath.Join(home, ".local", "bin", name)
		if fi, err := os.Stat(p); err != nil || fi.Mode()&0o111 == 0 {
			t.Fatalf("installer left no executable at %s: %v", p, err)
		}
		real, _ := filepath.EvalSymlinks(p)
		if name == "aws-profile-bridge" {
			bin = real
		} else {
			lean = real
		}
	}
	return bin, lean
}

// checkHostManifest checks the host manifest the installer wrote at path: our name, stdio, the
// installed lean host aws-profile-bridge-host (bin), and the callers in its allow-list
// (allowed_extensions for Firefox, allowed_origins for the Chromium family) holding every one of
// want.
func checkHostManifest(t *testing.T, path, bin, list string, want ...string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("installer wrote no host manifest: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("host manifest %s is not JSON: %v\n%s", path, err, data)
	}
	if m["name"] != "aws_profile_bridge" || m["type"] != "stdio" || m["path"] != bin || filepath.Base(bin) != "aws-profile-bridge-host" {
		t.Errorf("host manifest %s name/type/path: %s (want path %s, the lean host)", path, data, bin)
	}
	var allowed []string
	xs, ok := m[list].([]any)
	for _, x := range xs {
		s, isStr := x.(string)
		ok = ok && isStr
		allowed = append(allowed, s)
	}
	if !ok {
		t.Errorf("host manifest %s: %s is not a list of strings: %s", path, list, data)
	}
	for _, w := range want {
		if !contains(allowed, w) {
			t.Errorf("host manifest %s: %s lacks %s: %s", path, list, w, data)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
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

// hostPIDs lists the running native hosts: processes of the installed binaries bins started the
// way a browser starts them (argv[1] is the manifest for Firefox, the caller's origin for the
// Chromium family), so not `serve`. The lean host hands a sign-in to aws-profile-bridge with the
// same command line, so that counts while it signs in.
func hostPIDs(bins ...string) []int {
	return procPIDs(func(dir string) bool {
		exe, err := os.Readlink(filepath.Join(dir, "exe"))
		if err != nil || !contains(bins, strings.TrimSuffix(exe, " (deleted)")) {
			return false
		}
		argv, _ := os.ReadFile(filepath.Join(dir, "cmdline"))
		args := strings.Split(string(argv), "\x00")
		return len(args) > 1 && (strings.HasSuffix(args[1], "aws_profile_bridge.json") || strings.HasPrefix(args[1], "chrome-extension://"))
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
