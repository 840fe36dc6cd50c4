package console

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// loginARN is the login_session of testConfig's login profile.
const loginARN = "arn:aws:iam::111122223333:user/alice"

// Canaries of the login cache: none may appear in an error or Result.String.
const (
	canaryLoginKeyID   = "ASIACANARYLOGIN00001"
	canaryLoginSecret  = "CanaryLoginSecretDoNotLeak00000000000001"
	canaryLoginSessTok = "CanaryLoginSessionTokenDoNotLeak//000000000000000001"
	canaryLoginRefresh = "CanaryLoginRefreshTokenDoNotLeak0000000001"
)

// canaryDPoPKey is the login session's private key; a line of its body joins the leak sweep.
var canaryDPoPKey = fakeaws.NewDPoPKey()

func init() {
	secretsForLeakCheck = append(secretsForLeakCheck, canaryLoginKeyID, canaryLoginSecret, canaryLoginSessTok, canaryLoginRefresh,
		"FakeLoginRefreshToken", "FakeLoginIdToken", "fake-login-id-token", "EC PRIVATE KEY", strings.Split(canaryDPoPKey, "\n")[1])
}

// loginCacheDir is where the SDK looks for login tokens in a world (HOME/.aws/login/cache).
func (w *world) loginCacheDir() string { return filepath.Join(w.home, ".aws", "login", "cache") }

// login registers the login profile's session with the fake and caches its token as `aws login`
// does; expires is when the cached credentials expire (past: the SDK refreshes them).
func (w *world) login(expires time.Time) fakeaws.LoginSession {
	w.t.Helper()
	ls := w.aws.AddLoginSession(fakeaws.LoginSession{
		ARN: loginARN, AccountID: "111122223333", DPoPKey: canaryDPoPKey, RefreshToken: canaryLoginRefresh,
		AccessKeyID: canaryLoginKeyID, SecretAccessKey: canaryLoginSecret, SessionToken: canaryLoginSessTok, Expires: expires,
	})
	testaws.LoginToken(w.t, w.loginCacheDir(), ls)
	return ls
}

// loginCache reads the login profile's cache file.
func (w *world) loginCache() (m struct {
	AccessToken struct {
		AccessKeyID string    `json:"accessKeyId"`
		ExpiresAt   time.Time `json:"expiresAt"`
	} `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
	DPoPKey      string `json:"dpopKey"`
}) {
	w.t.Helper()
	b, err := os.ReadFile(testaws.LoginCacheFile(w.loginCacheDir(), loginARN))
	must(w.t, err)
	must(w.t, json.Unmarshal(b, &m))
	return m
}

// A login_session profile signs in through the SDK's own login provider. With a valid cached
// token the SDK uses its credentials as they are (no sign-in service call); with an expired one
// it calls CreateOAuth2Token (DPoP-signed with the cached key), writes the new token back, and
// the console is opened with the new credentials. SessionDuration is never sent.
func TestLoginSignIn(t *testing.T) {
	t.Run("valid cached token: used as it is", func(t *testing.T) {
		w := newTestWorld(t)
		exp := time.Now().Add(40 * time.Minute).UTC().Truncate(time.Second)
		w.login(exp)
		res, err := w.signIn("login", Options{SessionDuration: 4 * time.Hour})
		if err != nil {
			t.Fatalf("SignIn: %v (cause %v) (requests %v)", err, errorsUnwrap(err), w.aws.Names())
		}
		want := []string{"signin:getSigninToken"}
		if got := w.aws.Names(); !reflect.DeepEqual(got, want) || !reflect.DeepEqual(res.Calls, want) || res.Requests != 1 {
			t.Fatalf("calls = %v, Result.Calls %v (%d), want %v", got, res.Calls, res.Requests, want)
		}
		fed := w.aws.Find("getSigninToken")[0]
		if fed.AccessKeyID != canaryLoginKeyID || fed.Session.SessionKey != canaryLoginSecret || fed.Session.SessionToken != canaryLoginSessTok {
			t.Errorf("getSigninToken with key %q, want the cached login credentials", fed.AccessKeyID)
		}
		checkParams(t, "getSigninToken", fed.Params, []string{"-SessionDuration"})
		checkLoginResult(t, res, "https://eu-west-2.console.aws.amazon.com/console/home?region=eu-west-2")
		if !res.ExpiresAt.Equal(exp) {
			t.Errorf("ExpiresAt = %v, want the cached token's %v", res.ExpiresAt, exp)
		}
		if !strings.Contains(strings.Join(res.Warnings, "|"), "duration was ignored") {
			t.Errorf("warnings %q lack the ignored duration", res.Warnings)
		}
		if c := w.loginCache(); c.RefreshToken != canaryLoginRefresh || c.AccessToken.AccessKeyID != canaryLoginKeyID {
			t.Errorf("the cache was rewritten without a refresh")
		}
	})

	t.Run("expired cached token: CreateOAuth2Token, then the new credentials", func(t *testing.T) {
		w := newTestWorld(t)
		w.login(time.Now().Add(-time.Minute))
		res, err := w.signIn("login", Options{Region: "eu-north-1", Destination: "s3"})
		if err != nil {
			t.Fatalf("SignIn: %v (cause %v) (requests %v)", err, errorsUnwrap(err), w.aws.Names())
		}
		want := []string{"signin:CreateOAuth2Token", "signin:getSigninToken"}
		if got := w.aws.Names(); !reflect.DeepEqual(got, want) || !reflect.DeepEqual(res.Calls, want) || res.Requests != 2 {
			t.Fatalf("calls = %v, Result.Calls %v (%d), want %v", got, res.Calls, res.Requests, want)
		}
		tok := w.aws.Find("CreateOAuth2Token")[0]
		if tok.Method != "POST" || tok.Path != fakeaws.LoginTokenPath || tok.Status != 200 || tok.AccessKeyID != "" {
			t.Errorf("CreateOAuth2Token = %s %s → %d, SigV4 key %q (want an unsigned POST)", tok.Method, tok.Path, tok.Status, tok.AccessKeyID)
		}
		checkParams(t, "CreateOAuth2Token", tok.Params, []string{"grantType=refresh_token", "refreshToken=" + canaryLoginRefresh, "+clientId", "-code"})
		if p := tok.DPoP; p == nil || p.Err != "" || p.Htm != "POST" || p.Htu != w.aws.URL+fakeaws.LoginTokenPath || p.Jti == "" {
			t.Errorf("DPoP proof %+v, want a valid proof for POST %s", p, w.aws.URL+fakeaws.LoginTokenPath)
		}
		ses, _ := w.aws.LoginSessionOf(loginARN)
		fed := w.aws.Find("getSigninToken")[0]
		if fed.AccessKeyID != ses.AccessKeyID || fed.AccessKeyID == canaryLoginKeyID {
			t.Errorf("getSigninToken with key %q, want the refreshed %q", fed.AccessKeyID, ses.AccessKeyID)
		}
		if iss, ok := w.aws.IssuedFor(fed.AccessKeyID); !ok || iss.Kind != "login" || iss.ARN != loginARN {
			t.Errorf("signed in with %+v, want login credentials of %s", iss, loginARN)
		}
		checkParams(t, "getSigninToken", fed.Params, []string{"-SessionDuration"})
		checkLoginResult(t, res, "https://eu-north-1.console.aws.amazon.com/s3/home?region=eu-north-1")
		if d := time.Until(res.ExpiresAt); absDur(d-fakeaws.LoginCredentialsDuration) > time.Minute {
			t.Errorf("ExpiresAt in %v, want about %v (the refreshed credentials)", d, fakeaws.LoginCredentialsDuration)
		}
		// The SDK wrote the rotated refresh token and the new credentials back, as `aws login` would.
		c := w.loginCache()
		if c.RefreshToken != ses.RefreshToken || c.AccessToken.AccessKeyID != ses.AccessKeyID || c.DPoPKey != canaryDPoPKey || !c.AccessToken.ExpiresAt.After(time.Now()) {
			t.Errorf("cache after the refresh: key %q expires %v, refresh token rotated %v", c.AccessToken.AccessKeyID, c.AccessToken.ExpiresAt, c.RefreshToken == ses.RefreshToken)
		}
		if fi, err := os.Stat(testaws.LoginCacheFile(w.loginCacheDir(), loginARN)); err != nil || (fi.Mode().Perm()&0o077 != 0 && !isWindows()) {
			t.Errorf("cache file mode %v (%v)", fi.Mode(), err)
		}
		// The next sign-in uses the refreshed token without calling the sign-in service.
		w.aws.Reset()
		if _, err := w.signIn("login", Options{}); err != nil {
			t.Fatal(err)
		}
		if got := w.aws.Names(); !reflect.DeepEqual(got, []string{"signin:getSigninToken"}) {
			t.Errorf("second sign-in: calls %v", got)
		}
	})

	t.Run("role_arn with login_session: AssumeRole with the login credentials", func(t *testing.T) {
		w := newTestWorld(t)
		w.login(time.Now().Add(-time.Minute))
		res, err := w.signIn("login-inline", Options{SessionDuration: 2 * time.Hour})
		if err != nil {
			t.Fatalf("SignIn: %v (cause %v) (requests %v)", err, errorsUnwrap(err), w.aws.Names())
		}
		want := []string{"signin:CreateOAuth2Token", "sts:AssumeRole", "signin:getSigninToken"}
		if got := w.aws.Names(); !reflect.DeepEqual(got, want) {
			t.Fatalf("calls = %v, want %v", got, want)
		}
		ses, _ := w.aws.LoginSessionOf(loginARN)
		ar := w.aws.Find("AssumeRole")[0]
		if ar.AccessKeyID != ses.AccessKeyID || !ar.SessionToken {
			t.Errorf("AssumeRole signed with %q (session token %v), want the login credentials", ar.AccessKeyID, ar.SessionToken)
		}
		checkParams(t, "AssumeRole", ar.Params, []string{"RoleArn=arn:aws:iam::444455556666:role/FromLogin", "DurationSeconds=3600"})
		checkParams(t, "getSigninToken", w.aws.Find("getSigninToken")[0].Params, []string{"-SessionDuration"})
		if res.Kind != "role" || res.SessionDuration != 0 {
			t.Errorf("kind %q, SessionDuration %v", res.Kind, res.SessionDuration)
		}
	})
}

func isWindows() bool { return filepath.Separator == '\\' }

func checkLoginResult(t *testing.T, res *Result, dest string) {
	t.Helper()
	u, err := url.Parse(res.URL)
	must(t, err)
	q := u.Query()
	if u.Scheme != "https" || u.Host != "signin.aws.amazon.com" || u.Path != "/federation" || q.Get("Action") != "login" ||
		q.Get("Destination") != dest || q.Get("Issuer") != DefaultIssuer || !strings.HasPrefix(q.Get("SigninToken"), "FakeSigninToken-") {
		t.Errorf("URL host %s path %s, Destination %q, want https://signin.aws.amazon.com/federation and %q", u.Host, u.Path, q.Get("Destination"), dest)
	}
	if res.Kind != "login" || res.Partition != "aws" || res.SessionDuration != 0 || res.Destination != dest {
		t.Errorf("Result kind %q partition %q SessionDuration %v destination %q", res.Kind, res.Partition, res.SessionDuration, res.Destination)
	}
	assertNoSecrets(t, "Result.String", res.String())
}

// Every way a login can fail names `aws login` (for the profile that has the login_session)
// when logging in again helps, and says so before any network call when it can.
func TestLoginErrors(t *testing.T) {
	expired := func(w *world) { w.login(time.Now().Add(-time.Minute)) }
	tests := []struct {
		name     string
		profile  string
		setup    func(w *world)
		code     apierr.Code
		msg      string
		requests []string
	}{
		{name: "no cached token", profile: "login", code: apierr.CodeLoginSessionMissing, msg: "run `aws login --profile login`"},
		{name: "no cached token, role_arn with login_session", profile: "login-inline", code: apierr.CodeLoginSessionMissing, msg: "`aws login --profile login-inline`"},
		{
			name: "session ended: TOKEN_EXPIRED", profile: "login", code: apierr.CodeLoginSessionExpired, msg: "has expired; run `aws login --profile login`",
			setup:    func(w *world) { expired(w); w.aws.EndLoginSession(loginARN) },
			requests: []string{"signin:CreateOAuth2Token"},
		},
		{
			name: "session ended, role_arn with login_session", profile: "login-inline", code: apierr.CodeLoginSessionExpired, msg: "`aws login --profile login-inline`",
			setup:    func(w *world) { expired(w); w.aws.EndLoginSession(loginARN) },
			requests: []string{"signin:CreateOAuth2Token"},
		},
		{
			name: "password changed: USER_CREDENTIALS_CHANGED", profile: "login", code: apierr.CodeLoginSessionExpired, msg: "password changed",
			setup: func(w *world) {
				expired(w)
				w.aws.Fail("CreateOAuth2Token", fakeaws.Failure{Code: "AccessDeniedException", OAuth2Error: "USER_CREDENTIALS_CHANGED", Message: "password changed"})
			},
			requests: []string{"signin:CreateOAuth2Token"},
		},
		{
			name: "no permission to refresh: INSUFFICIENT_PERMISSIONS", profile: "login", code: apierr.CodeAccessDenied, msg: "signin:CreateOAuth2Token",
			setup: func(w *world) {
				expired(w)
				w.aws.Fail("CreateOAuth2Token", fakeaws.Failure{Code: "AccessDeniedException", OAuth2Error: "INSUFFICIENT_PERMISSIONS", Message: "denied"})
			},
			requests: []string{"signin:CreateOAuth2Token"},
		},
		{
			name: "refresh token unknown to AWS: invalid_grant", profile: "login", code: apierr.CodeLoginSessionExpired, msg: "InvalidGrantException",
			setup: func(w *world) {
				ls := w.login(time.Now().Add(-time.Minute))
				ls.RefreshToken = "CanaryLoginRefreshTokenDoNotLeakUnknown01"
				testaws.LoginToken(w.t, w.loginCacheDir(), ls)
			},
			requests: []string{"signin:CreateOAuth2Token"},
		},
		{
			name: "cached key is not the session's: the DPoP proof is refused", profile: "login", code: apierr.CodeLoginSessionExpired, msg: "aws login --profile login",
			setup: func(w *world) {
				ls := w.login(time.Now().Add(-time.Minute))
				ls.DPoPKey = fakeaws.NewDPoPKey()
				testaws.LoginToken(w.t, w.loginCacheDir(), ls)
			},
			requests: []string{"signin:CreateOAuth2Token"},
		},
		{
			name: "cache file is not JSON", profile: "login", code: apierr.CodeLoginSessionExpired, msg: "cannot be used; run `aws login --profile login`",
			setup: func(w *world) {
				testaws.WriteFile(w.t, testaws.LoginCacheFile(w.loginCacheDir(), loginARN), "{not json "+canaryLoginRefresh, 0o600)
			},
		},
		{
			name: "cache file lacks the DPoP key", profile: "login", code: apierr.CodeLoginSessionExpired, msg: "cannot be used",
			setup: func(w *world) {
				ls := w.login(time.Now().Add(-time.Minute))
				ls.DPoPKey = ""
				p := testaws.LoginToken(w.t, w.loginCacheDir(), ls)
				b, _ := os.ReadFile(p)
				testaws.WriteFile(w.t, p, strings.Replace(string(b), `"dpopKey":"",`, "", 1), 0o600)
			},
		},
		{
			name: "sign-in service 500: retried once, then fails", profile: "login", code: apierr.CodeFederationFailed, msg: "CreateOAuth2Token",
			setup: func(w *world) {
				expired(w)
				w.aws.Fail("CreateOAuth2Token", fakeaws.Failure{Code: "InternalServerException", Message: "boom"})
			},
			requests: []string{"signin:CreateOAuth2Token", "signin:CreateOAuth2Token"},
		},
		{
			name: "role with a login_session source_profile: refused clearly", profile: "login-role", code: apierr.CodeInvalidConfig, msg: "put login_session = " + loginARN + ` into "login-role"`,
			setup: expired,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newTestWorld(t)
			if tc.setup != nil {
				tc.setup(w)
			}
			res, err := w.signIn(tc.profile, Options{})
			if err == nil {
				t.Fatalf("SignIn succeeded (%v), want %s", res, tc.code)
			}
			var e *apierr.Error
			if !errors.As(err, &e) || e.Code != tc.code || !errors.Is(err, &apierr.Error{Code: tc.code}) {
				t.Fatalf("err = %v (cause %v), want %s", err, errorsUnwrap(err), tc.code)
			}
			if !strings.Contains(e.Message, tc.msg) {
				t.Errorf("message %q lacks %q", e.Message, tc.msg)
			}
			if got := w.aws.Names(); !reflect.DeepEqual(got, tc.requests) {
				t.Errorf("requests = %v, want %v", got, tc.requests)
			}
			assertNoSecrets(t, "error", err.Error())
		})
	}
}

// A slow sign-in service ends in a timeout error like every other endpoint.
func TestLoginTimeout(t *testing.T) {
	w := newTestWorld(t)
	w.env.Timeout = 300 * time.Millisecond
	w.login(time.Now().Add(-time.Minute))
	w.aws.Fail("CreateOAuth2Token", fakeaws.Failure{Delay: 5 * time.Second})
	start := time.Now()
	_, err := w.signIn("login", Options{})
	if apierr.CodeOf(err) != apierr.CodeTimeout || time.Since(start) > 2*time.Second {
		t.Fatalf("err = %v after %v, want a timeout within the deadline", err, time.Since(start))
	}
}
