package console

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/partition"
)

// The profile's own credentials win over AWS_ACCESS_KEY_ID & co. in the environment.
func TestEnvironmentCredentialsIgnored(t *testing.T) {
	for _, profile := range []string{"static", "role", "role-chained"} {
		t.Run(profile, func(t *testing.T) {
			w := newTestWorld(t)
			t.Setenv("AWS_ACCESS_KEY_ID", canaryEnvKeyID)
			t.Setenv("AWS_SECRET_ACCESS_KEY", canaryEnvSecret)
			t.Setenv("AWS_PROFILE", "session")
			t.Setenv("AWS_REGION", "sa-east-1")
			if _, err := w.signIn(profile, Options{}); err != nil {
				t.Fatal(err)
			}
			first := w.aws.Requests()[0]
			if first.AccessKeyID != canaryKeyID {
				t.Errorf("first call %s signed with %q, want the profile's key", first.Name(), first.AccessKeyID)
			}
			for _, r := range w.aws.Requests() {
				if r.AccessKeyID == canaryEnvKeyID {
					t.Errorf("%s used the environment's key", r.Name())
				}
			}
		})
	}
}

// getSigninToken is a POST with the Session in the body, never in the URL; the login URL keeps
// the partition's real sign-in host although the token came from the override endpoint.
func TestSigninTokenRequestShape(t *testing.T) {
	w := newTestWorld(t)
	res, err := w.signIn("role", Options{})
	must(t, err)
	fed := w.aws.Find("getSigninToken")
	if len(fed) != 1 {
		t.Fatalf("getSigninToken calls = %d", len(fed))
	}
	r := fed[0]
	if r.Method != "POST" || r.Session == nil || r.Session.SessionToken == "" || r.Session.SessionID == "" || r.Session.SessionKey == "" {
		t.Errorf("getSigninToken = %s with session %+v", r.Method, r.Session != nil)
	}
	if iss, ok := w.aws.IssuedFor(r.AccessKeyID); !ok || iss.Kind != "role-direct" {
		t.Errorf("signed in with %+v, want the AssumeRole credentials", iss)
	}
	if strings.HasPrefix(res.URL, w.aws.URL) || !strings.HasPrefix(res.URL, "https://signin.aws.amazon.com/federation?Action=login&Issuer=") {
		t.Errorf("login URL does not start with the real sign-in host")
	}
}

func TestLogoutFirst(t *testing.T) {
	for _, tc := range []struct{ profile, prefix, inner string }{
		{"role", "https://us-east-1.signin.aws.amazon.com/oauth?Action=logout&redirect_uri=", "https://signin.aws.amazon.com/federation"},
		{"gov", "https://signin.amazonaws-us-gov.com/oauth?Action=logout&redirect_uri=", "https://signin.amazonaws-us-gov.com/federation"},
	} {
		w := newTestWorld(t)
		res, err := w.signIn(tc.profile, Options{LogoutFirst: true})
		must(t, err)
		if !strings.HasPrefix(res.URL, tc.prefix) {
			t.Fatalf("%s: URL does not start with %s", tc.profile, tc.prefix)
		}
		u, err := url.Parse(res.URL)
		must(t, err)
		inner, err := url.Parse(u.Query().Get("redirect_uri"))
		must(t, err)
		if got := inner.Scheme + "://" + inner.Host + inner.Path; got != tc.inner || inner.Query().Get("Action") != "login" || inner.Query().Get("SigninToken") == "" {
			t.Errorf("%s: redirect_uri = %s ..., want a login URL on %s", tc.profile, got, tc.inner)
		}
	}
}

func TestMFAPrompt(t *testing.T) {
	w := newTestWorld(t)
	var asked []string
	w.env.MFAPrompt = func(serial string) (string, error) {
		asked = append(asked, serial)
		return " 123456\n", nil
	}
	if _, err := w.signIn("role-mfa", Options{}); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 || asked[0] != "arn:aws:iam::111122223333:mfa/alice" {
		t.Errorf("prompted for %q", asked)
	}
	if r := w.aws.Find("AssumeRole"); len(r) != 1 || r[0].Get("TokenCode") != "123456" {
		t.Errorf("AssumeRole TokenCode not sent from the prompt")
	}
	// An explicit code wins over the prompt.
	asked = nil
	if _, err := w.signIn("role-mfa", Options{MFACode: "123456"}); err != nil || len(asked) != 0 {
		t.Errorf("err %v, prompted %d times with a code given", err, len(asked))
	}
	// A failed prompt is mfa_required, before any call.
	w.aws.Reset()
	w.env.MFAPrompt = func(string) (string, error) { return "", errors.New("no terminal") }
	if _, err := w.signIn("role-mfa", Options{}); apierr.CodeOf(err) != apierr.CodeMFARequired || len(w.aws.Requests()) != 0 {
		t.Errorf("err = %v, requests %v", err, w.aws.Names())
	}
}

// A role whose MaxSessionDuration is below the asked duration still opens, for 1 h, with a warning.
func TestRoleMaxSessionDurationFallback(t *testing.T) {
	w := newTestWorld(t)
	w.aws.SetMaxSessionDuration("arn:aws:iam::444455556666:role/Admin", time.Hour)
	res, err := w.signIn("role", Options{SessionDuration: 12 * time.Hour})
	must(t, err)
	ar := w.aws.Find("AssumeRole")
	if len(ar) != 2 || ar[0].Get("DurationSeconds") != "43200" || ar[1].Get("DurationSeconds") != "3600" {
		t.Fatalf("AssumeRole calls %v", w.aws.Names())
	}
	if fed := w.aws.Find("getSigninToken"); fed[0].Get("SessionDuration") != "3600" {
		t.Errorf("SessionDuration = %q", fed[0].Get("SessionDuration"))
	}
	if res.SessionDuration != time.Hour || res.Requests != 3 || len(res.Warnings) != 1 {
		t.Errorf("result: %v, warnings %q", res, res.Warnings)
	}
}

// Secrets AWS might echo in an error message are scrubbed from ours.
func TestErrorsRedactEchoedSecrets(t *testing.T) {
	w := newTestWorld(t)
	w.aws.Fail("AssumeRole", fakeaws.Failure{Code: "AccessDenied",
		Message: "key " + canaryKeyID + " secret " + canarySecret + " is not allowed"})
	_, err := w.signIn("role", Options{})
	if apierr.CodeOf(err) != apierr.CodeAccessDenied {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("no redaction marker in %q", err)
	}
	assertNoSecrets(t, "error", err.Error())

	w.aws.Reset()
	w.aws.Fail("getSigninToken", fakeaws.Failure{Status: 502, Message: canarySessTok})
	_, err = w.signIn("sso", Options{})
	assertNoSecrets(t, "error", err.Error())
}

// Values shaped like a secret key or a session token are scrubbed even when they are not ones
// this sign-in knows (AWS may echo another credential); hex digests (an SSO cache file name) and
// ordinary words are not.
func TestErrorsRedactSecretShapedValues(t *testing.T) {
	const (
		otherSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz9OTHER0X" // 40 base64 characters
		cacheName   = "8f1b0f8b6d2c4a2b9e7f3c5d1a0b2c3d4e5f6a7b" // a SHA-1 in hex: 40 characters
	)
	otherToken := strings.Repeat("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJGMEQCIF", 4)
	w := newTestWorld(t)
	w.aws.Fail("AssumeRole", fakeaws.Failure{Code: "AccessDenied",
		Message: "file ~/.aws/sso/cache/" + cacheName + ".json denied: " + strings.Repeat("x ", 100) + "secret " + otherSecret + " token " + otherToken})
	_, err := w.signIn("role", Options{})
	if apierr.CodeOf(err) != apierr.CodeAccessDenied {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	// The message is cut to a few hundred characters: no piece of a secret may stand at the cut.
	for _, secret := range []string{otherSecret, otherToken[:60], otherSecret[:12], otherToken[:12]} {
		if strings.Contains(msg, secret) {
			t.Errorf("error text holds %q: %s", secret, msg)
		}
	}
	if !strings.Contains(msg, cacheName) || !strings.Contains(msg, "denied") {
		t.Errorf("error text lost what is not a secret: %s", msg)
	}
}

// The canary sweep: every kind, every failure the fake can produce: no secret in any error text
// or Result.String.
func TestCanarySecretsNeverInErrors(t *testing.T) {
	profiles := []string{"static", "session", "role", "role-mfa", "role-chained", "sso", "sso-legacy", "sso-role", "session-role", "webid", "process", "gov",
		"login", "login-inline", "login-role"}
	failures := map[string][]fakeaws.Failure{
		"": {{}},
	}
	for _, a := range []string{"AssumeRole", "GetFederationToken", "GetCallerIdentity", "GetRoleCredentials", "getSigninToken", "AssumeRoleWithWebIdentity", "CreateOAuth2Token"} {
		failures[a] = []fakeaws.Failure{
			{Code: "AccessDenied", Message: "denied"},
			{Code: "ExpiredToken", Message: "expired"},
			{Status: 500, Code: "InternalFailure"},
			{Status: 400, Code: "ValidationError", Message: "bad"},
			{Delay: time.Second},
		}
	}
	for _, e := range []string{"TOKEN_EXPIRED", "USER_CREDENTIALS_CHANGED", "INSUFFICIENT_PERMISSIONS", "INVALID_REQUEST"} {
		failures["CreateOAuth2Token"] = append(failures["CreateOAuth2Token"],
			fakeaws.Failure{Code: "AccessDeniedException", OAuth2Error: e, Message: "refresh token " + canaryLoginRefresh + " refused"})
	}
	failures["CreateOAuth2Token"] = append(failures["CreateOAuth2Token"],
		fakeaws.Failure{Code: "InternalServerException", Message: "refresh token " + canaryLoginRefresh + " failed"},
		fakeaws.Failure{Code: "ValidationException", Message: "bad refresh token " + canaryLoginRefresh})
	for _, p := range profiles {
		w := newTestWorld(t)
		w.env.Timeout = 150 * time.Millisecond
		for action, fs := range failures {
			for _, f := range fs {
				w.aws.Reset()
				if action != "" {
					w.aws.Fail(action, f)
				}
				if strings.HasPrefix(p, "login") { // an expired cached token: the SDK must call CreateOAuth2Token
					w.login(time.Now().Add(-time.Minute))
				}
				res, err := SignIn(context.Background(), w.env, w.cfg, p, Options{MFACode: "123456"})
				if err != nil {
					assertNoSecrets(t, p+"/"+action+" error", err.Error())
					continue
				}
				assertNoSecrets(t, p+" result", res.String())
			}
		}
	}
}

func TestDestinationURL(t *testing.T) {
	tests := []struct {
		part         *partition.Partition
		region, dest string
		want         string // "" = invalid_destination
	}{
		{partition.Lookup(partition.AWS), "eu-west-1", "", "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"},
		{partition.Lookup(partition.AWS), "eu-west-1", "s3", "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1"},
		{partition.Lookup(partition.AWS), "eu-west-1", "cloudwatch", "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1"},
		{partition.Lookup(partition.AWS), "eu-west-1", "/ec2/home?region=eu-west-1#Instances:", "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:"},
		{partition.Lookup(partition.AWS), "eu-west-1", "https://console.aws.amazon.com/iam/home", "https://console.aws.amazon.com/iam/home"},
		{partition.Lookup(partition.AWS), "eu-west-1", "https://us-east-2.console.aws.amazon.com/lambda/home?region=us-east-2", "https://us-east-2.console.aws.amazon.com/lambda/home?region=us-east-2"},
		{partition.Lookup(partition.AWS), "eu-west-1", "https://s3.console.aws.amazon.com/s3/buckets", "https://s3.console.aws.amazon.com/s3/buckets"},
		{partition.Lookup(partition.AWS), "eu-west-1", "https://CONSOLE.aws.amazon.com/", "https://console.aws.amazon.com/"},
		{partition.Lookup(partition.GovCloud), "us-gov-west-1", "", "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"},
		{partition.Lookup(partition.GovCloud), "us-gov-west-1", "https://console.amazonaws-us-gov.com/ec2/home", "https://console.amazonaws-us-gov.com/ec2/home"},
		{partition.Lookup(partition.China), "cn-north-1", "ec2", "https://console.amazonaws.cn/ec2/home?region=cn-north-1"},
		{partition.Lookup(partition.EUSC), "eusc-de-east-1", "", "https://console.amazonaws-eusc.eu/console/home?region=eusc-de-east-1"},
		// refused
		{partition.Lookup(partition.AWS), "eu-west-1", "https://evil.example/", ""},
		{partition.Lookup(partition.AWS), "eu-west-1", "http://console.aws.amazon.com/", ""},
		{partition.Lookup(partition.AWS), "eu-west-1", "https://console.aws.amazon.com.evil.example/", ""},
		{partition.Lookup(partition.AWS), "eu-west-1", "https://evil.example/console.aws.amazon.com", ""},
		{partition.Lookup(partition.AWS), "eu-west-1", "https://user@console.aws.amazon.com/", ""},
		{partition.Lookup(partition.AWS), "eu-west-1", "https://console.aws.amazon.com:8443/", ""},
		{partition.Lookup(partition.AWS), "eu-west-1", "https://evil.console.aws.amazon.com/", ""},
		{partition.Lookup(partition.AWS), "eu-west-1", "https://cn-north-1.console.aws.amazon.com/", ""},
		{partition.Lookup(partition.AWS), "eu-west-1", "https://console.amazonaws.cn/", ""},
		{partition.Lookup(partition.AWS), "eu-west-1", "//evil.example/", ""},
		{partition.Lookup(partition.AWS), "eu-west-1", "/\\evil.example/", ""},
		{partition.Lookup(partition.AWS), "eu-west-1", "javascript:alert(1)", ""},
		{partition.Lookup(partition.AWS), "eu-west-1", "EC2", ""},
		{partition.Lookup(partition.AWS), "eu-west-1", "/ec2/home\n", ""},
		{partition.Lookup(partition.AWS), "eu-west-1", "https://console.aws.amazon.com\\@evil.example/", ""},
		{partition.Lookup(partition.AWS), "eu-west-1", "/" + strings.Repeat("a", 3000), ""},
	}
	for _, tc := range tests {
		got, err := destinationURL(tc.part, tc.region, tc.dest)
		if tc.want == "" {
			if apierr.CodeOf(err) != apierr.CodeInvalidDestination {
				t.Errorf("%s %q: got %q, %v; want invalid_destination", tc.part.ID, tc.dest, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s %q: got %q, %v; want %q", tc.part.ID, tc.dest, got, err, tc.want)
		}
	}
}

func TestFederationName(t *testing.T) {
	for _, tc := range []struct{ arn, profile, want string }{
		{"arn:aws:iam::111122223333:user/alice", "p", "alice"},
		{"arn:aws:iam::111122223333:user/division/team/bob.smith@corp", "p", "bob.smith@corp"},
		{"arn:aws:iam::111122223333:root", "my profile!", "my-profile-"},
		{"", "a-very-long-profile-name-that-exceeds-thirty-two-chars", "a-very-long-profile-name-that-ex"},
		{"", "x", DefaultIssuer},
		{"arn:aws:iam::111122223333:user/" + strings.Repeat("u", 64), "p", strings.Repeat("u", 32)},
	} {
		if got := federationName(tc.arn, tc.profile); got != tc.want {
			t.Errorf("federationName(%q, %q) = %q, want %q", tc.arn, tc.profile, got, tc.want)
		}
	}
}
