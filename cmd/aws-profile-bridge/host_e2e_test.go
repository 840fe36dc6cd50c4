package main

// End-to-end tests of the built binary, driven the way browsers drive it: a new process per
// request, argv of both browser families, frames on stdin/stdout.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

const (
	testExtID  = "aws-profile-containers@e2e.test"
	testOrigin = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/"
)

var (
	buildOnce sync.Once
	builtBin  string
	builtLean string
	buildErr  error
)

// hostBinary builds the command once per test binary run, and the lean host beside it, as
// `make build` puts them (leanHostBinary).
func hostBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "apb-e2e-bin-")
		if err != nil {
			buildErr = err
			return
		}
		exe := ""
		if runtime.GOOS == "windows" {
			exe = ".exe"
		}
		builtBin = filepath.Join(dir, "aws-profile-bridge"+exe)
		builtLean = filepath.Join(dir, "aws-profile-bridge-host"+exe)
		for out, pkg := range map[string]string{builtBin: ".", builtLean: "../aws-profile-bridge-host"} {
			// Built as `make build` builds it: static (CGO_ENABLED=0), which also starts faster.
			cmd := exec.Command("go", "build", "-ldflags", "-X main.version=9.9.9-e2e -X main.commit=e2ecommit -X main.date=2026-01-02T03:04:05Z", "-o", out, pkg)
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = errors.New(string(out))
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return builtBin
}

// leanHostBinary is the lean native host (cmd/aws-profile-bridge-host), built beside hostBinary
// so that it hands sign-ins to it.
func leanHostBinary(t testing.TB) string {
	t.Helper()
	hostBinary(t)
	return builtLean
}

// e2eHome lays out a small HOME: ~/.aws with six profiles (config and credentials, no SSO token
// cached), the Firefox manifest and a Chrome manifest as the installer writes them, naming the
// lean host as install does. openHome turns it into testaws.Home, with a profile of every kind.
type e2eHome struct {
	dir, firefoxManifest string
	bin                  string // what the manifests start: the lean host
	cli                  string // aws-profile-bridge, beside it
}

func newE2EHome(t *testing.T) *e2eHome {
	t.Helper()
	bin := leanHostBinary(t)
	home := t.TempDir()
	h := &e2eHome{dir: home, bin: bin, cli: hostBinary(t)}
	write := func(rel, content string, mode os.FileMode) string {
		return testaws.WriteFile(t, filepath.Join(home, rel), content, mode)
	}
	write(".aws/config", `[default]
region = us-east-1

[profile prod-admin]
role_arn = arn:aws:iam::111122223333:role/Admin
source_profile = default
region = eu-west-1

[profile website]
region = us-west-2

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-central-1

[profile dev-sso]
sso_session = corp
sso_account_id = 444455556666
sso_role_name = Developer
region = eu-central-1

[profile gov]
role_arn = arn:aws-us-gov:iam::123456789012:role/Ops
source_profile = default
region = us-gov-west-1
`, 0o600)
	write(".aws/credentials", testaws.Credentials, 0o600)
	h.firefoxManifest = write(".mozilla/native-messaging-hosts/aws_profile_bridge.json", testaws.Manifest(bin, "allowed_extensions", testExtID), 0o644)
	write(".config/google-chrome/NativeMessagingHosts/aws_profile_bridge.json", testaws.Manifest(bin, "allowed_origins", testOrigin), 0o644)
	return h
}

func (h *e2eHome) env() []string {
	// No SSO sign-in from a click: these hosts have no fake IAM Identity Center (see
	// sso_click_e2e_test.go for the tests that do).
	return []string{"HOME=" + h.dir, "PATH=" + os.Getenv("PATH"), "AWS_EC2_METADATA_DISABLED=true", "AWS_PROFILE_BRIDGE_SSO_AUTO_LOGIN=0"}
}

func frame(v any) []byte {
	var body []byte
	switch v := v.(type) {
	case []byte:
		body = v
	case string:
		body = []byte(v)
	default:
		body, _ = json.Marshal(v)
	}
	out := make([]byte, 4, 4+len(body))
	binary.LittleEndian.PutUint32(out, uint32(len(body)))
	return append(out, body...)
}

// session is one host process, as one connectNative port.
type session struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.Reader
	stderr *bytes.Buffer
	done   chan error
}

func (h *e2eHome) start(t *testing.T, args ...string) *session {
	t.Helper()
	return h.startEnv(t, h.env(), args...)
}

func (h *e2eHome) startEnv(t *testing.T, env []string, args ...string) *session {
	t.Helper()
	cmd := exec.Command(h.bin, args...)
	cmd.Env = env
	cmd.Dir = filepath.Dir(h.bin) // the browser starts the host in its own folder
	stdin, _ := cmd.StdinPipe()
	// An os.Pipe, not StdoutPipe: Wait (run at once, below) closes a StdoutPipe as soon as the
	// process exits, which races with reading the last frame of a host that answers and exits.
	stdout, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = w
	s := &session{t: t, cmd: cmd, stdin: stdin, stdout: stdout, stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close() // the child holds its own copy
	t.Cleanup(func() { stdout.Close() })
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return s
}

func (h *e2eHome) firefox(t *testing.T) *session { return h.start(t, h.firefoxManifest, testExtID) }

func (s *session) send(b []byte) {
	s.t.Helper()
	if _, err := s.stdin.Write(b); err != nil {
		s.t.Fatalf("write: %v", err)
	}
}

// read reads one reply frame, with a deadline, as a JSON object.
func (s *session) read() map[string]any {
	s.t.Helper()
	body := s.readRaw()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		s.t.Fatalf("reply is not a JSON object: %s", body)
	}
	return m
}

// readRaw reads one reply frame, with a deadline.
func (s *session) readRaw() string {
	s.t.Helper()
	type res struct {
		body []byte
		err  error
	}
	ch := make(chan res, 1)
	go func() {
		var n [4]byte
		if _, err := io.ReadFull(s.stdout, n[:]); err != nil {
			ch <- res{err: err}
			return
		}
		l := binary.LittleEndian.Uint32(n[:])
		if l > 1<<20 {
			ch <- res{err: errors.New("reply over 1 MB")}
			return
		}
		body := make([]byte, l)
		if _, err := io.ReadFull(s.stdout, body); err != nil {
			ch <- res{err: err}
			return
		}
		ch <- res{body: body}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			s.t.Fatalf("reading reply: %v (stderr: %q)", r.err, s.stderr.String())
		}
		return string(r.body)
	case <-time.After(10 * time.Second):
		s.t.Fatalf("no reply within 10 s")
	}
	return ""
}

func (s *session) roundTrip(req any) map[string]any {
	s.t.Helper()
	s.send(frame(req))
	return s.read()
}

// exit closes stdin and returns the exit code.
func (s *session) exit() int {
	s.t.Helper()
	_ = s.stdin.Close()
	select {
	case err := <-s.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			s.t.Fatal(err)
		}
		return 0
	case <-time.After(10 * time.Second):
		s.t.Fatal("host did not exit within 10 s of EOF")
	}
	return -1
}

func (s *session) waitExit() int {
	s.t.Helper()
	select {
	case err := <-s.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		return 0
	case <-time.After(10 * time.Second):
		s.t.Fatal("host did not exit within 10 s")
	}
	return -1
}

func profilesByName(t *testing.T, reply map[string]any) map[string]map[string]any {
	t.Helper()
	if reply["action"] != "profileList" {
		t.Fatalf("want profileList, got %v", reply)
	}
	arr, ok := reply["profiles"].([]any)
	if !ok {
		t.Fatalf("profiles is not an array: %v", reply)
	}
	out := map[string]map[string]any{}
	for _, p := range arr {
		m := p.(map[string]any)
		out[m["name"].(string)] = m
	}
	return out
}

// assertExtensionProfile checks a profile against the extension's type guard and reader.
func assertExtensionProfile(t *testing.T, p map[string]any) {
	t.Helper()
	for _, k := range []string{"name", "color", "icon"} {
		if _, ok := p[k].(string); !ok {
			t.Errorf("%v: %s is not a string", p["name"], k)
		}
	}
	for _, k := range []string{"has_credentials", "expired", "is_sso"} {
		if _, ok := p[k].(bool); !ok {
			t.Errorf("%v: %s is not a bool", p["name"], k)
		}
	}
	if e, ok := p["expiration"]; !ok {
		t.Errorf("%v: expiration missing (must be a string or null)", p["name"])
	} else if e != nil {
		if _, ok := e.(string); !ok {
			t.Errorf("%v: expiration is neither string nor null", p["name"])
		}
	}
}

func TestHostGetProfilesNewProcessPerRequest(t *testing.T) {
	h := newE2EHome(t)
	for i := 0; i < 3; i++ { // the extension opens a new port per request
		s := h.firefox(t)
		reply := s.roundTrip(map[string]any{"action": "getProfiles"})
		byName := profilesByName(t, reply)
		for _, name := range []string{"default", "prod-admin", "website", "dev-sso", "gov", "temp-session"} {
			p, ok := byName[name]
			if !ok {
				t.Fatalf("profile %s missing from %v", name, reply)
			}
			assertExtensionProfile(t, p)
		}
		if len(byName) != 6 {
			t.Errorf("want 6 profiles, got %d", len(byName))
		}
		if p := byName["prod-admin"]; p["color"] != "red" || p["icon"] != "briefcase" || p["kind"] != "role" || p["has_credentials"] != true {
			t.Errorf("prod-admin: %v", p)
		}
		if p := byName["website"]; p["color"] != "blue" || p["kind"] != "config-only" || p["has_credentials"] != false {
			t.Errorf("website (not 'ite'): %v", p)
		}
		if p := byName["dev-sso"]; p["is_sso"] != true || p["sso_start_url"] != "https://corp.awsapps.com/start" || p["sso_region"] != "eu-central-1" || p["sso_token_state"] != "unknown" {
			t.Errorf("dev-sso: %v", p)
		}
		if p := byName["gov"]; p["partition"] != "aws-us-gov" {
			t.Errorf("gov partition: %v", p)
		}
		if p := byName["temp-session"]; p["expired"] != true || p["expiration"] != "2020-01-01T00:00:00Z" || p["kind"] != "session" {
			t.Errorf("temp-session expiry: %v", p)
		}
		if code := s.exit(); code != 0 {
			t.Fatalf("exit %d after EOF between frames, want 0", code)
		}
		if s.stderr.Len() != 0 {
			t.Errorf("stderr not empty: %q", s.stderr.String())
		}
	}
}

func TestHostEnrichSSOAndVersion(t *testing.T) {
	h := newE2EHome(t)
	s := h.firefox(t)
	byName := profilesByName(t, s.roundTrip(map[string]any{"action": "enrichSSOProfiles", "profileNames": []string{"dev-sso"}}))
	if p := byName["dev-sso"]; p["sso_token_state"] != "missing" || p["has_credentials"] != false {
		t.Errorf("dev-sso without a cached token: %v", p)
	}
	// Several requests on one port, replied in order.
	v := s.roundTrip(map[string]any{"action": "version"})
	if v["action"] != "version" || v["version"] != "9.9.9-e2e" || v["commit"] != "e2ecommit" || v["date"] != "2026-01-02T03:04:05Z" || v["protocol"] != "1" {
		t.Errorf("version reply: %v", v)
	}
	if code := s.exit(); code != 0 {
		t.Errorf("exit %d", code)
	}
}

func TestHostOpenProfileIdlePort(t *testing.T) {
	h := newE2EHome(t)
	s := h.firefox(t)
	reply := s.roundTrip(map[string]any{"action": "openProfile", "profileName": "prod-admin"})
	if reply["action"] != "error" {
		t.Fatalf("openProfile: %v", reply)
	}
	if _, ok := reply["message"].(string); !ok {
		t.Fatalf("error frame without a message: %v", reply)
	}
	// The extension never disconnects after openProfile: the host must wait quietly.
	select {
	case err := <-s.done:
		t.Fatalf("host exited while the port was open: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	if r := s.roundTrip(map[string]any{"action": "openProfile", "profileName": "nope"}); r["code"] != "profile_not_found" {
		t.Errorf("unknown profile: %v", r)
	}
	if code := s.exit(); code != 0 {
		t.Errorf("exit %d", code)
	}
}

func TestHostMalformedFramesThenGoesOn(t *testing.T) {
	h := newE2EHome(t)
	s := h.firefox(t)
	for _, tc := range []struct {
		body []byte
		code string
	}{
		{[]byte(`{"action":`), "invalid_json"},
		{[]byte(`[1,2,3]`), "invalid_request"},
		{[]byte(`"getProfiles"`), "invalid_request"},
		{[]byte(`null`), "invalid_request"},
		{[]byte{}, "empty_frame"},
		{[]byte("{\"action\":\"getProfiles\xff\"}"), "invalid_json"},
		{[]byte(`{"action":"getProfiles"} {}`), "invalid_json"},
		{[]byte(`{"action":"rm -rf"}`), "unknown_action"},
		{[]byte(`{}`), "missing_field"},
		{[]byte(`{"action":"openProfile"}`), "missing_field"},
		{[]byte(`{"action":"enrichSSOProfiles","profileNames":"dev-sso"}`), "invalid_request"},
	} {
		s.send(frame(tc.body))
		r := s.read()
		if r["action"] != "error" || r["code"] != tc.code {
			t.Errorf("%q: got %v, want error code %s", tc.body, r, tc.code)
		}
		if m, _ := r["message"].(string); m == "" {
			t.Errorf("%q: error without message", tc.body)
		}
	}
	// Still serving.
	if r := s.roundTrip(map[string]any{"action": "version"}); r["action"] != "version" {
		t.Errorf("host stopped serving after bad frames: %v", r)
	}
	if code := s.exit(); code != 0 {
		t.Errorf("exit %d", code)
	}
}

func TestHostTruncatedAndOversizedFrames(t *testing.T) {
	h := newE2EHome(t)

	s := h.firefox(t)
	s.send(frame(`{"action":"getProfiles"}`)[:10])
	if code := s.exit(); code == 0 {
		t.Error("a truncated frame must exit non-zero")
	}

	s = h.firefox(t)
	var big [4]byte
	binary.LittleEndian.PutUint32(big[:], 0xFFFFFFF0)
	s.send(big[:])
	r := s.read()
	if r["code"] != "frame_too_large" {
		t.Errorf("oversized frame: %v", r)
	}
	if code := s.waitExit(); code == 0 {
		t.Error("an oversized frame must exit non-zero")
	}
}

func TestHostCallers(t *testing.T) {
	h := newE2EHome(t)
	cases := []struct {
		name    string
		args    []string
		allowed bool
	}{
		{"firefox listed id", []string{h.firefoxManifest, testExtID}, true},
		{"firefox other id", []string{h.firefoxManifest, "evil@example.com"}, false},
		{"chrome listed origin", []string{testOrigin}, true},
		{"chrome origin + parent window", []string{testOrigin, "--parent-window=0"}, true},
		{"parent window first", []string{"--parent-window=0", testOrigin}, true},
		{"chrome other origin", []string{"chrome-extension://ppppppppppppppppppppppppppppppaa/"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := h.start(t, tc.args...)
			r := s.roundTrip(map[string]any{"action": "version"})
			if tc.allowed && r["action"] != "version" {
				t.Errorf("refused: %v", r)
			}
			if !tc.allowed && (r["action"] != "error" || r["code"] != "caller_not_allowed") {
				t.Errorf("not refused: %v", r)
			}
			code := s.exit()
			if tc.allowed && code != 0 || !tc.allowed && code == 0 {
				t.Errorf("exit code %d", code)
			}
		})
	}
}

func TestHostLogsPrivateAndSecretFree(t *testing.T) {
	h := newE2EHome(t)
	s := h.firefox(t)
	s.roundTrip(map[string]any{"action": "getProfiles"})
	s.roundTrip(map[string]any{"action": "enrichSSOProfiles"})
	s.roundTrip(map[string]any{"action": "openProfile", "profileName": "default"})
	s.send(frame(`{"action":"` + testaws.SecretKey + `"}`))
	s.read()
	s.exit()

	logDir := filepath.Join(h.dir, ".aws", "logs")
	logFile := filepath.Join(logDir, "aws_profile_bridge.log")
	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatalf("no log file: %v", err)
	}
	if len(data) == 0 {
		t.Fatal("log file is empty")
	}
	if runtime.GOOS != "windows" {
		for p, want := range map[string]os.FileMode{logDir: 0o700, logFile: 0o600} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != want {
				t.Errorf("%s mode %o, want %o", p, fi.Mode().Perm(), want)
			}
		}
	}
	for _, canary := range []string{testaws.AccessKeyID, testaws.SecretKey, testaws.SessionToken} {
		if bytes.Contains(data, []byte(canary)) {
			t.Errorf("log contains a secret canary %q", canary)
		}
		if strings.Contains(s.stderr.String(), canary) {
			t.Errorf("stderr contains a secret canary %q", canary)
		}
	}
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		if !json.Valid(line) {
			t.Errorf("log line is not JSON: %q", line)
		}
	}
}

func TestVersionJSONReportsBuild(t *testing.T) {
	out, err := exec.Command(hostBinary(t), "version", "--json").Output()
	if err != nil {
		t.Fatalf("version --json: %v", err)
	}
	var v map[string]string
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("version --json is not JSON: %s", out)
	}
	if v["version"] != "9.9.9-e2e" || v["commit"] != "e2ecommit" || v["date"] != "2026-01-02T03:04:05Z" || v["protocol"] != "1" {
		t.Errorf("version --json: %s", out)
	}
}
