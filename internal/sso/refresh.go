package sso

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// ErrNotRefreshable is returned by Refresh when the cache holds no refresh token, or its client
// registration has expired: only a new sign-in helps.
var ErrNotRefreshable = fmt.Errorf("the SSO token cannot be refreshed")

// Refresh makes sure t's cached access token is usable: a token still valid at now is kept; an
// expired one with a refresh token and a live client registration is exchanged for a new one
// (CreateToken, refresh_token grant) and the cache rewritten as the AWS CLI writes it. It holds
// t's lock meanwhile, so that parallel callers refresh once (refresh tokens are single-use).
func (f *Flow) Refresh(ctx context.Context, t Target) (*awsconfig.SSOCacheEntry, error) {
	unlock, err := lockFile(ctx, t.lockFile())
	if err != nil {
		return nil, err
	}
	defer unlock()
	return f.refreshLocked(ctx, t)
}

func (f *Flow) refreshLocked(ctx context.Context, t Target) (*awsconfig.SSOCacheEntry, error) {
	e, err := awsconfig.ReadSSOCacheEntry(t.CacheFile)
	if err != nil {
		return nil, fmt.Errorf("sso: no cached token for %s: %w", t, err)
	}
	now := f.now()
	if exp, err := awsconfig.ParseTime(e.ExpiresAt); err == nil && exp.After(now) && e.AccessToken != "" {
		return e, nil
	}
	regExp, _ := awsconfig.ParseTime(e.RegistrationExpiresAt)
	if e.RefreshToken == "" || e.ClientID == "" || e.ClientSecret == "" || !regExp.IsZero() && !regExp.After(now) {
		return nil, fmt.Errorf("sso: %s: %w; run `%s`", t, ErrNotRefreshable, t.LoginCommand())
	}
	out, err := f.OIDC.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: aws.String(e.ClientID), ClientSecret: aws.String(e.ClientSecret),
		GrantType: aws.String("refresh_token"), RefreshToken: aws.String(e.RefreshToken),
	})
	if err != nil {
		return nil, fmt.Errorf("sso: refreshing the token of %s failed (%w); run `%s`", t, err, t.LoginCommand())
	}
	e.AccessToken = aws.ToString(out.AccessToken)
	e.ExpiresAt = awsconfig.FormatTime(now.Add(time.Duration(out.ExpiresIn) * time.Second))
	if rt := aws.ToString(out.RefreshToken); rt != "" {
		e.RefreshToken = rt
	}
	if err := awsconfig.WriteSSOCacheEntry(t.CacheFile, e); err != nil {
		return nil, err
	}
	f.log().Info().Str("sso", t.String()).Str("expires", e.ExpiresAt).Msg("sso: token refreshed")
	return e, nil
}
