package console

import "github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"

// newErr makes SignIn's errors: *apierr.Error with a stable code (PROTOCOL.md, "Sign-in errors")
// and a message that says what went wrong and what to do next, in words a user can act on; the
// cause is kept for errors.Is/As, never shown as is. Neither the message nor Error() ever holds a
// secret: no access key id, secret key, session token, SSO access token, SigninToken or sign-in
// URL.
func newErr(code apierr.Code, cause error, format string, args ...any) *apierr.Error {
	return apierr.Wrap(code, cause, format, args...)
}
