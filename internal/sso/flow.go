package sso

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// Flow runs IAM Identity Center sign-ins. The zero value of every field but OIDC is usable.
type Flow struct {
	OIDC OIDC
	// Open opens the verification page in a browser; nil only prints it.
	Open func(url string) error
	// Out receives what a person needs: the verification URL and the code to compare (never a
	// token). nil discards it.
	Out io.Writer
	// Log receives progress events (never a token, secret or code). nil discards them.
	Log *zerolog.Logger
	// Now and Sleep are the clock (default time.Now and a context-aware time.Sleep).
	Now   func() time.Time
	Sleep func(context.Context, time.Duration) error
}

func (f *Flow) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func (f *Flow) sleep(ctx context.Context, d time.Duration) error {
	if f.Sleep != nil {
		return f.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (f *Flow) log() *zerolog.Logger {
	if f.Log != nil {
		return f.Log
	}
	nop := zerolog.Nop()
	return &nop
}

func (f *Flow) printf(format string, args ...any) {
	if f.Out != nil {
		fmt.Fprintf(f.Out, format, args...)
	}
}

// Authorization is a device authorization waiting for a person to approve it.
type Authorization struct {
	Target Target
	// UserCode is the code the verification page shows, for the person to compare.
	UserCode string
	// VerificationURI is the page; VerificationURIComplete the page with the code filled in.
	VerificationURI, VerificationURIComplete string
	// Expires is when the device code ends: no token comes after it.
	Expires time.Time

	interval   time.Duration
	deviceCode string // a secret while it lasts
	reg        *registration
}

// Errors of the device flow, for callers that react to them.
var (
	ErrDenied  = errors.New("the sign-in was denied in the browser")
	ErrExpired = errors.New("the sign-in was not approved in time")
)

// defaultInterval is the polling interval of RFC 8628 when the server names none; slowDownStep is
// what a slow_down answer adds to it.
const (
	defaultInterval = 5 * time.Second
	slowDownStep    = 5 * time.Second
)

// Start registers a client (or reuses the cached registration), starts a device authorization for
// t, prints the verification page and the code, and opens the page when f.Open is set (a failure
// to open it is printed, not returned: the person can open the printed URL).
func (f *Flow) Start(ctx context.Context, t Target) (*Authorization, error) {
	reg, err := f.register(ctx, t)
	if err != nil {
		return nil, err
	}
	out, err := f.OIDC.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId: aws.String(reg.ID), ClientSecret: aws.String(reg.Secret), StartUrl: aws.String(t.StartURL),
	})
	if err != nil {
		return nil, fmt.Errorf("sso: starting the sign-in for %s at %s: %w", t, t.StartURL, err)
	}
	a := &Authorization{
		Target:                  t,
		UserCode:                aws.ToString(out.UserCode),
		VerificationURI:         aws.ToString(out.VerificationUri),
		VerificationURIComplete: aws.ToString(out.VerificationUriComplete),
		Expires:                 f.now().Add(time.Duration(out.ExpiresIn) * time.Second),
		interval:                time.Duration(out.Interval) * time.Second,
		deviceCode:              aws.ToString(out.DeviceCode),
		reg:                     reg,
	}
	if a.interval <= 0 {
		a.interval = defaultInterval
	}
	page := a.VerificationURIComplete
	if page == "" {
		page = a.VerificationURI
	}
	f.log().Info().Str("sso", t.String()).Time("expires", a.Expires).Msg("sso: device authorization started")
	if f.Open != nil {
		f.printf("Opening the sign-in page for %s in your browser:\n  %s\n", t, page)
		if err := f.Open(page); err != nil {
			f.printf("Could not open a browser (%v); open the page above yourself.\n", err)
		}
	} else {
		f.printf("Open this page in a browser to sign in to %s:\n  %s\n", t, page)
	}
	f.printf("Check that it shows the code %s, then approve.\n", a.UserCode)
	return a, nil
}

// Wait polls CreateToken until the person approves (then writes the token cache and returns the
// entry), denies, or the device code expires; it honours the interval and slow_down, and returns
// when ctx ends.
func (f *Flow) Wait(ctx context.Context, a *Authorization) (*awsconfig.SSOCacheEntry, error) {
	interval := a.interval
	for {
		if err := f.sleep(ctx, interval); err != nil {
			return nil, fmt.Errorf("sso: waiting for the sign-in of %s: %w", a.Target, err)
		}
		if !f.now().Before(a.Expires) {
			return nil, fmt.Errorf("sso: %s: %w; run `%s` again", a.Target, ErrExpired, a.Target.LoginCommand())
		}
		out, err := f.OIDC.CreateToken(ctx, &ssooidc.CreateTokenInput{
			ClientId: aws.String(a.reg.ID), ClientSecret: aws.String(a.reg.Secret),
			GrantType: aws.String("urn:ietf:params:oauth:grant-type:device_code"), DeviceCode: aws.String(a.deviceCode),
		})
		var (
			pending *types.AuthorizationPendingException
			slow    *types.SlowDownException
			expired *types.ExpiredTokenException
			denied  *types.AccessDeniedException
		)
		switch {
		case err == nil:
			e := f.entry(a.Target, a.reg, out)
			if err := awsconfig.WriteSSOCacheEntry(a.Target.CacheFile, e); err != nil {
				return nil, err
			}
			f.log().Info().Str("sso", a.Target.String()).Str("expires", e.ExpiresAt).Bool("refreshable", e.RefreshToken != "").Msg("sso: signed in")
			return e, nil
		case errors.As(err, &pending):
		case errors.As(err, &slow):
			interval += slowDownStep
		case errors.As(err, &expired):
			return nil, fmt.Errorf("sso: %s: %w; run `%s` again", a.Target, ErrExpired, a.Target.LoginCommand())
		case errors.As(err, &denied):
			return nil, fmt.Errorf("sso: %s: %w", a.Target, ErrDenied)
		default:
			return nil, fmt.Errorf("sso: waiting for the sign-in of %s: %w", a.Target, err)
		}
	}
}

// entry is the cache entry for a new token: what the AWS CLI writes for a session (with the
// registration and refresh token) or for a legacy profile (the token alone).
func (f *Flow) entry(t Target, reg *registration, out *ssooidc.CreateTokenOutput) *awsconfig.SSOCacheEntry {
	e := &awsconfig.SSOCacheEntry{
		StartURL:    t.StartURL,
		Region:      t.Region,
		AccessToken: aws.ToString(out.AccessToken),
		ExpiresAt:   awsconfig.FormatTime(f.now().Add(time.Duration(out.ExpiresIn) * time.Second)),
	}
	if t.Session != "" {
		e.ClientID, e.ClientSecret = reg.ID, reg.Secret
		e.RegistrationExpiresAt = awsconfig.FormatTime(reg.Expires)
		e.RefreshToken = aws.ToString(out.RefreshToken)
	}
	return e
}
