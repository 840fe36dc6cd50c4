// Package console turns an AWS profile into an AWS Console sign-in URL through STS federation
// (see docs/CONSOLE-SIGNIN.md):
//
//  1. credentials for the profile, resolved by aws-sdk-go-v2 exactly as the SDK would (static
//     keys, session keys, roles and role chains, SSO, credential_process, web identity,
//     login_session), with instance metadata disabled;
//  2. console-capable credentials, by profile kind: GetFederationToken for long-term IAM user keys,
//     AssumeRole (with MFA when mfa_serial applies) for roles, GetRoleCredentials for SSO, the
//     credentials as they are otherwise;
//  3. a sign-in token from the partition's federation endpoint (a POST: credentials never sit in
//     a URL), and the login URL on the partition's sign-in host.
//
// SignIn is the one entry point; the native host, the HTTP API and the CLI all call it. The
// package reads no environment variable itself: the AWS SDK reads its own (AWS_ENDPOINT_URL_STS,
// AWS_ENDPOINT_URL_SSO, AWS_CONFIG_FILE when Env.Paths is empty ...), everything else comes in Env.
//
// Secrets (keys, tokens, the SigninToken and the URL) never appear in an error or in
// Result.String.
package console

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
)

// Defaults and limits.
const (
	// DefaultTimeout bounds a whole SignIn (every network call included). The extension's HTTP
	// client gives up after 10 s, so we must answer before that.
	DefaultTimeout = 8 * time.Second
	// DefaultSessionDuration is used when neither the request nor the profile asks for one.
	DefaultSessionDuration = time.Hour
	// MinSessionDuration and MaxSessionDuration bound SessionDuration and AssumeRole's DurationSeconds.
	MinSessionDuration = awsconfig.MinSessionDuration
	MaxSessionDuration = awsconfig.MaxSessionDuration
	// MaxChainedDuration is the longest AssumeRole allows with temporary source credentials.
	MaxChainedDuration = time.Hour
	// MaxFederationTokenDuration is GetFederationToken's limit (root: MaxChainedDuration).
	MaxFederationTokenDuration = 36 * time.Hour
	// DefaultIssuer is sent as the login URL's Issuer.
	DefaultIssuer = "aws-profile-bridge"
)

// Options is what the caller asks for. The zero value signs in to the console home of the
// profile's region.
type Options struct {
	// Region of the console; default: the profile's region, else the partition's default
	// (us-east-1, us-gov-west-1, cn-north-1, eusc-de-east-1).
	Region string
	// Destination: "" (console home), a service slug ("s3", "ec2"), a console path
	// ("/ec2/home?region=eu-west-1#Instances:") or an https URL whose host is a console host of
	// the partition. Anything else is an invalid_destination error.
	Destination string
	// SessionDuration asks for a console session length. It is clamped to what the kind allows
	// (see SignIn); 0 means the profile's duration_seconds, else DefaultSessionDuration.
	// Negative is an invalid_duration error.
	SessionDuration time.Duration
	// MFACode is the current code of the MFA device named by mfa_serial (6 digits).
	MFACode string
	// LogoutFirst wraps the login URL in the console's logout URL, so that a browser still signed
	// in to another account is signed out first.
	LogoutFirst bool
	// Issuer is the login URL's Issuer (where AWS sends the user when the session ends);
	// default DefaultIssuer.
	Issuer string
}

// Env is how SignIn reaches the world. The zero value works: default file locations (as the
// SDK finds them), the real federation endpoint, a fresh HTTP client, DefaultTimeout, time.Now,
// and no MFA prompt.
type Env struct {
	// Paths of the shared files and the SSO token cache. Empty fields: the SDK's defaults.
	Paths awsconfig.Paths
	// SigninEndpoint overrides the federation endpoint used for getSigninToken, as a full URL
	// ("http://127.0.0.1:8080/federation"); from AWS_PROFILE_BRIDGE_SIGNIN_ENDPOINT. The login URL
	// still names the partition's real sign-in host: a SigninToken is only good there, and the
	// browser must never be sent to a test or proxy host with a bearer token in the URL.
	SigninEndpoint string
	// HTTPClient for every call (STS, SSO, the federation endpoint). Default: a client with
	// Timeout. Requests to the instance-metadata addresses are always refused.
	HTTPClient *http.Client
	// Timeout for the whole SignIn; default DefaultTimeout.
	Timeout time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// MFAPrompt, when set, is asked for a code when a role needs one and Options.MFACode is
	// empty. It is called before any network call, outside the Timeout.
	MFAPrompt func(serial string) (string, error)
}

// Result is a console sign-in.
type Result struct {
	// URL is the sign-in URL. It is a bearer secret good for about 15 minutes: never log it,
	// never cache it.
	URL string
	// ExpiresAt is when the console session ends: now + SessionDuration when one was sent,
	// otherwise the expiry of the credentials it was made from; zero when unknown (session keys
	// without an expiry in the credentials file).
	ExpiresAt time.Time
	// Kind of the profile (profiles.KindOf).
	Kind profiles.Kind
	// Region and Partition of the console session.
	Region, Partition string
	// Destination is the console URL the sign-in lands on.
	Destination string
	// SessionDuration sent to getSigninToken (0: omitted, as the kind requires).
	SessionDuration time.Duration
	// Calls names the AWS calls made, in order ("sts:AssumeRole", "sso:GetRoleCredentials",
	// "signin:getSigninToken" ...), one entry per HTTP request (retries included); Requests counts them.
	Calls    []string
	Requests int
	// Warnings explain what was adjusted or ignored ("session limited to 1 h: role chaining").
	Warnings []string
}

// String describes the result without the URL.
func (r *Result) String() string {
	if r == nil {
		return "<nil>"
	}
	return "console sign-in (" + string(r.Kind) + ", " + r.Partition + "/" + r.Region + ", expires " +
		r.ExpiresAt.UTC().Format(time.RFC3339) + ", " + strconv.Itoa(r.Requests) + " requests)"
}

var mfaCodeRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{6}$`) }) // lazy: keeps process start fast

// SignIn makes a console sign-in URL for the named profile.
//
// cfg is the parsed configuration (nil: SignIn loads env.Paths itself). The calls by kind:
//
//	kind                                   calls                                         SessionDuration
//	static IAM user keys                   sts:GetCallerIdentity, sts:GetFederationToken  omitted
//	                                       (allow-all policy, Name from the user, 900 s–36 h; root ≤ 1 h)
//	session keys (aws_session_token)       sts:GetCallerIdentity (refuses GetSessionToken  omitted
//	                                       credentials), then used as they are
//	role, source holds long-term keys      sts:AssumeRole (+SerialNumber/TokenCode)         = DurationSeconds, 900 s–12 h
//	role, chained (source is temporary)    source's calls, sts:AssumeRole ≤ 1 h             omitted
//	SSO                                    sso:GetRoleCredentials (cached token)            omitted
//	credential_process                     the process, sts:GetCallerIdentity (as session)  omitted
//	web identity, login_session            the SDK's provider (login: signin:CreateOAuth2   omitted
//	                                       Token when the cached credentials have expired)
//
// then signin:getSigninToken. Errors are *apierr.Error with a stable Code.
func SignIn(ctx context.Context, env Env, cfg *awsconfig.Config, profile string, opt Options) (*Result, error) {
	s := newSigner(env, opt)
	res, err := s.signIn(ctx, cfg, profile)
	if err != nil {
		return nil, s.finishErr(ctx, err)
	}
	return res, nil
}

// finishErr turns any error into an *apierr.Error whose message carries none of the secrets seen.
func (s *signer) finishErr(ctx context.Context, err error) error {
	var e *apierr.Error
	if !errors.As(err, &e) {
		e = s.classify(ctx, err)
	}
	out := *e
	out.Message = s.redact(out.Message)
	if (out.Code == apierr.CodeSSOTokenMissing || out.Code == apierr.CodeSSOTokenExpired) && s.sso != nil {
		out.Err = &awsconfig.SSOLogin{Session: s.sso.Session, Profile: s.sso.Profile, Err: out.Err}
	}
	return &out
}
