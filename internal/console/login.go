package console

import (
	"errors"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
)

// login_session profiles (written by `aws login`) get their credentials from aws-sdk-go-v2's
// logincreds provider: it reads the token cached in ~/.aws/login/cache (or
// $AWS_LOGIN_CACHE_DIRECTORY), named by the hex SHA-256 of the session ARN, uses its credentials
// while they last, and otherwise calls the sign-in service's CreateOAuth2Token (POST /v1/token,
// DPoP-signed with the cached key; AWS_ENDPOINT_URL_SIGNIN overrides the endpoint) and writes the
// refreshed token back.
//
// The provider reports a missing or expired login as plain text errors (its typed
// AccessDeniedException is replaced by a message for TOKEN_EXPIRED and the like), so
// classifyLogin recognises the SDK's own phrases (credentials v1.21.0, logincreds/provider.go).
// login_test.go runs the real provider against fakeaws, so a change of wording fails there.
const (
	sdkLoginLoad     = "load login token: "                 // the cache file cannot be read
	sdkLoginNotFound = "token file not found"               // ... because it does not exist
	sdkLoginValidate = "validate login token: "             // the cache file lacks a member
	sdkLoginRefresh  = "create oauth2 token: "              // CreateOAuth2Token failed
	sdkLoginExpired  = "login session has expired"          // TOKEN_EXPIRED
	sdkLoginPassword = "login session password has changed" // USER_CREDENTIALS_CHANGED
	sdkLoginPerm     = "insufficient permissions"           // INSUFFICIENT_PERMISSIONS
)

// loginCommand is the command that renews the login of link l (the link with login_session).
// A role whose source_profile holds a login_session, which aws-sdk-go-v2 refuses, never gets
// here: profiles.ResolveChain reports it.
func loginCommand(l *profiles.Link) string {
	return "aws login --profile " + fsafe.ShellQuote(l.Name)
}

// classifyLogin maps the login provider's errors for a chain that ends in a login_session;
// nil when err is not one of them.
func (s *signer) classifyLogin(err error) *apierr.Error {
	msg := err.Error()
	var ae smithy.APIError
	switch {
	case strings.Contains(msg, sdkLoginLoad) && strings.Contains(msg, sdkLoginNotFound):
		return newErr(apierr.CodeLoginSessionMissing, err, "there is no `aws login` session for profile %q on this computer; run `%s` and try again", s.profile, s.awsLogin)
	case strings.Contains(msg, sdkLoginLoad), strings.Contains(msg, sdkLoginValidate):
		return newErr(apierr.CodeLoginSessionExpired, err, "the cached `aws login` token for profile %q cannot be used; run `%s` and try again", s.profile, s.awsLogin)
	case !strings.Contains(msg, sdkLoginRefresh):
		return nil
	case strings.Contains(msg, sdkLoginExpired):
		return newErr(apierr.CodeLoginSessionExpired, err, "the `aws login` session for profile %q has expired; run `%s` and try again", s.profile, s.awsLogin)
	case strings.Contains(msg, sdkLoginPassword):
		return newErr(apierr.CodeLoginSessionExpired, err, "the `aws login` session for profile %q ended because the password changed; run `%s` and try again", s.profile, s.awsLogin)
	case strings.Contains(msg, sdkLoginPerm):
		return newErr(apierr.CodeAccessDenied, err, "AWS refused to renew the `aws login` session for profile %q: signin:CreateOAuth2Token is not allowed; ask for that permission, or run `%s` again", s.profile, s.awsLogin)
	case errors.As(err, &ae) && (ae.ErrorCode() == "InvalidGrantException" || ae.ErrorCode() == "AccessDeniedException"):
		return newErr(apierr.CodeLoginSessionExpired, err, "AWS rejected the `aws login` session for profile %q (%s); run `%s` and try again", s.profile, sanitize(ae.ErrorCode()), s.awsLogin)
	}
	// Any other failure of the refresh (5xx, throttling, a bad reply): AWS's message is left out,
	// since the refresh token it may echo is not a secret the signer knows to redact.
	code := "an error"
	if errors.As(err, &ae) {
		code = sanitize(ae.ErrorCode())
	}
	return newErr(apierr.CodeFederationFailed, err, "the AWS sign-in service could not renew the `aws login` session for profile %q (CreateOAuth2Token failed with %s); try again, or run `%s`", s.profile, code, s.awsLogin)
}
