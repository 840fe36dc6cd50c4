package signer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/logging"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/signer"
)

func TestOpenProfileThroughTheConsoleCore(t *testing.T) {
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION"} {
		t.Setenv(k, "")
	}
	fake := fakeaws.Start(t)
	fake.Setenv(t)
	s := newService(t, `[profile prod-admin]
role_arn = arn:aws:iam::111122223333:role/Admin
source_profile = base
region = eu-west-1

[profile mfa]
role_arn = arn:aws:iam::111122223333:role/Admin
source_profile = base
mfa_serial = arn:aws:iam::111122223333:mfa/me
`, "[base]\naws_access_key_id = AKIACANARYBRIDGE0001\naws_secret_access_key = canaryBridgeSecret000000000000000000001\n")
	s.SignIn = signer.New(signer.Env{Paths: s.Paths, SigninEndpoint: fake.FederationURL()})

	b := s.Handle(context.Background(), []byte(`{"action":"openProfile","profileName":"prod-admin","sessionDuration":7200,"destination":"s3"}`))
	var r map[string]any
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	// The extension's type guard: string url, profileName, color, icon.
	for _, k := range []string{"url", "profileName", "color", "icon"} {
		if _, ok := r[k].(string); !ok {
			t.Fatalf("consoleUrl reply lacks string %s: %s", k, b)
		}
	}
	if r["action"] != "consoleUrl" || r["profileName"] != "prod-admin" || r["color"] != "red" || r["icon"] != "briefcase" ||
		r["kind"] != "role" || r["region"] != "eu-west-1" || r["partition"] != "aws" || r["sessionDuration"] != float64(7200) {
		t.Errorf("reply: %s", b)
	}
	if _, ok := r["expiresAt"].(string); !ok {
		t.Errorf("expiresAt missing: %s", b)
	}
	u, err := url.Parse(r["url"].(string))
	if err != nil || u.Host != "signin.aws.amazon.com" || u.Query().Get("Action") != "login" || u.Query().Get("SigninToken") == "" ||
		!strings.HasPrefix(u.Query().Get("Destination"), "https://") || !strings.Contains(u.Query().Get("Destination"), "s3") {
		t.Errorf("login URL: %v %v", u, err)
	}
	if got := fake.Names(); strings.Join(got, ",") != "sts:AssumeRole,signin:getSigninToken" {
		t.Errorf("calls: %v", got)
	}

	// Errors come back with the console's codes.
	for req, code := range map[string]string{
		`{"action":"openProfile","profileName":"mfa"}`:                                              "mfa_required",
		`{"action":"openProfile","profileName":"prod-admin","destination":"https://evil.example/"}`: "invalid_destination",
		`{"action":"openProfile","profileName":"prod-admin","region":"us-iso-east-1"}`:              "unsupported_partition",
		`{"action":"openProfile","profileName":"prod-admin","sessionDuration":-5}`:                  "invalid_duration",
		`{"action":"openProfile","profileName":"prod-admin","sessionDuration":43201}`:               "invalid_duration",
	} {
		var e map[string]any
		json.Unmarshal(s.Handle(context.Background(), []byte(req)), &e)
		if e["action"] != "error" || e["code"] != code || e["message"] == "" {
			t.Errorf("%s: %v, want code %s", req, e, code)
		}
	}
}

// A failed sign-in logs its cause (what the network said), redacted, beside the code: the reply
// carries only the message.
func TestOpenProfileLogsTheCause(t *testing.T) {
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION"} {
		t.Setenv(k, "")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	t.Setenv("AWS_ENDPOINT_URL_STS", closed)
	s := newService(t, "", "[default]\naws_access_key_id = AKIACANARYBRIDGE0002\naws_secret_access_key = canaryBridgeSecret000000000000000000002\n")
	var logBuf bytes.Buffer
	s.Log = logging.New(&logBuf, zerolog.DebugLevel)
	r := handle(t, s, `{"action":"openProfile","profileName":"default"}`)
	if r["code"] != "aws_unreachable" {
		t.Fatalf("reply %v", r)
	}
	logText := logBuf.String()
	if !strings.Contains(logText, `"cause"`) || !strings.Contains(logText, "connection refused") {
		t.Errorf("the log does not hold the cause:\n%s", logText)
	}
	if strings.Contains(logText, "canaryBridgeSecret") || strings.Contains(logText, "AKIACANARYBRIDGE0002") {
		t.Errorf("the log holds a secret:\n%s", logText)
	}
}

// newService is a bridge over config and credentials in a temporary directory, signing in
// through New.
func newService(t testing.TB, config, credentials string) *bridge.Service {
	t.Helper()
	dir := t.TempDir()
	p := bridge.Paths{ConfigFile: filepath.Join(dir, "config"), CredentialsFile: filepath.Join(dir, "credentials"), SSOCacheDir: filepath.Join(dir, "sso", "cache")}
	for file, text := range map[string]string{p.ConfigFile: config, p.CredentialsFile: credentials} {
		if text != "" {
			if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	return &bridge.Service{Paths: p, SignIn: signer.New(signer.Env{Paths: p})}
}

func handle(t *testing.T, s *bridge.Service, req string) map[string]any {
	t.Helper()
	b := s.Handle(context.Background(), []byte(req))
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: reply not JSON: %s", req, b)
	}
	return m
}
