package main

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// clickHome is an e2eHome with ssoTestConfig and no token, the fake AWS, and a "browser" (this
// test binary) that records the pages it is asked to open without approving them.
type clickHome struct {
	*e2eHome
	sso    *ssoHome
	record string
}

func newClickHome(t *testing.T) *clickHome {
	t.Helper()
	h := &clickHome{e2eHome: newE2EHome(t)}
	h.sso = &ssoHome{dir: h.dir, fake: newSSOHome(t).fake}
	testaws.WriteFile(t, filepath.Join(h.dir, ".aws", "config"), ssoTestConfig, 0o600)
	h.record = filepath.Join(h.dir, "opened.txt")
	return h
}

func (h *clickHome) env(extra ...string) []string {
	self, _ := os.Executable()
	return append(append(h.sso.env(), "AWS_PROFILE_BRIDGE_BROWSER="+self, "APB_TEST_FETCH=record", "APB_TEST_RECORD="+h.record), extra...)
}

func (h *clickHome) opened(t *testing.T) []string {
	t.Helper()
	data, _ := os.ReadFile(h.record)
	return strings.Fields(string(data))
}

// waitForPage waits for the browser command (started, not waited for) to record a page.
func (h *clickHome) waitForPage(t *testing.T) []string {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if p := h.opened(t); len(p) > 0 {
			return p
		}
	}
	return nil
}

// waitForToken waits for the detached sign-in to write the cache (it polls once a second).
func (h *clickHome) waitForToken(t *testing.T) {
	t.Helper()
	file := h.sso.cacheFile("corp")
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(file); err == nil {
			return
		}
	}
	t.Fatal("the detached sign-in wrote no token")
}

// TestHostClickStartsSSOLogin: a click on an SSO profile without a token opens the verification
// page from a detached process and answers sso_login_started at once; a second click while it
// waits opens no second page; once the page is approved the detached process caches the token
// (even though the host that started it has exited) and the next click signs in.
func TestHostClickStartsSSOLogin(t *testing.T) {
	h := newClickHome(t)
	s := h.startEnv(t, h.env(), h.firefoxManifest, testExtID)
	first := s.roundTrip(map[string]any{"action": "openProfile", "profileName": "dev-sso"})
	if first["action"] != "error" || first["code"] != "sso_login_started" || !strings.Contains(first["message"].(string), "click dev-sso again") {
		t.Fatalf("first click: %v", first)
	}
	r := s.roundTrip(map[string]any{"action": "openProfile", "profileName": "dev-sso"})
	if r["code"] != "sso_login_started" || !strings.Contains(r["message"].(string), "already waiting") {
		t.Fatalf("second click: %v", r)
	}
	if code := s.exit(); code != 0 { // the browser stops the host; the sign-in goes on
		t.Fatalf("host exit %d", code)
	}
	pages := h.waitForPage(t)
	if len(pages) != 1 || len(h.sso.fake.Find("StartDeviceAuthorization")) != 1 {
		t.Fatalf("pages opened %q", pages)
	}
	if u, err := url.Parse(pages[0]); err != nil || !strings.Contains(first["message"].(string), "shows the code "+u.Query().Get("user_code")+")") {
		t.Errorf("the reply does not name the page's code: %v / %s", first["message"], pages[0])
	}
	// The person approves in the page.
	resp, err := http.Get(pages[0])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h.waitForToken(t)

	s = h.startEnv(t, h.env(), h.firefoxManifest, testExtID)
	r = s.roundTrip(map[string]any{"action": "openProfile", "profileName": "dev-sso"})
	if r["action"] != "consoleUrl" {
		t.Fatalf("click after approval: %v", r)
	}
	e := h.sso.cacheEntry(t, "corp")
	h.sso.noSecrets(t, e, s.stderr.String())
}

// TestHostClickSSOAutoLoginOff: with AWS_PROFILE_BRIDGE_SSO_AUTO_LOGIN=0 the click only names the
// command to run.
func TestHostClickSSOAutoLoginOff(t *testing.T) {
	h := newClickHome(t)
	s := h.startEnv(t, h.env("AWS_PROFILE_BRIDGE_SSO_AUTO_LOGIN=0"), h.firefoxManifest, testExtID)
	r := s.roundTrip(map[string]any{"action": "openProfile", "profileName": "dev-sso"})
	if r["code"] != "sso_token_missing" || !strings.Contains(r["message"].(string), "aws-profile-bridge sso login --sso-session corp") {
		t.Fatalf("reply %v", r)
	}
	if n := len(h.sso.fake.Find("StartDeviceAuthorization")); n != 0 || len(h.opened(t)) != 0 {
		t.Errorf("a sign-in was started")
	}
}

// TestServeClickStartsSSOLogin: the same over the HTTP fallback.
func TestServeClickStartsSSOLogin(t *testing.T) {
	h := newClickHome(t)
	env := h.env()
	tok := serveTokenCreate(t, h.e2eHome, env)
	p := startServe(t, h.e2eHome, env)
	click := func() map[string]any {
		t.Helper()
		req, _ := http.NewRequest("POST", p.url("/profiles/dev-sso/console-url"), nil)
		req.Header.Set("Origin", "moz-extension://0b7c1a4e-4a8e-4f57-9d6c-1f2e3d4c5b6a")
		req.Header.Set("X-API-Token", tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		if err := json.NewDecoder(res.Body).Decode(&m); err != nil || res.StatusCode != 200 {
			t.Fatalf("status %d, %v", res.StatusCode, err)
		}
		return m
	}
	if r := click(); r["code"] != "sso_login_started" {
		t.Fatalf("first click: %v", r)
	}
	if r := click(); r["code"] != "sso_login_started" || !strings.Contains(r["message"].(string), "already waiting") {
		t.Fatalf("second click: %v", r)
	}
	pages := h.waitForPage(t)
	if len(pages) != 1 {
		t.Fatalf("pages %q", pages)
	}
	resp, err := http.Get(pages[0])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h.waitForToken(t)
	if r := click(); r["action"] != "consoleUrl" {
		t.Fatalf("click after approval: %v", r)
	}
}

// Offline, a click on an SSO profile without a token says IAM Identity Center cannot be reached
// (the detached process could not start the sign-in), not which login command to run.
func TestHostClickOfflineSaysUnreachable(t *testing.T) {
	h := newClickHome(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	var env []string
	for _, kv := range h.env() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_ENDPOINT_URL_") {
			kv = k + "=" + closed
		}
		env = append(env, kv)
	}
	s := h.startEnv(t, env, h.firefoxManifest, testExtID)
	r := s.roundTrip(map[string]any{"action": "openProfile", "profileName": "dev-sso"})
	if m, _ := r["message"].(string); r["code"] != "aws_unreachable" || !strings.Contains(m, l.Addr().String()) || !strings.Contains(m, "IAM Identity Center") {
		t.Errorf("offline click: %v", r)
	}
	if p := h.opened(t); len(p) != 0 {
		t.Errorf("pages opened offline: %v", p)
	}
}
