package sso

import (
	"context"
	"errors"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// LoginResult says how a Login ended.
type LoginResult struct {
	Entry *awsconfig.SSOCacheEntry
	// Shared is true when another process's sign-in, which this one waited for, wrote the token.
	Shared bool
}

// Login signs in to t with the device flow and writes the token cache. One flow runs per target
// at a time: a caller that finds another process signing in to the same target waits for it and
// shares its token instead of opening a second approval page.
func (f *Flow) Login(ctx context.Context, t Target) (LoginResult, error) {
	before := accessToken(t)
	unlock, err := tryLockFile(t.lockFile())
	if errors.Is(err, errLocked) {
		f.printf("Another sign-in to %s is under way; waiting for it.\n", t)
		if unlock, err = lockFile(ctx, t.lockFile()); err != nil {
			return LoginResult{}, err
		}
		defer unlock()
		if e, ok := f.fresh(t); ok && e.AccessToken != before {
			return LoginResult{Entry: e, Shared: true}, nil
		}
	} else if err != nil {
		return LoginResult{}, err
	} else {
		defer unlock()
	}
	a, err := f.Start(ctx, t)
	if err != nil {
		return LoginResult{}, err
	}
	e, err := f.Wait(ctx, a)
	return LoginResult{Entry: e}, err
}

// ErrRunning is returned by StartExclusive when another process is signing in to the target.
var ErrRunning = errors.New("another sign-in is under way")

// StartExclusive starts a device flow for t (see Start) holding t's lock, without waiting for it:
// when another process holds it, it returns ErrRunning and opens no page. The caller runs Wait
// and then unlock.
func (f *Flow) StartExclusive(ctx context.Context, t Target) (a *Authorization, unlock func(), err error) {
	unlock, err = tryLockFile(t.lockFile())
	if errors.Is(err, errLocked) {
		return nil, nil, ErrRunning
	}
	if err != nil {
		return nil, nil, err
	}
	if a, err = f.Start(ctx, t); err != nil {
		unlock()
		return nil, nil, err
	}
	return a, unlock, nil
}

// fresh returns t's cached entry when its access token is valid now.
func (f *Flow) fresh(t Target) (*awsconfig.SSOCacheEntry, bool) {
	e, err := awsconfig.ReadSSOCacheEntry(t.CacheFile)
	if err != nil || e.AccessToken == "" {
		return nil, false
	}
	exp, err := awsconfig.ParseTime(e.ExpiresAt)
	return e, err == nil && exp.After(f.now())
}

func accessToken(t Target) string {
	e, err := awsconfig.ReadSSOCacheEntry(t.CacheFile)
	if err != nil {
		return ""
	}
	return e.AccessToken
}
