package bridge

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// SSOTarget is what an IAM Identity Center sign-in is for: an sso-session, or (Session "") the
// legacy profile that carries its own sso_start_url.
type SSOTarget struct {
	Session, Profile string
}

// SSOLoginFunc starts the device flow of an IAM Identity Center sign-in in a process that
// outlives this one, and returns once the verification page is open. A sign-in to the same
// target already under way is reported, not started twice. A network failure on the way to IAM
// Identity Center is an aws_unreachable *apierr.Error (internal/apierr/netfail).
type SSOLoginFunc func(ctx context.Context, target SSOTarget) (SSOLoginStart, error)

// SSOLoginStart says how SSOLoginFunc went.
type SSOLoginStart struct {
	// UserCode is the code the verification page shows ("" when AlreadyRunning).
	UserCode string
	// AlreadyRunning is true when a sign-in to the same target was waiting for approval.
	AlreadyRunning bool
}

// startSSOLogin turns a sign-in that failed for want of a usable SSO token into an
// sso_login_started reply, once the sign-in has been started (or found under way). The popup
// usually closes when the page opens, so the reply says to approve and click again. Any other
// error, or a sign-in that cannot be started, is returned as it was.
func (s *Service) startSSOLogin(ctx context.Context, profile string, err error) error {
	var need *awsconfig.SSOLogin
	if code := apierr.CodeOf(err); s.SSOLogin == nil || !errors.As(err, &need) ||
		code != apierr.CodeSSOTokenMissing && code != apierr.CodeSSOTokenExpired {
		return err
	}
	st, lerr := s.SSOLogin(ctx, SSOTarget{Session: need.Session, Profile: need.Profile})
	if lerr != nil {
		s.Log.Warn().Str("profile", profile).Err(lerr).Msg("sso: could not start the sign-in")
		if apierr.CodeOf(lerr) == apierr.CodeAWSUnreachable {
			// Offline: say so, rather than naming a login command that would fail the same way.
			return lerr
		}
		return err
	}
	msg := fmt.Sprintf("sign in to IAM Identity Center: approve the request in the browser page that just opened (it shows the code %s), then click %s again", st.UserCode, profile)
	if st.AlreadyRunning {
		msg = fmt.Sprintf("a sign-in to IAM Identity Center is already waiting for approval in your browser: approve it there, then click %s again", profile)
	}
	return apierr.Wrap(apierr.CodeSSOLoginStarted, err, "%s", msg)
}
