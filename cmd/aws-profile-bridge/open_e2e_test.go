package main

import (
	"crypto/sha1"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
)

// openHome is a HOME with every profile kind, and a fake AWS the host reaches through the
// endpoint variables the browser would pass on.
type openHome struct {
	*e2eHome
	aws *fakeaws.Server
}

func newOpenHome(t *testing.T) *openHome {
	h := newE2EHome(t)
	fake := fakeaws.Start(t)
	dir := filepath.Join(h.dir, ".aws")
	webid := filepath.Join(dir, "webid-token")
	os.WriteFile(webid, []byte("eyJhbGciOiJub25lIn0.e30."), 0o600)
	var process string
	if runtime.GOOS != "windows" {
		process = filepath.Join(dir, "creds.sh")
		os.WriteFile(process, []byte("#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"ASIAPROCESS000000001\",\"SecretAccessKey\":\"processSecret\",\"SessionToken\":\"processToken\",\"Expiration\":\"2099-01-01T00:00:00Z\"}'\n"), 0o700)
	}
	config := `[default]
region = us-east-1

[profile prod-admin]
role_arn = arn:aws:iam::111122223333:role/Admin
source_profile = default
region = eu-west-1

[profile chained]
role_arn = arn:aws:iam::444455556666:role/ReadOnly
source_profile = prod-admin

[profile mfa-role]
role_arn = arn:aws:iam::111122223333:role/Admin
source_profile = default
mfa_serial = arn:aws:iam::111122223333:mfa/alice

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-central-1

[profile dev-sso]
sso_session = corp
sso_account_id = 444455556666
sso_role_name = Developer
region = eu-central-1

[profile nologin-sso]
sso_start_url = https://other.awsapps.com/start
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = Developer

[profile webid]
role_arn = arn:aws:iam::444455556666:role/WebId
web_identity_token_file = ` + webid + `

[profile website]
region = us-west-2

[profile gov]
role_arn = arn:aws-us-gov:iam::123456789012:role/Ops
source_profile = gov-user
region = us-gov-west-1
`
	if process != "" {
		config += "\n[profile process]\ncredential_process = " + process + "\n"
	}
	os.WriteFile(filepath.Join(dir, "config"), []byte(config), 0o600)
	creds, _ := os.ReadFile(filepath.Join(dir, "credentials"))
	creds = append(creds, "\n[gov-user]\naws_access_key_id = AKIAGOVCANARY0000001\naws_secret_access_key = "+canarySecret+"\n"...)
	os.WriteFile(filepath.Join(dir, "credentials"), creds, 0o600)
	// A valid SSO token for the corp session.
	sum := sha1.Sum([]byte("corp"))
	os.MkdirAll(filepath.Join(dir, "sso", "cache"), 0o700)
	os.WriteFile(filepath.Join(dir, "sso", "cache", hex.EncodeToString(sum[:])+".json"),
		[]byte(`{"accessToken":"canarySSOAccessToken0001","expiresAt":"`+time.Now().Add(time.Hour).UTC().Format(time.RFC3339)+`","region":"eu-central-1","startUrl":"https://corp.awsapps.com/start"}`), 0o600)
	// Session keys from a role session (not GetSessionToken): they can open the console.
	fake.SetIdentity("ASIACANARY0000000002", "arn:aws:sts::111122223333:assumed-role/Admin/alice")
	fake.SetIdentity("ASIAPROCESS000000001", "arn:aws:sts::111122223333:assumed-role/Admin/alice")
	return &openHome{h, fake}
}

func (h *openHome) env() []string {
	return append(h.e2eHome.env(),
		"AWS_ENDPOINT_URL_STS="+h.aws.URL,
		"AWS_ENDPOINT_URL_SSO="+h.aws.URL,
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
	cases := []struct {
		profile, kind, host, region string
		calls                       string
		duration                    bool // SessionDuration sent
	}{
		{"default", "static", "signin.aws.amazon.com", "us-east-1", "sts:GetCallerIdentity,sts:GetFederationToken,signin:getSigninToken", false},
		{"temp-session", "session", "signin.aws.amazon.com", "", "sts:GetCallerIdentity,signin:getSigninToken", false},
		{"prod-admin", "role", "signin.aws.amazon.com", "eu-west-1", "sts:AssumeRole,signin:getSigninToken", true},
		{"chained", "role", "signin.aws.amazon.com", "", "sts:AssumeRole,sts:AssumeRole,signin:getSigninToken", false},
		{"dev-sso", "sso", "signin.aws.amazon.com", "eu-central-1", "sso:GetRoleCredentials,signin:getSigninToken", false},
		{"webid", "web-identity", "signin.aws.amazon.com", "", "sts:AssumeRoleWithWebIdentity,signin:getSigninToken", false},
		{"gov", "role", "signin.amazonaws-us-gov.com", "us-gov-west-1", "sts:AssumeRole,signin:getSigninToken", true},
	}
	if runtime.GOOS != "windows" {
		cases = append(cases, struct {
			profile, kind, host, region string
			calls                       string
			duration                    bool
		}{"process", "process", "signin.aws.amazon.com", "", "sts:GetCallerIdentity,signin:getSigninToken", false})
	}
	for _, tc := range cases {
		t.Run(tc.profile, func(t *testing.T) {
			h.aws.Reset()
			s := h.firefox(t)
			r := s.roundTrip(map[string]any{"action": "openProfile", "profileName": tc.profile})
			// The extension's type guard for consoleUrl.
			for _, k := range []string{"url", "profileName", "color", "icon"} {
				if _, ok := r[k].(string); !ok {
					t.Fatalf("reply lacks string %s: %v", k, r)
				}
			}
			if r["action"] != "consoleUrl" || r["profileName"] != tc.profile || r["kind"] != tc.kind {
				t.Fatalf("reply: %v", r)
			}
			u, err := url.Parse(r["url"].(string))
			if err != nil || u.Scheme != "https" || u.Host != tc.host || u.Query().Get("Action") != "login" || u.Query().Get("SigninToken") == "" {
				t.Errorf("login URL %v (%v)", u, err)
			}
			dest := u.Query().Get("Destination")
			if tc.region != "" && !strings.Contains(dest, "region="+tc.region) {
				t.Errorf("destination %q does not open region %s", dest, tc.region)
			}
			if got := strings.Join(h.aws.Names(), ","); got != tc.calls {
				t.Errorf("calls %s, want %s", got, tc.calls)
			}
			fed := h.aws.Find("getSigninToken")
			if len(fed) != 1 {
				t.Fatalf("getSigninToken calls: %d", len(fed))
			}
			_, sent := fed[0].Params["SessionDuration"]
			if sent != tc.duration {
				t.Errorf("SessionDuration sent=%v, want %v (%v)", sent, tc.duration, fed[0].Params)
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
	h.aws.SetIdentity("ASIACANARY0000000002", "arn:aws:iam::111122223333:user/alice")
	if r := s.roundTrip(map[string]any{"action": "openProfile", "profileName": "temp-session"}); r["code"] != "session_credentials_unsupported" {
		t.Errorf("GetSessionToken credentials: %v", r)
	}
	r := s.roundTrip(map[string]any{"action": "openProfile", "profileName": "mfa-role", "mfaCode": "123456"})
	if r["action"] != "consoleUrl" {
		t.Errorf("MFA role with a code: %v", r)
	}
	s.exit()
	logData, _ := os.ReadFile(filepath.Join(h.dir, ".aws", "logs", "aws_profile_bridge.log"))
	for _, secret := range []string{canaryAccessKey, canarySecret, canaryToken, "canarySSOAccessToken0001", "SigninToken", "processSecret", "FakeSigninToken"} {
		if strings.Contains(string(logData), secret) || strings.Contains(s.stderr.String(), secret) {
			t.Errorf("log or stderr contains %q", secret)
		}
	}
}
