package console

import (
	"errors"
	"fmt"
)

// Error is the error SignIn returns. Code is stable and machine-readable; Message says what went
// wrong and what to do next, in words a user can act on. Err is the underlying cause (kept for
// errors.Is / errors.As, never shown to the extension as is).
//
// Neither Message nor Error() ever contains a secret: no access key id, secret key, session
// token, SSO access token, SigninToken or sign-in URL.
//
// Codes (append-only; front ends pass them through unchanged):
//
//	code                            meaning / what the message asks the user to do
//	------------------------------  ------------------------------------------------------------
//	no_credentials                  the profile (or its source) has nothing to sign in with
//	profile_not_found               no such profile in ~/.aws/config or ~/.aws/credentials
//	sso_token_missing               no cached SSO token: run `aws sso login --sso-session NAME` (or --profile NAME)
//	sso_token_expired               cached SSO token expired or rejected: run the same `aws sso login ...`
//	mfa_required                    the role needs an MFA code (mfa_serial) and none was given
//	mfa_invalid                     STS rejected the MFA code
//	access_denied                   STS or SSO refused (AccessDenied, not authorised to assume the role ...)
//	session_credentials_unsupported the credentials cannot open the console (GetSessionToken credentials,
//	                                or session keys the federation endpoint refused)
//	federation_failed               the sign-in (federation) endpoint or STS failed otherwise (4xx/5xx, bad reply)
//	timeout                         a network call did not finish before the deadline
//	unsupported_partition           an ISO partition (no public console) or an unknown partition
//	invalid_destination             the destination is not a console page of the profile's partition
//	invalid_region                  malformed region, or a region outside the profile's partition
//	invalid_duration                a negative session duration, or longer than the role allows
//	credentials_expired             the profile's own (session) credentials have expired: refresh them
//	invalid_config                  the profile's settings cannot be used (loop in source_profile, bad credential_source ...)
//	canceled                        the caller gave up (its context was canceled)
//	invalid_credentials             AWS does not accept the keys (deleted, mistyped, other partition)
//	login_session_missing           no cached `aws login` token for a login_session profile: run `aws login --profile NAME`
//	login_session_expired           the `aws login` session ended or its cached token is unusable: run the same `aws login ...`
type Error struct {
	Code    string
	Message string
	Err     error
}

// The error codes; see Error for their meaning. Append-only.
const (
	CodeNoCredentials                 = "no_credentials"
	CodeProfileNotFound               = "profile_not_found"
	CodeSSOTokenMissing               = "sso_token_missing"
	CodeSSOTokenExpired               = "sso_token_expired"
	CodeMFARequired                   = "mfa_required"
	CodeMFAInvalid                    = "mfa_invalid"
	CodeAccessDenied                  = "access_denied"
	CodeSessionCredentialsUnsupported = "session_credentials_unsupported"
	CodeFederationFailed              = "federation_failed"
	CodeTimeout                       = "timeout"
	CodeUnsupportedPartition          = "unsupported_partition"
	CodeInvalidDestination            = "invalid_destination"
	CodeInvalidRegion                 = "invalid_region"
	CodeInvalidDuration               = "invalid_duration"
	CodeCredentialsExpired            = "credentials_expired"
	CodeInvalidConfig                 = "invalid_config"
	CodeCanceled                      = "canceled"
	CodeInvalidCredentials            = "invalid_credentials"
	CodeLoginSessionMissing           = "login_session_missing"
	CodeLoginSessionExpired           = "login_session_expired"
)

// Error returns "code: message". It never includes the wrapped error's text, because errors
// from lower layers (the SDK, net/http) may quote request details.
func (e *Error) Error() string {
	if e == nil {
		return "<nil>"
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same Code, so that
// errors.Is(err, &console.Error{Code: console.CodeTimeout}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && e != nil && t.Code == e.Code && t.Message == "" && t.Err == nil
}

// CodeOf returns the Code of the first *Error in err's chain, or "" when there is none.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func newErr(code string, cause error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: cause}
}

// ErrorCode and UserMessage let front ends map the error without importing this package's types.
func (e *Error) ErrorCode() string { return e.Code }

// UserMessage is the message for people (no secret, says what to do next).
func (e *Error) UserMessage() string { return e.Message }
