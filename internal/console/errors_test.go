package console

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
)

func TestSignInErrors(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(w *world)
		profile  string
		opt      Options
		code     apierr.Code
		msg      string // fragment of the message
		requests int    // HTTP requests the fake must have seen (-1: don't check)
	}{
		{name: "unknown profile", profile: "nope", code: apierr.CodeProfileNotFound, msg: `"nope"`},
		{name: "control characters in the name", profile: "a\nb", code: apierr.CodeProfileNotFound},
		{name: "config-only profile", profile: "config-only", code: apierr.CodeNoCredentials, msg: "has no credentials"},
		{name: "instance metadata never called", profile: "imds-role", code: apierr.CodeNoCredentials, msg: "never calls instance metadata"},
		{
			name: "SSO token missing", profile: "sso", code: apierr.CodeSSOTokenMissing, msg: "aws-profile-bridge sso login --sso-session corp",
			setup: func(w *world) { w.removeSSOToken("corp") },
		},
		{
			name: "SSO legacy token expired: refused before any call", profile: "sso-legacy", code: apierr.CodeSSOTokenExpired, msg: "aws-profile-bridge sso login --profile sso-legacy",
			setup: func(w *world) {
				w.ssoToken("https://legacy.awsapps.com/start", canarySSOToken, time.Now().Add(-time.Minute), false)
			},
		},
		{
			name: "SSO session token expired without refresh token", profile: "sso", code: apierr.CodeSSOTokenExpired, msg: "aws-profile-bridge sso login --sso-session corp",
			setup: func(w *world) { w.ssoToken("corp", canarySSOToken, time.Now().Add(-time.Minute), false) },
		},
		{
			name: "SSO token expired, chained role names the SSO login", profile: "sso-role", code: apierr.CodeSSOTokenExpired, msg: "aws-profile-bridge sso login --sso-session corp",
			setup: func(w *world) { w.ssoToken("corp", canarySSOToken, time.Now().Add(-time.Minute), false) },
		},
		{
			name: "SSO portal rejects the token", profile: "sso", code: apierr.CodeSSOTokenExpired, msg: "aws-profile-bridge sso login --sso-session corp", requests: 1,
			setup: func(w *world) {
				w.aws.Fail("GetRoleCredentials", fakeaws.Failure{Code: "UnauthorizedException", Message: "Session token not found or invalid"})
			},
		},
		{
			name: "SSO portal forbids the role", profile: "sso", code: apierr.CodeAccessDenied, requests: 1,
			setup: func(w *world) {
				w.aws.Fail("GetRoleCredentials", fakeaws.Failure{Code: "ForbiddenException", Message: "No access"})
			},
		},
		{name: "MFA code missing", profile: "role-mfa", code: apierr.CodeMFARequired, msg: "arn:aws:iam::111122223333:mfa/alice"},
		{name: "MFA code malformed", profile: "role-mfa", opt: Options{MFACode: "12ab"}, code: apierr.CodeMFAInvalid},
		{name: "MFA code wrong", profile: "role-mfa", opt: Options{MFACode: "654321"}, code: apierr.CodeMFAInvalid, msg: "next code", requests: 1},
		{
			name: "AccessDenied on AssumeRole", profile: "role", code: apierr.CodeAccessDenied, msg: "not authorized to perform: sts:AssumeRole", requests: 1,
			setup: func(w *world) {
				w.aws.Fail("AssumeRole", fakeaws.Failure{Code: "AccessDenied",
					Message: "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455556666:role/Admin"})
			},
		},
		{
			name: "AccessDenied on GetFederationToken", profile: "static", code: apierr.CodeAccessDenied, requests: 2,
			setup: func(w *world) {
				w.aws.Fail("GetFederationToken", fakeaws.Failure{Code: "AccessDenied", Message: "denied"})
			},
		},
		{
			name: "deleted access key", profile: "static", code: apierr.CodeInvalidCredentials, requests: 1,
			setup: func(w *world) {
				w.aws.Fail("GetCallerIdentity", fakeaws.Failure{Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."})
			},
		},
		{
			name: "expired session keys", profile: "session", code: apierr.CodeCredentialsExpired, requests: 1,
			setup: func(w *world) {
				w.aws.Fail("GetCallerIdentity", fakeaws.Failure{Code: "ExpiredToken", Message: "The security token included in the request is expired"})
			},
		},
		{
			name: "GetSessionToken credentials in the file", profile: "session", code: apierr.CodeSessionCredentialsUnsupported, msg: "use a role profile", requests: 1,
			setup: func(w *world) { w.aws.SetIdentity(canarySessKeyID, userARN) },
		},
		{
			name: "GetSessionToken credentials from credential_process", profile: "process-user", code: apierr.CodeSessionCredentialsUnsupported, requests: 1,
		},
		{
			name: "federation endpoint 400 for a role", profile: "role", code: apierr.CodeFederationFailed, msg: "HTTP 400", requests: 2,
			setup: func(w *world) { w.aws.Fail("getSigninToken", fakeaws.Failure{Status: 400, Message: "bad request"}) },
		},
		{
			name: "federation endpoint 400 for session keys", profile: "session", code: apierr.CodeSessionCredentialsUnsupported, requests: 2,
			setup: func(w *world) { w.aws.Fail("getSigninToken", fakeaws.Failure{Status: 400, Message: "bad request"}) },
		},
		{
			name: "federation endpoint 500", profile: "role", code: apierr.CodeFederationFailed, msg: "HTTP 500", requests: 2,
			setup: func(w *world) { w.aws.Fail("getSigninToken", fakeaws.Failure{Status: 500, Message: "oops"}) },
		},
		{
			name: "federation endpoint 503", profile: "sso", code: apierr.CodeFederationFailed, msg: "HTTP 503", requests: 2,
			setup: func(w *world) { w.aws.Fail("getSigninToken", fakeaws.Failure{Status: 503}) },
		},
		{
			name: "STS 500 twice: retried once, then fails", profile: "role", code: apierr.CodeFederationFailed, requests: 2,
			setup: func(w *world) { w.aws.Fail("AssumeRole", fakeaws.Failure{Code: "InternalFailure", Message: "boom"}) },
		},
		{name: "ISO region requested", profile: "role", opt: Options{Region: "us-iso-east-1"}, code: apierr.CodeUnsupportedPartition, msg: "aws-iso"},
		{name: "ISO role ARN", profile: "iso", code: apierr.CodeUnsupportedPartition, msg: "no public AWS Console"},
		{name: "malformed region", profile: "role", opt: Options{Region: "../../etc"}, code: apierr.CodeInvalidRegion},
		{name: "region of another partition", profile: "role", opt: Options{Region: "cn-north-1"}, code: apierr.CodeInvalidRegion, msg: "aws-cn"},
		{name: "destination on a foreign host", profile: "role", opt: Options{Destination: "https://evil.example/console"}, code: apierr.CodeInvalidDestination},
		{name: "destination on a look-alike host", profile: "role", opt: Options{Destination: "https://console.aws.amazon.com.evil.example/"}, code: apierr.CodeInvalidDestination},
		{name: "destination of another partition", profile: "gov", opt: Options{Destination: "https://console.aws.amazon.com/"}, code: apierr.CodeInvalidDestination},
		{name: "negative duration", profile: "role", opt: Options{SessionDuration: -time.Second}, code: apierr.CodeInvalidDuration},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newTestWorld(t)
			if tc.setup != nil {
				tc.setup(w)
			}
			res, err := w.signIn(tc.profile, tc.opt)
			if err == nil {
				t.Fatalf("SignIn succeeded (%v), want %s", res, tc.code)
			}
			var e *apierr.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not *apierr.Error", err, err)
			}
			if e.Code != tc.code || apierr.CodeOf(err) != tc.code {
				t.Fatalf("code = %s (%v; cause %v), want %s", e.Code, err, e.Err, tc.code)
			}
			if !errors.Is(err, &apierr.Error{Code: tc.code}) {
				t.Errorf("errors.Is(err, &apierr.Error{Code: %s}) = false", tc.code)
			}
			if !strings.Contains(e.Message, tc.msg) {
				t.Errorf("message %q lacks %q", e.Message, tc.msg)
			}
			if got := len(w.aws.Requests()); got != tc.requests {
				t.Errorf("requests = %d (%v), want %d", got, w.aws.Names(), tc.requests)
			}
			assertNoSecrets(t, "error", err.Error())
			assertNoSecrets(t, "error (%+v)", fmt.Sprintf("%+v", err))
		})
	}
}

func (w *world) removeSSOToken(key string) {
	w.t.Helper()
	w.ssoToken(key, "x", time.Now(), false)
	must(w.t, removeGlob(w.env.Paths.SSOCacheDir))
}

func TestSignInTimeouts(t *testing.T) {
	tests := []struct {
		name, action, profile string
	}{
		{"slow STS", "AssumeRole", "role"},
		{"slow SSO portal", "GetRoleCredentials", "sso"},
		{"slow federation endpoint", "getSigninToken", "role"},
		{"slow GetFederationToken", "GetFederationToken", "static"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newTestWorld(t)
			w.env.Timeout = 300 * time.Millisecond
			w.aws.Fail(tc.action, fakeaws.Failure{Delay: 5 * time.Second})
			start := time.Now()
			_, err := w.signIn(tc.profile, Options{})
			took := time.Since(start)
			if apierr.CodeOf(err) != apierr.CodeTimeout {
				t.Fatalf("err = %v, want timeout", err)
			}
			if took > 2*time.Second {
				t.Errorf("SignIn took %v with a 300ms deadline", took)
			}
			if !strings.Contains(err.Error(), "300ms") {
				t.Errorf("message %q does not name the deadline", err)
			}
			assertNoSecrets(t, "error", err.Error())
		})
	}
}

func TestSignInCanceled(t *testing.T) {
	w := newTestWorld(t)
	w.aws.Fail("AssumeRole", fakeaws.Failure{Delay: 5 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := SignIn(ctx, w.env, w.cfg, "role", Options{})
	if c := apierr.CodeOf(err); c != apierr.CodeCanceled {
		t.Fatalf("err = %v, want canceled", err)
	}
}
