package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// openHome is an e2eHome turned into testaws.Home (a profile of every kind), and a fake AWS the
// host reaches through the endpoint variables the browser would pass on.
type openHome struct {
	*e2eHome
	aws *fakeaws.Server
}

func newOpenHome(t *testing.T) *openHome {
	h := newE2EHome(t)
	fake := fakeaws.Start(t)
	testaws.Home(t, h.dir, fake)
	return &openHome{h, fake}
}

func (h *openHome) env() []string {
	return append(h.e2eHome.env(),
		"AWS_ENDPOINT_URL_STS="+h.aws.URL,
		"AWS_ENDPOINT_URL_SSO="+h.aws.URL,
		"AWS_ENDPOINT_URL_SIGNIN="+h.aws.URL,
		"AWS_PROFILE_BRIDGE_SIGNIN_ENDPOINT="+h.aws.FederationURL(),
	)
}

func (h *openHome) firefox(t *testing.T) *session {
	t.Helper()
	saved := h.e2eHome
	s := saved.startEnv(t, h.env(), saved.firefoxManifest, testExtID)
	return s
}

func TestHostOpenProfileEveryKind(t *testing.T) {
	h := newOpenHome(t)
	for _, tc := range testaws.SignIns() {
		t.Run(tc.Profile, func(t *testing.T) {
			h.aws.Reset()
			s := h.firefox(t)
			r := s.roundTrip(map[string]any{"action": "openProfile", "profileName": tc.Profile})
			// The extension's type guard for consoleUrl.
			for _, k := range []string{"url", "profileName", "color", "icon"} {
				if _, ok := r[k].(string); !ok {
					t.Fatalf("reply lacks string %s: %v", k, r)
				}
			}
			if r["action"] != "consoleUrl" || r["profileName"] != tc.Profile || r["kind"] != tc.Kind {
				t.Fatalf("reply: %v", r)
			}
			u, err := url.Parse(r["url"].(string))
			if err != nil || u.Scheme != "https" || u.Host != tc.Host || u.Query().Get("Action") != "login" || u.Query().Get("SigninToken") == "" {
				t.Errorf("login URL %v (%v)", u, err)
			}
			dest := u.Query().Get("Destination")
			if tc.Region != "" && !strings.Contains(dest, "region="+tc.Region) {
				t.Errorf("destination %q does not open region %s", dest, tc.Region)
			}
			if got, want := strings.Join(h.aws.Names(), ","), strings.Join(tc.Calls, ","); got != want {
				t.Errorf("calls %s, want %s", got, want)
			}
			fed := h.aws.Find("getSigninToken")
			if len(fed) != 1 {
				t.Fatalf("getSigninToken calls: %d", len(fed))
			}
			_, sent := fed[0].Params["SessionDuration"]
			if sent != tc.SessionDuration {
				t.Errorf("SessionDuration sent=%v, want %v (%v)", sent, tc.SessionDuration, fed[0].Params)
			}
			// The extension never disconnects after openProfile: the host waits for EOF.
			select {
			case err := <-s.done:
				t.Fatalf("host exited with the port open: %v", err)
			case <-time.After(100 * time.Millisecond):
			}
			if code := s.exit(); code != 0 {
				t.Errorf("exit %d", code)
			}
		})
	}
}

func TestHostOpenProfileErrors(t *testing.T) {
	h := newOpenHome(t)
	s := h.firefox(t)
	for req, code := range map[string]string{
		`{"action":"openProfile","profileName":"mfa-role"}`:                                          "mfa_required",
		`{"action":"openProfile","profileName":"nologin-sso"}`:                                       "sso_token_missing",
		`{"action":"openProfile","profileName":"website"}`:                                           "no_credentials",
		`{"action":"openProfile","profileName":"prod-admin","destination":"https://evil.example/x"}`: "invalid_destination",
		`{"action":"openProfile","profileName":"prod-admin","region":"us-iso-east-1"}`:               "unsupported_partition",
		`{"action":"openProfile","profileName":"../../etc/passwd"}`:                                  "profile_not_found",
	} {
		s.send(frame(req))
		r := s.read()
		if r["action"] != "error" || r["code"] != code {
			t.Errorf("%s: %v, want %s", req, r, code)
		}
		if m, _ := r["message"].(string); m == "" {
			t.Errorf("%s: no message", req)
		}
	}
	// With the code, the MFA role signs in; the fake checks SerialNumber and TokenCode.
	h.aws.MFACode = "123456"
	// Session keys of an IAM user (GetSessionToken) cannot open the console: say so.
	h.aws.SetIdentity(testaws.SessionKeyID, "arn:aws:iam::111122223333:user/alice")
	if r := s.roundTrip(map[string]any{"action": "openProfile", "profileName": "temp-session"}); r["code"] != "session_credentials_unsupported" {
		t.Errorf("GetSessionToken credentials: %v", r)
	}
	r := s.roundTrip(map[string]any{"action": "openProfile", "profileName": "mfa-role", "mfaCode": "123456"})
	if r["action"] != "consoleUrl" {
		t.Errorf("MFA role with a code: %v", r)
	}
	// Without its `aws login` token, the login profile names the command to run.
	if err := os.Remove(testaws.LoginCacheFile(filepath.Join(h.dir, ".aws", "login", "cache"), testaws.LoginARN)); err != nil {
		t.Fatal(err)
	}
	r = s.roundTrip(map[string]any{"action": "openProfile", "profileName": "cli-login"})
	if m, _ := r["message"].(string); r["code"] != "login_session_missing" || !strings.Contains(m, "aws login --profile cli-login") {
		t.Errorf("login profile without a cached token: %v", r)
	}
	s.exit()
	logData, _ := os.ReadFile(filepath.Join(h.dir, ".aws", "logs", "aws_profile_bridge.log"))
	for _, secret := range []string{testaws.AccessKeyID, testaws.SecretKey, testaws.SessionToken, testaws.SSOAccessToken, "SigninToken", testaws.ProcessSecret, "FakeSigninToken",
		testaws.LoginSecretKey, testaws.LoginSessionToken, testaws.LoginRefreshToken, "PRIVATE KEY"} {
		if strings.Contains(string(logData), secret) || strings.Contains(s.stderr.String(), secret) {
			t.Errorf("log or stderr contains %q", secret)
		}
	}
}

// A manifest may name aws-profile-bridge itself (one written by an older install, or a
// `go install` without the lean host): it is a whole host and signs in without a hand-off.
func TestFullBinaryIsStillAHost(t *testing.T) {
	h := newOpenHome(t)
	h.bin = h.cli
	s := h.firefox(t)
	if v := s.roundTrip(map[string]any{"action": "version"}); v["version"] != "9.9.9-e2e" {
		t.Errorf("version: %v", v)
	}
	if r := s.roundTrip(map[string]any{"action": "openProfile", "profileName": "prod-admin"}); r["action"] != "consoleUrl" || r["kind"] != "role" {
		t.Errorf("openProfile: %v", r)
	}
	if code := s.exit(); code != 0 {
		t.Errorf("exit %d", code)
	}
}
