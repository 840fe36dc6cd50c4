package console

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// checkSSO looks at the SSO token cache before any network call, for a chain that ends in SSO.
// It returns the cache file the SDK must read (the hashed name, or the file a startUrl scan
// found), or sso_token_missing / sso_token_expired with the exact `aws-profile-bridge sso login` command.
//
// An expired token of an sso-session may still be refreshed by the SDK (it holds a refresh
// token), so it is let through; a legacy token cannot be refreshed and is refused here.
func (s *signer) checkSSO(cfg *awsconfig.Config, l *link) (string, error) {
	if l.base != baseSSO {
		return "", nil
	}
	session := l.p.Get("sso_session")
	startURL := l.p.Get("sso_start_url")
	if session != "" {
		s.ssoLogin = "aws-profile-bridge sso login --sso-session " + shellQuote(session)
		ss := cfg.SSOSessions[session]
		if ss == nil {
			return "", newErr(apierr.CodeInvalidConfig, nil,
				"profile %q names sso_session %q, but there is no [sso-session %s] section in ~/.aws/config; add it or run `aws configure sso`", l.name, session, session)
		}
		startURL = ss.Settings["sso_start_url"]
	} else {
		s.ssoLogin = "aws-profile-bridge sso login --profile " + shellQuote(l.name)
	}
	cacheDir := s.env.Paths.SSOCacheDir
	if cacheDir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", nil // let the SDK find (or not find) it
		}
		cacheDir = filepath.Join(home, ".aws", "sso", "cache")
	}
	tok, err := awsconfig.ReadSSOToken(cacheDir, session, startURL)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", newErr(apierr.CodeSSOTokenMissing, err, "there is no SSO login for profile %q yet; run `%s` and try again", s.profile, s.ssoLogin)
	case err != nil:
		return "", newErr(apierr.CodeSSOTokenExpired, err, "the cached SSO token for profile %q cannot be read; run `%s` and try again", s.profile, s.ssoLogin)
	}
	s.addSecret(tok.AccessToken)
	if session == "" && !tok.ExpiresAt.IsZero() && !tok.ExpiresAt.After(s.now) {
		return "", s.ssoExpired(nil)
	}
	return tok.File, nil
}

func (s *signer) ssoExpired(cause error) *apierr.Error {
	return newErr(apierr.CodeSSOTokenExpired, cause, "the SSO login for profile %q has expired; run `%s` and try again", s.profile, s.ssoLogin)
}
