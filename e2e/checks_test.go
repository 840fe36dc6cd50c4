//go:build linux

package e2e

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/nativemsg"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// reply decodes a step's reply as an object; nil (with an error logged) when it is not one.
func reply(t *testing.T, s *step) map[string]any {
	t.Helper()
	if s == nil {
		return nil
	}
	if s.Error != nil || s.Timeout || len(s.Reply) == 0 {
		t.Errorf("%s: no reply (error %v, timeout %v, disconnected %v)", s.Step, deref(s.Error), s.Timeout, s.Disc)
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(s.Reply, &m); err != nil {
		t.Errorf("%s: reply is not a JSON object: %s", s.Step, s.Reply)
		return nil
	}
	return m
}

func deref(p *string) string {
	if p == nil {
		return "<none>"
	}
	return *p
}

// The extension's type guards, as in its source (PROTOCOL.md, "What the extension checks").
func isProfileList(m map[string]any) bool {
	_, ok := m["profiles"].([]any)
	return m["action"] == "profileList" && ok
}

func isConsoleURL(m map[string]any) bool {
	for _, k := range []string{"url", "profileName", "color", "icon"} {
		if _, ok := m[k].(string); !ok {
			return false
		}
	}
	return m["action"] == "consoleUrl"
}

func isError(m map[string]any) bool {
	msg, ok := m["message"].(string)
	return m["action"] == "error" && ok && msg != ""
}

// checkConsoleURL checks a consoleUrl reply against the extension's guard and the sign-in URL
// the profile's kind must give.
func checkConsoleURL(t *testing.T, via string, c testaws.SignIn, m map[string]any) {
	t.Helper()
	if !isConsoleURL(m) {
		t.Errorf("%s %s: the extension would reject this consoleUrl: %v", via, c.Profile, m)
		return
	}
	if m["profileName"] != c.Profile || m["kind"] != c.Kind || m["color"] != c.Color || m["icon"] != c.Icon {
		t.Errorf("%s %s: profileName/kind/color/icon %v/%v/%v/%v, want %s/%s/%s", via, c.Profile, m["profileName"], m["kind"], m["color"], m["icon"], c.Kind, c.Color, c.Icon)
	}
	u, err := url.Parse(m["url"].(string))
	if err != nil || u.Scheme != "https" || u.Host != c.Host || u.Path != "/federation" {
		t.Errorf("%s %s: login URL %v, want https://%s/federation?… (%v)", via, c.Profile, u.Redacted(), c.Host, err)
		return
	}
	q := u.Query()
	if q.Get("Action") != "login" || !strings.HasPrefix(q.Get("SigninToken"), "FakeSigninToken-") {
		t.Errorf("%s %s: Action=%q SigninToken present=%v", via, c.Profile, q.Get("Action"), q.Get("SigninToken") != "")
	}
	dest, err := url.Parse(q.Get("Destination"))
	if err != nil || dest.Scheme != "https" || !strings.Contains(dest.Host, "console") {
		t.Errorf("%s %s: Destination %q", via, c.Profile, q.Get("Destination"))
	} else if c.Region != "" && dest.Query().Get("region") != c.Region {
		t.Errorf("%s %s: Destination %q does not open region %s", via, c.Profile, dest, c.Region)
	}
	if c.Region != "" && m["region"] != c.Region {
		t.Errorf("%s %s: reply region %v, want %s", via, c.Profile, m["region"], c.Region)
	}
}

// checkProfileList checks a profileList reply against the extension's guards and the profile
// keys it reads, and returns the profiles by name.
func checkProfileList(t *testing.T, name string, m map[string]any) map[string]map[string]any {
	t.Helper()
	if m == nil {
		return nil
	}
	if !isProfileList(m) {
		t.Errorf("%s: the extension would reject this profileList: %v", name, m)
		return nil
	}
	by := map[string]map[string]any{}
	var names []string
	for _, p := range m["profiles"].([]any) {
		pm, ok := p.(map[string]any)
		if !ok {
			t.Errorf("%s: profile is not an object: %v", name, p)
			continue
		}
		pn, _ := pm["name"].(string)
		names = append(names, pn)
		by[pn] = pm
		for _, k := range []string{"has_credentials", "expired", "is_sso"} {
			if _, ok := pm[k].(bool); !ok {
				t.Errorf("%s: profile %s: %s is not a bool: %v", name, pn, k, pm[k])
			}
		}
		if e, ok := pm["expiration"]; !ok {
			t.Errorf("%s: profile %s has no expiration key", name, pn)
		} else if _, isStr := e.(string); e != nil && !isStr {
			t.Errorf("%s: profile %s: expiration is neither a string nor null: %v", name, pn, e)
		}
		if c, _ := pm["color"].(string); !firefoxColors[c] {
			t.Errorf("%s: profile %s: color %v is not a Firefox container colour", name, pn, pm["color"])
		}
		if i, _ := pm["icon"].(string); !firefoxIcons[i] {
			t.Errorf("%s: profile %s: icon %v is not a Firefox container icon", name, pn, pm["icon"])
		}
		if pm["is_sso"] == true {
			for _, k := range []string{"sso_start_url", "sso_region", "sso_account_id", "sso_role_name"} {
				if v, _ := pm[k].(string); v == "" {
					t.Errorf("%s: SSO profile %s: %s missing: %v", name, pn, k, pm)
				}
			}
		}
		for _, secret := range canaries {
			if b, _ := json.Marshal(pm); strings.Contains(string(b), secret) {
				t.Errorf("%s: profile %s carries a secret (%s)", name, pn, secret)
			}
		}
	}
	if strings.Join(names, ",") != strings.Join(allProfiles, ",") {
		t.Errorf("%s: profiles %v, want %v (file order)", name, names, allProfiles)
	}
	return by
}

func checkReports(t *testing.T, br browser, rs *reportServer, fake *fakeaws.Server) {
	must := func(name string) *step {
		s := rs.get(name)
		if s == nil {
			t.Errorf("the extension did not report %q", name)
		}
		return s
	}
	rs.mu.Lock()
	for _, s := range rs.steps {
		if strings.HasSuffix(s.Step, "exception") || strings.HasPrefix(s.Step, "unparsable") {
			t.Errorf("extension failed: %s", s.raw)
		}
	}
	rs.mu.Unlock()

	if s := must("start"); s != nil {
		t.Logf("browser %s, extension origin %s", s.Info, s.Origin)
		if !strings.HasPrefix(s.Origin, br.scheme) || s.ID != br.extID {
			t.Errorf("start: origin %q id %q", s.Origin, s.ID)
		}
	}

	// sendNativeMessage: one process, first reply.
	if s := must("native:send"); s != nil && s.Error != nil {
		t.Errorf("%s found no usable host manifest (%s): the one install/install.sh wrote is missing, or does not allow %s; "+
			"every request below fails the same way", br.name, *s.Error, br.extID)
	}
	if s := rs.get("native:send"); s != nil {
		if s.Via != "sendNativeMessage" {
			t.Errorf("native:send went via %q", s.Via)
		}
		checkProfileList(t, s.Step, reply(t, s))
	}
	if m := reply(t, must("native:version")); m != nil && (m["action"] != "version" || m["protocol"] != "1") {
		t.Errorf("version: %v", m)
	}

	// getProfiles: fast list, no SSO cache.
	if by := checkProfileList(t, "getProfiles", reply(t, must("native:getProfiles"))); by != nil {
		want := map[string][3]any{ // has_credentials, color, icon
			"default": {true, "blue", "circle"}, "prod-admin": {true, "red", "briefcase"}, "dev-sso": {nil, "green", "fingerprint"},
			"website": {false, "blue", "circle"}, "stage-granted": {false, "pink", "fruit"}, "process": {true, "blue", "circle"},
			"webid": {true, "blue", "circle"}, "gov": {true, "blue", "circle"},
		}
		for n, w := range want {
			p := by[n]
			if p == nil {
				continue
			}
			if (w[0] != nil && p["has_credentials"] != w[0]) || p["color"] != w[1] || p["icon"] != w[2] {
				t.Errorf("getProfiles: %s has_credentials/color/icon = %v/%v/%v, want %v", n, p["has_credentials"], p["color"], p["icon"], w)
			}
		}
		if p := by["dev-sso"]; p != nil && (p["is_sso"] != true || p["sso_session"] != "corp" || p["sso_start_url"] != "https://corp.awsapps.com/start" ||
			p["sso_region"] != "eu-central-1" || p["aws_region"] != "eu-central-1" || p["sso_token_state"] != "unknown") {
			t.Errorf("getProfiles: dev-sso %v", p)
		}
		if p := by["temp-session"]; p != nil && (p["expired"] != true || p["expiration"] != "2020-01-01T00:00:00Z") {
			t.Errorf("getProfiles: temp-session expiry from the # Expires comment: %v", p)
		}
		if p := by["prod-admin"]; p != nil && p["aws_region"] != "eu-west-1" {
			t.Errorf("getProfiles: prod-admin aws_region %v", p["aws_region"])
		}
	}

	// enrichSSOProfiles: SSO token state from the cache.
	if by := checkProfileList(t, "enrichSSOProfiles", reply(t, must("native:enrich"))); by != nil {
		if p := by["dev-sso"]; p != nil && (p["sso_token_state"] != "valid" || p["has_credentials"] != true || p["expired"] != false || p["expiration"] == nil) {
			t.Errorf("enrichSSOProfiles: dev-sso %v", p)
		}
		if p := by["nologin-sso"]; p != nil && (p["sso_token_state"] != "missing" || p["has_credentials"] != false) {
			t.Errorf("enrichSSOProfiles: nologin-sso %v", p)
		}
	}
	if by := checkProfileList(t, "enrichSSOProfiles(named)", reply(t, must("native:enrich-named"))); by != nil {
		if p := by["dev-sso"]; p != nil && p["sso_token_state"] != "valid" {
			t.Errorf("enrichSSOProfiles(dev-sso): dev-sso %v", p)
		}
		if p := by["nologin-sso"]; p != nil && p["sso_token_state"] != "unknown" {
			t.Errorf("enrichSSOProfiles(dev-sso): nologin-sso was not named but got %v", p["sso_token_state"])
		}
	}

	// openProfile: a sign-in URL for every kind.
	var wantCalls []string
	var wantDuration []bool
	for _, c := range openCases {
		wantCalls = append(wantCalls, c.Calls...)
		wantDuration = append(wantDuration, c.SessionDuration)
		m := reply(t, must("open:"+c.Profile))
		if m == nil {
			continue
		}
		checkConsoleURL(t, "open", c, m)
	}
	// Then the click on the SSO profile without a token: its sign-in, once the page is approved.
	for _, c := range openCases {
		if c.Profile == "dev-sso" { // the same calls: GetRoleCredentials, getSigninToken
			wantCalls = append(wantCalls, c.Calls...)
			wantDuration = append(wantDuration, c.SessionDuration)
		}
	}
	checkSSOClick(t, rs, fake)
	// Then the HTTP fallback opens its profiles (checked in checkHTTP), in this order.
	for _, name := range httpOpen {
		for _, c := range openCases {
			if c.Profile == name {
				wantCalls = append(wantCalls, c.Calls...)
				wantDuration = append(wantDuration, c.SessionDuration)
			}
		}
	}
	// The sign-in's own calls (their number depends on polling) are checked by checkSSOClick.
	got := slices.DeleteFunc(fake.Names(), func(n string) bool { return strings.HasPrefix(n, "ssooidc:") })
	if strings.Join(got, ",") != strings.Join(wantCalls, ",") {
		t.Errorf("fake AWS calls, in order:\n got %v\nwant %v", got, wantCalls)
	}
	if fed := fake.Find("getSigninToken"); len(fed) == len(wantDuration) {
		for i, r := range fed {
			if r.Has("SessionDuration") != wantDuration[i] {
				t.Errorf("getSigninToken #%d: SessionDuration sent=%v, want %v", i+1, r.Has("SessionDuration"), wantDuration[i])
			}
		}
	}

	// Error frames: exactly what the extension's guard accepts, with a stable code.
	wantErr := map[string]string{
		"bad:unknown-profile": "profile_not_found",
		"bad:string":          "invalid_request",
		"bad:array":           "invalid_request",
		"bad:no-action":       "missing_field",
		"bad:unknown-action":  "unknown_action",
		"bad:no-name":         "missing_field",
		"bad:wrong-type":      "invalid_request",
	}
	for name, code := range failCases {
		wantErr["fail:"+name] = code
	}
	for name, code := range wantErr {
		m := reply(t, must(name))
		if m == nil {
			continue
		}
		if !isError(m) || m["code"] != code {
			t.Errorf("%s: %v, want an error frame with code %s", name, m, code)
		}
	}
	if s := must("bad:no-host"); s != nil && (s.Error == nil || !strings.Contains(*s.Error, br.noHost)) {
		t.Errorf("connectNative to an unregistered host: %s", s.raw)
	}

	// Ports are never disconnected by the extension: the host must answer and then stay, quietly.
	if s := must("ports"); s != nil {
		open := 0
		for _, p := range s.Ports {
			if p.Step == "bad:no-host" {
				continue
			}
			if !p.Replied || p.Disconnected || p.Extra != 0 {
				t.Errorf("port %s: replied %v, disconnected %v (%s), extra replies %d; want one reply and an open port",
					p.Step, p.Replied, p.Disconnected, deref(p.DisconnectError), p.Extra)
			}
			if p.Replied && !p.Disconnected {
				open++
			}
		}
		if s.hosts != open {
			t.Errorf("%d host processes alive with %d ports open; want one per open port", s.hosts, open)
		}
		t.Logf("%d ports held open, %d host processes alive", open, s.hosts)
	}

	// Nothing secret in any reply (sign-in URLs are bearer secrets, but they are the point of
	// consoleUrl; they must not appear anywhere else).
	rs.mu.Lock()
	for _, s := range rs.steps {
		raw := string(s.raw)
		for _, secret := range testaws.Canaries {
			if strings.Contains(raw, secret) {
				t.Errorf("report %s carries the secret %q", s.Step, secret)
			}
		}
		if !strings.HasPrefix(s.Step, "open:") && !strings.HasPrefix(s.Step, "http:open:") && s.Step != "sso:again" && strings.Contains(raw, "FakeSigninToken") {
			t.Errorf("report %s carries a sign-in token", s.Step)
		}
	}
	rs.mu.Unlock()
}

// checkLog checks the host's log: private, written by the hosts the browser started, and free of
// every secret (fixture canaries, credentials and sign-in tokens the fake issued).
func checkLog(t *testing.T, br browser, logFile string, rs *reportServer, token string) {
	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Errorf("host log: %v", err)
		return
	}
	if fi, err := os.Stat(logFile); err == nil && fi.Mode().Perm() != 0o600 {
		t.Errorf("host log mode %v, want 0600", fi.Mode().Perm())
	}
	if fi, err := os.Stat(filepath.Dir(logFile)); err == nil && fi.Mode().Perm() != 0o700 {
		t.Errorf("host log directory mode %v, want 0700", fi.Mode().Perm())
	}
	log := string(data)
	for _, secret := range append(canaries, token, token[6:49]) {
		if strings.Contains(log, secret) {
			t.Errorf("host log contains the secret %q", secret)
		}
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, s := range rs.steps {
		var m map[string]any
		if json.Unmarshal(s.Reply, &m) == nil {
			if u, _ := m["url"].(string); u != "" && strings.Contains(log, u) {
				t.Errorf("host log contains the sign-in URL of %s", s.Step)
			}
		}
	}
	lines := strings.Count(log, "\n")
	if !strings.Contains(log, `"mode":"native"`) || lines < 10 {
		t.Errorf("host log has %d lines and no native-mode entry: did %s start the installed host?", lines, br.name)
	}
	if os.Geteuid() != 0 && strings.Contains(log, "running as root") {
		t.Errorf("host log says it runs as root, but the test runs as uid %d", os.Geteuid())
	}
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "caller refused") && strings.Contains(line, br.extID) {
			t.Errorf("host refused the test extension (its manifest's allow-list): %s", line)
		}
	}
}

// checkStranger checks what an extension the host manifest does not allow (br.stranger) got:
// the browser refuses it before any host starts, and serve refuses its origin at the preflight,
// so the token it holds is never sent. Then the installed host is started as the browser would
// start it for that origin, had the browser not checked: the host's own check must refuse it
// with caller_not_allowed and a hint that names the flag to allow it.
func checkStranger(t *testing.T, br browser, rs *reportServer, bin, home, logFile string, env []string) {
	if br.stranger == "" {
		return
	}
	origin := strings.TrimSuffix(br.stranger, "/")
	if s := rs.get("stranger:start"); s == nil || s.Origin != origin {
		t.Errorf("the stranger extension did not report its start from %s: %v", origin, s)
		return
	}
	for _, name := range []string{"stranger:send", "stranger:connect"} {
		if s := rs.get(name); s == nil || s.Error == nil || !strings.Contains(*s.Error, br.refused) || len(s.Reply) != 0 {
			t.Errorf("%s: want the browser's refusal %q, got %v", name, br.refused, s)
		}
	}
	if s := rs.get("stranger:http"); s == nil || s.Error == nil || s.Status != 0 {
		t.Errorf("stranger:http: serve let an origin it does not allow read POST /profiles: %v", s)
	}

	// The browser started no host for it: the log has no line about that origin yet.
	if data, err := os.ReadFile(logFile); err == nil && strings.Contains(string(data), br.stranger) {
		t.Errorf("a host was started for %s, which the manifest does not allow", br.stranger)
	}

	cmd := exec.Command(bin, br.stranger)
	cmd.Env = env
	req, _ := json.Marshal(map[string]string{"action": "getProfiles"})
	var in bytes.Buffer
	if err := nativemsg.WriteFrame(&in, req); err != nil {
		t.Fatal(err)
	}
	cmd.Stdin = &in
	var out bytes.Buffer
	cmd.Stdout = &out
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the host for %s: %v", br.stranger, err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Errorf("the host started for %s did not exit within 10 s of its stdin closing", br.stranger)
	}
	body, err := nativemsg.ReadFrame(&out)
	var m map[string]any
	if err != nil || json.Unmarshal(body, &m) != nil {
		t.Errorf("the host started for %s: no reply frame (%v): %q", br.stranger, err, out.Bytes())
		return
	}
	if !isError(m) || m["code"] != string(apierr.CodeCallerNotAllowed) || !strings.Contains(m["message"].(string), "--chrome-origin "+br.stranger) {
		t.Errorf("the host started for %s answered %v; want caller_not_allowed naming --chrome-origin %s", br.stranger, m, br.stranger)
	}
	if strings.Contains(m["message"].(string), home) {
		t.Errorf("the refusal sent to %s names a local file: %v", br.stranger, m["message"])
	}
}

// checkSSOClick: the first click on the SSO profile without a token answered sso_login_started,
// one device flow ran (one registration, one page approved) and a later click signed in with
// the token it cached.
func checkSSOClick(t *testing.T, rs *reportServer, fake *fakeaws.Server) {
	t.Helper()
	first, again := rs.get("sso:first"), rs.get("sso:again")
	if first == nil || again == nil {
		t.Errorf("the SSO click was not reported")
		return
	}
	var m map[string]any
	if json.Unmarshal(first.Reply, &m) != nil || !isError(m) || m["code"] != "sso_login_started" {
		t.Errorf("first click on %s: %s, want an sso_login_started error frame", ssoClick, first.raw)
	}
	if json.Unmarshal(again.Reply, &m) != nil || m["action"] != "consoleUrl" || m["profileName"] != ssoClick {
		t.Errorf("click after approval on %s: %s, want a consoleUrl", ssoClick, again.raw)
	}
	for action, want := range map[string]int{"RegisterClient": 1, "StartDeviceAuthorization": 1, "VerifyDevice": 1} {
		if n := len(fake.Find(action)); n != want {
			t.Errorf("SSO click: %d %s, want %d (one flow, one page)", n, action, want)
		}
	}
	if ct := fake.Find("CreateToken"); len(ct) == 0 || ct[len(ct)-1].Status != 200 {
		t.Errorf("SSO click: the device flow did not end with a token (%d CreateToken)", len(ct))
	}
}
