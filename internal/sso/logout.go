package sso

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// LogoutResult says what Logout did.
type LogoutResult struct {
	// Removed is true when there was a cached token (and it is gone now).
	Removed bool
	// PortalErr is why the portal's Logout failed (nil when it succeeded or was not called); the
	// token is removed from the cache all the same.
	PortalErr error
}

// Logout ends t's sign-in: it asks the portal to end the session (when portal is not nil and
// there is a token), then removes the cached token.
func Logout(ctx context.Context, portal Portal, t Target) (LogoutResult, error) {
	var r LogoutResult
	e, err := awsconfig.ReadSSOCacheEntry(t.CacheFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return r, nil
	case err == nil && e.AccessToken != "" && portal != nil:
		if _, err := portal.Logout(ctx, &sso.LogoutInput{AccessToken: aws.String(e.AccessToken)}); err != nil {
			r.PortalErr = err
		}
	}
	if err := os.Remove(t.CacheFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return r, fmt.Errorf("sso: removing %s: %w", t.CacheFile, err)
	}
	r.Removed = true
	return r, nil
}
