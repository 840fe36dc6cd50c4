package console

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"strings"

	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr/netfail"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
)

// ctxErr returns a timeout or canceled *apierr.Error when err is due to the deadline or the caller
// giving up, nil otherwise.
func (s *signer) ctxErr(ctx context.Context, err error, what string) *apierr.Error {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) ||
		errors.Is(ctx.Err(), context.DeadlineExceeded):
		return newErr(apierr.CodeTimeout, err, "%s did not answer within %s; check your network or proxy and try again", what, s.env.Timeout)
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		return newErr(apierr.CodeCanceled, err, "the sign-in was canceled")
	}
	return nil
}

// classify maps an error from the SDK (credential providers and STS/SSO calls) to an *apierr.Error.
func (s *signer) classify(ctx context.Context, err error) *apierr.Error {
	var e *apierr.Error
	if errors.As(err, &e) {
		return e
	}
	what := "AWS"
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		what = oe.Service() + " " + oe.Operation()
	}
	if e := s.ctxErr(ctx, err, what); e != nil {
		return e
	}
	if e, ok := netfail.Wrap(err, what); ok {
		return e
	}
	if s.webIDFile != "" && strings.Contains(err.Error(), "unable to read file") {
		// The SDK's web identity provider does not wrap the *fs.PathError; its text says so.
		return newErr(apierr.CodeNoCredentials, err, "profile %q reads its web identity token from %s, which cannot be read; check web_identity_token_file in ~/.aws/config (or whatever writes that file)",
			s.profile, s.webIDFile)
	}
	if s.awsLogin != "" {
		if e := s.classifyLogin(err); e != nil {
			return e
		}
	}
	if errors.Is(err, errIMDS) {
		return newErr(apierr.CodeNoCredentials, err, "profile %q would need instance metadata, which the bridge never calls; use a profile with keys, SSO or credential_process", s.profile)
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return s.classifyAPI(err, ae, what)
	}
	var ite *ssocreds.InvalidTokenError
	switch {
	case s.ssoLogin != "" && errors.Is(err, fs.ErrNotExist):
		return newErr(apierr.CodeSSOTokenMissing, err, "there is no SSO login for profile %q yet; run `%s` and try again", s.profile, s.ssoLogin)
	case errors.As(err, &ite) || (s.ssoLogin != "" && strings.Contains(err.Error(), "SSO token")):
		return s.ssoExpired(err)
	}
	var pe *processcreds.ProviderError
	if errors.As(err, &pe) {
		return newErr(apierr.CodeNoCredentials, err, "the credential_process of profile %q failed; run it in a terminal to see why", s.profile)
	}
	return newErr(apierr.CodeFederationFailed, err, "could not get credentials for profile %q from %s; run `aws sts get-caller-identity --profile %s` to see why", s.profile, what, fsafe.ShellQuote(s.profile))
}

// classifyAPI maps an AWS error response.
func (s *signer) classifyAPI(err error, ae smithy.APIError, what string) *apierr.Error {
	code, msg := ae.ErrorCode(), sanitize(ae.ErrorMessage())
	detail := ""
	if msg != "" {
		detail = " (AWS says: " + msg + ")"
	}
	switch code {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "ForbiddenException":
		if s.mfa != "" && (strings.Contains(msg, "MultiFactorAuthentication") || strings.Contains(msg, "MFA")) {
			return newErr(apierr.CodeMFAInvalid, err, "AWS rejected the MFA code for %s; wait for the next code and try again", s.mfa)
		}
		return newErr(apierr.CodeAccessDenied, err, "AWS refused %s for profile %q%s; check the role's trust policy and your permissions", what, s.profile, detail)
	case "UnauthorizedException":
		if s.ssoLogin != "" {
			return s.ssoExpired(err)
		}
		return newErr(apierr.CodeAccessDenied, err, "AWS refused %s for profile %q%s", what, s.profile, detail)
	case "ResourceNotFoundException":
		return newErr(apierr.CodeAccessDenied, err, "%s found no such account or role for profile %q%s; check sso_account_id and sso_role_name", what, s.profile, detail)
	case "ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired", "RequestExpired":
		return newErr(apierr.CodeCredentialsExpired, err, "the credentials of profile %q have expired; refresh them (log in again, or rerun the tool that wrote them) and try again", s.profile)
	case "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException", "InvalidAccessKeyId", "IncompleteSignature":
		return newErr(apierr.CodeInvalidCredentials, err, "AWS does not accept the credentials of profile %q: the key was deleted or mistyped, or belongs to another partition (set region = us-gov-west-1 or cn-north-1 for GovCloud or China)", s.profile)
	case "RegionDisabledException":
		return newErr(apierr.CodeInvalidRegion, err, "STS is not activated in this region for the account of profile %q; set another region or activate it in IAM", s.profile)
	case "ValidationError":
		if strings.Contains(msg, "DurationSeconds") || strings.Contains(msg, "MaxSessionDuration") {
			return newErr(apierr.CodeInvalidDuration, err, "AWS refused the session duration for profile %q%s; ask for a shorter session", s.profile, detail)
		}
	case "MalformedPolicyDocument", "PackedPolicyTooLarge":
	case "Throttling", "ThrottlingException", "TooManyRequestsException":
		return newErr(apierr.CodeFederationFailed, err, "AWS is throttling %s; wait a moment and try again", what)
	}
	return newErr(apierr.CodeFederationFailed, err, "%s failed for profile %q with %s%s; try again, or run `aws sts get-caller-identity --profile %s` to check the profile",
		what, s.profile, sanitize(code), detail, fsafe.ShellQuote(s.profile))
}

// sanitize keeps an AWS message printable and short, scrubbed of secret-shaped values before it
// is cut (a cut secret would no longer look like one).
func sanitize(v string) string {
	v = redactShapes(v)
	v = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, v)
	return truncate(strings.TrimSpace(v), 300)
}
