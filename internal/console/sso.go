package console

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/sso"
)

// checkSSO looks at the SSO token cache before any network call, for a chain that ends in SSO.
// It returns the cache file the SDK must read (the hashed name, or the file a startUrl scan
// found), or sso_token_missing / sso_token_expired with the exact `aws-profile-bridge sso login` command.
//
// An expired token of an sso-session that holds a refresh token and a live client registration
// is let through with refresh set (refreshSSO renews it before the SDK reads it); other expired
// tokens are refused here.
func (s *signer) checkSSO(cfg *awsconfig.Config, l *profiles.Link) (file string, refresh bool, err error) {
	if l.Base != profiles.BaseSSO {
		return "", false, nil
	}
	session := l.Profile.Get("sso_session")
	startURL := l.Profile.Get("sso_start_url")
	if session != "" {
		s.ssoLogin = awsconfig.SSOLoginCommand(session, "")
		s.sso = &awsconfig.SSOLogin{Session: session}
		if ss := cfg.SSOSessions[session]; ss != nil { // a missing section is the chain's problem
			startURL = ss.Settings.Get("sso_start_url")
		}
	} else {
		s.ssoLogin = awsconfig.SSOLoginCommand("", l.Name)
		s.sso = &awsconfig.SSOLogin{Profile: l.Name}
	}
	cacheDir := s.env.Paths.SSOCacheDir
	if cacheDir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", false, nil // let the SDK find (or not find) it
		}
		cacheDir = filepath.Join(home, ".aws", "sso", "cache")
	}
	tok, err := awsconfig.ReadSSOToken(cacheDir, session, startURL)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", false, newErr(apierr.CodeSSOTokenMissing, err, "there is no SSO login for profile %q yet; run `%s` and try again", s.profile, s.ssoLogin)
	case err != nil:
		return "", false, newErr(apierr.CodeSSOTokenExpired, err, "the cached SSO token for profile %q cannot be read; run `%s` and try again", s.profile, s.ssoLogin)
	}
	s.addSecret(tok.AccessToken)
	if !tok.ExpiresAt.IsZero() && !tok.ExpiresAt.After(s.now) {
		if session == "" || !tok.CanRefresh(s.now) {
			return "", false, s.ssoExpired(nil)
		}
		return tok.File, true, nil
	}
	return tok.File, false, nil
}

// refreshSSO renews the expired access token of an sso-session with its refresh token, under
// the lock `aws-profile-bridge sso login` takes: parallel sign-ins refresh once, where each SDK
// token provider would spend the same single-use refresh token. The cache is rewritten as the
// AWS CLI writes it, and the SDK then reads the new token.
func (s *signer) refreshSSO(ctx context.Context, cfg *awsconfig.Config, session string) error {
	t, err := sso.Resolve(cfg, filepath.Dir(s.ssoFile), session, "")
	if err != nil {
		return newErr(apierr.CodeInvalidConfig, err, "%v", err)
	}
	t.CacheFile = s.ssoFile // the file checkSSO found (a scan may find it under another name)
	oidc, _, err := sso.Clients(ctx, t.Region, s.env.Paths.ConfigFile, s.sdkClient)
	if err != nil {
		return s.ssoExpired(err)
	}
	e, err := (&sso.Flow{OIDC: oidc, Now: func() time.Time { return s.now }}).Refresh(ctx, t)
	if e != nil {
		s.addSecret(e.AccessToken, e.RefreshToken, e.ClientSecret)
	}
	if err != nil {
		if ctx.Err() != nil {
			return s.classify(ctx, err)
		}
		return s.ssoExpired(err)
	}
	return nil
}

func (s *signer) ssoExpired(cause error) *apierr.Error {
	return newErr(apierr.CodeSSOTokenExpired, cause, "the SSO login for profile %q has expired; run `%s` and try again", s.profile, s.ssoLogin)
}
