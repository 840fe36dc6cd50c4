package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

func TestServeHelp(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"serve", "--help"}, nil, &out, &errb); code != 0 || !strings.Contains(out.String(), "--port") || !strings.Contains(out.String(), "--addr") {
		t.Fatalf("serve --help: %d %q %q", code, out.String(), errb.String())
	}
}

// TestServeRefusesBindAddress: anything but the loopback literals is refused before listening.
func TestServeRefusesBindAddress(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	for _, a := range []string{"0.0.0.0", "::", "[::]", "localhost", "example.com", "192.168.1.10", "127.0.0.2", "0.0.0.0:10999"} {
		var out, errb bytes.Buffer
		code := run([]string{"serve", "--addr", a, "--port", "1"}, nil, &out, &errb)
		if code != 2 || !strings.Contains(errb.String(), "refusing to start") || !strings.Contains(errb.String(), "loopback") {
			t.Errorf("--addr %s: %d %q", a, code, errb.String())
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"serve", "--port", "70000"}, nil, &out, &errb); code != 2 {
		t.Errorf("--port 70000: %d %q", code, errb.String())
	}
}

// serveProc is `aws-profile-bridge serve` running under a temporary HOME.
type serveProc struct {
	h      *e2eHome
	cmd    *exec.Cmd
	port   int
	stdout *syncBuf
	stderr *syncBuf
	env    []string
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func startServe(t *testing.T, h *e2eHome, env []string, args ...string) *serveProc {
	t.Helper()
	p := &serveProc{h: h, port: freePort(t), stdout: &syncBuf{}, stderr: &syncBuf{}, env: env}
	p.cmd = exec.Command(h.cli, append([]string{"serve", "--port", strconv.Itoa(p.port)}, args...)...)
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(p.port)); err == nil {
			c.Close()
			return p
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("serve did not listen: %s", p.stderr.String())
	return nil
}

func (p *serveProc) url(path string) string { return "http://127.0.0.1:" + strconv.Itoa(p.port) + path }

func serveTokenCreate(t *testing.T, h *e2eHome, env []string) string {
	t.Helper()
	cmd := exec.Command(h.cli, "token", "create", "--label", "e2e")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// TestServeEndToEnd runs the real binary: a token from `token create`, the extension's requests,
// a rotation picked up live, a SIGTERM with a request in flight (it finishes, exit 0), and a
// sweep of the log file, stdout and stderr for every secret.
func TestServeEndToEnd(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGTERM")
	}
	h := newE2EHome(t)
	fake := fakeaws.Start(t)
	env := append(h.env(), "AWS_ENDPOINT_URL_STS="+fake.URL, "AWS_ENDPOINT_URL_SSO="+fake.URL,
		"AWS_PROFILE_BRIDGE_SIGNIN_ENDPOINT="+fake.FederationURL())
	tok := serveTokenCreate(t, h, env)
	p := startServe(t, h, env)
	client := &http.Client{Timeout: 20 * time.Second}
	do := func(method, path, tk, body string) (int, map[string]any, http.Header) {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		r, _ := http.NewRequest(method, p.url(path), rd)
		r.Header.Set("Origin", "moz-extension://0b7c1a4e-4a8e-4f57-9d6c-1f2e3d4c5b6a")
		r.Header.Set("Content-Type", "application/json")
		if tk != "" {
			r.Header.Set("X-API-Token", tk)
		}
		res, err := client.Do(r)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer res.Body.Close()
		var m map[string]any
		json.NewDecoder(res.Body).Decode(&m)
		return res.StatusCode, m, res.Header
	}
	if s, m, _ := do("GET", "/health", "", ""); s != 200 || m["status"] != "healthy" {
		t.Fatalf("health: %d %v", s, m)
	}
	if s, m, _ := do("GET", "/version", "", ""); s != 200 || m["version"] != "9.9.9-e2e" || m["api_protocol"] != "1" {
		t.Errorf("version: %d %v", s, m)
	}
	s, m, hdr := do("POST", "/profiles", tok, "")
	if s != 200 || m["action"] != "profileList" || hdr.Get("X-Request-ID") == "" {
		t.Fatalf("profiles: %d %v", s, m)
	}
	if s, _, _ := do("POST", "/profiles", "awspc_wrong", ""); s != 401 {
		t.Errorf("wrong token: %d", s)
	}
	var signinURL string
	s, m, _ = do("POST", "/profiles/prod-admin/console-url", tok, "")
	if s != 200 || m["action"] != "consoleUrl" {
		t.Fatalf("console-url: %d %v", s, m)
	}
	signinURL, _ = m["url"].(string)

	// Rotation by the CLI while the server runs.
	list := exec.Command(h.cli, "token", "list", "--json")
	list.Env = env
	out, err := list.Output()
	if err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	if err := json.Unmarshal(out, &recs); err != nil || len(recs) != 1 {
		t.Fatalf("token list: %s %v", out, err)
	}
	rot := exec.Command(h.cli, "token", "rotate", recs[0]["id"].(string))
	rot.Env = env
	newTok, err := rot.Output()
	if err != nil {
		t.Fatal(err)
	}
	if s, _, _ := do("POST", "/profiles", tok, ""); s != 401 {
		t.Errorf("old token after rotate: %d", s)
	}
	tok2 := strings.TrimSpace(string(newTok))
	if s, _, _ := do("POST", "/profiles", tok2, ""); s != 200 {
		t.Errorf("new token after rotate: %d", s)
	}

	// SIGTERM with a slow sign-in in flight: it completes, then the process exits 0.
	fake.Fail("AssumeRole", fakeaws.Failure{Delay: 1500 * time.Millisecond, Times: 1})
	type result struct {
		status int
		m      map[string]any
	}
	inflight := make(chan result, 1)
	go func() {
		s, m, _ := do("POST", "/profiles/prod-admin/console-url", tok2, "")
		inflight <- result{s, m}
	}()
	time.Sleep(400 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	res := <-inflight
	if res.status != 200 || res.m["action"] != "consoleUrl" {
		t.Errorf("in-flight request at SIGTERM: %d %v", res.status, res.m)
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve exited with %v; stderr %s", err, p.stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after SIGTERM")
	}
	if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(p.port)); err == nil {
		c.Close()
		t.Error("still listening after exit")
	}

	// The sweep: log file, stdout, stderr.
	logText, _ := os.ReadFile(filepath.Join(h.dir, ".aws", "logs", "aws_profile_bridge.log"))
	for _, secret := range []string{tok, tok2, signinURL, "SigninToken", testaws.AccessKeyID, testaws.SecretKey, testaws.SessionToken} {
		for name, text := range map[string]string{"log": string(logText), "stdout": p.stdout.String(), "stderr": p.stderr.String()} {
			if secret != "" && strings.Contains(text, secret) {
				t.Errorf("%s holds %q", name, secret)
			}
		}
	}
	if p.stdout.String() != "" {
		t.Errorf("serve wrote to stdout: %q", p.stdout.String())
	}
	if !strings.Contains(string(logText), `"event":"http.action"`) || !strings.Contains(string(logText), `"event":"http.auth_failure"`) {
		t.Errorf("audit lines missing from the log")
	}
	sc := bufio.NewScanner(bytes.NewReader(logText))
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Errorf("log line is not JSON: %q", sc.Text())
		}
	}
}

// TestServeRefusesInsecureStore: a token directory others can read stops the server at start,
// with the command that fixes it.
func TestServeRefusesInsecureStore(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("modes")
	}
	h := newE2EHome(t)
	env := h.env()
	serveTokenCreate(t, h, env)
	dir := filepath.Join(h.dir, ".config", "aws-profile-bridge")
	for _, c := range []struct {
		path string
		mode os.FileMode
	}{{dir, 0o755}, {filepath.Join(dir, "tokens.json"), 0o644}} {
		os.Chmod(dir, 0o700)
		os.Chmod(filepath.Join(dir, "tokens.json"), 0o600)
		os.Chmod(c.path, c.mode)
		cmd := exec.Command(h.cli, "serve", "--port", strconv.Itoa(freePort(t)))
		cmd.Env = env
		var errb bytes.Buffer
		cmd.Stderr = &errb
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 1 || !strings.Contains(errb.String(), "refusing to start") || !strings.Contains(errb.String(), "chmod 700") {
			t.Errorf("%s %o: %v %q", c.path, c.mode, err, errb.String())
		}
	}
}

// serve refuses, at start, a --chrome-origin the server's own rule would silently drop.
func TestServeChromeOriginFlag(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	// A port that is taken: were an origin accepted, serve would fail to listen (exit 1) rather
	// than run on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	for _, o := range []string{"chrome-extension://foo/", "chrome-extension://*/", "https://example.com/", "chrome-extension://abcdefghijklmnopabcdefghijklmnoz/"} {
		code, out, errOut := runCLI("serve", "--port", port, "--chrome-origin", o)
		if code != 2 || out != "" || !strings.Contains(errOut, "--chrome-origin") {
			t.Errorf("%q: exit %d, stderr %q", o, code, errOut)
		}
	}
}
