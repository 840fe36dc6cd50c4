// Package sso signs a person in to IAM Identity Center without the AWS CLI: the OIDC
// device-authorization flow (register a client, start the authorization, poll for the token),
// the refresh of an expired access token, the sign-out, and the listing of the accounts and roles
// a token may use. It writes the token cache exactly as the AWS CLI does
// (~/.aws/sso/cache/<sha1>.json, see awsconfig.SSOCacheEntry), so the AWS CLI and every SDK read
// what it writes. Tokens, client secrets and refresh tokens are never logged or printed.
package sso

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// DefaultScope is the registration scope asked for when an sso-session names none: it is the one
// that makes IAM Identity Center issue a refresh token.
const DefaultScope = "sso:account:access"

// Target is what one sign-in is for: an [sso-session NAME] section, or a legacy profile that
// carries sso_start_url and sso_region itself.
type Target struct {
	// Session is the sso-session name ("" for a legacy profile).
	Session string
	// Profile is the profile the user named (with --profile), "" when they named the session.
	Profile  string
	StartURL string
	Region   string
	// Scopes are the registration scopes of a session (sso_registration_scopes, default
	// DefaultScope); a legacy profile registers without scopes and gets no refresh token.
	Scopes []string
	// CacheFile is the token cache file: <sha1 of the session name, or of the start URL>.json.
	CacheFile string
}

// Key is what names the cache file: the session name, or the legacy start URL.
func (t Target) Key() string {
	if t.Session != "" {
		return t.Session
	}
	return t.StartURL
}

// LoginCommand is the command that signs in for this target.
func (t Target) LoginCommand() string { return awsconfig.SSOLoginCommand(t.Session, t.Profile) }

// String names the target in messages.
func (t Target) String() string {
	if t.Session != "" {
		return "sso-session " + t.Session
	}
	return "profile " + t.Profile
}

// Resolve finds the target of an sso-session name or of a profile name (exactly one is set) in
// cfg. A profile with sso_session resolves to that session. cacheDir is the SSO token cache
// directory (~/.aws/sso/cache).
func Resolve(cfg *awsconfig.Config, cacheDir, session, profile string) (Target, error) {
	if (session == "") == (profile == "") {
		return Target{}, fmt.Errorf("name either an sso-session or a profile")
	}
	if profile != "" {
		p := cfg.Profile(profile)
		if p == nil {
			return Target{}, fmt.Errorf("there is no profile %q in the AWS config", profile)
		}
		if s := p.Get("sso_session"); s != "" {
			t, err := Resolve(cfg, cacheDir, s, "")
			t.Profile = profile
			return t, err
		}
		t := Target{Profile: profile, StartURL: p.Get("sso_start_url"), Region: p.Get("sso_region")}
		if t.StartURL == "" || t.Region == "" {
			return Target{}, fmt.Errorf("profile %q has no sso_session, nor sso_start_url and sso_region; add them (or an [sso-session] section) to ~/.aws/config", profile)
		}
		t.CacheFile = awsconfig.CacheFile(cacheDir, t.StartURL)
		return t, nil
	}
	var ss *awsconfig.SSOSession
	if cfg != nil {
		ss = cfg.SSOSessions[session]
	}
	if ss == nil {
		return Target{}, fmt.Errorf("there is no [sso-session %s] section in ~/.aws/config; add one with sso_start_url and sso_region", session)
	}
	t := Target{Session: session, StartURL: ss.Settings.Get("sso_start_url"), Region: ss.Settings.Get("sso_region")}
	if t.StartURL == "" || t.Region == "" {
		return Target{}, fmt.Errorf("[sso-session %s] needs sso_start_url and sso_region", session)
	}
	for _, s := range strings.Split(ss.Settings.Get("sso_registration_scopes"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			t.Scopes = append(t.Scopes, s)
		}
	}
	if len(t.Scopes) == 0 {
		t.Scopes = []string{DefaultScope}
	}
	t.CacheFile = awsconfig.CacheFile(cacheDir, session)
	return t, nil
}

// ResolveFiles loads the AWS config files named by p and resolves the target of an sso-session
// or a profile in them (see Resolve); p.SSOCacheDir is the token cache directory.
func ResolveFiles(p awsconfig.Paths, session, profile string) (Target, error) {
	cfg, err := awsconfig.Load(p)
	if err != nil {
		return Target{}, err
	}
	return Resolve(cfg, p.SSOCacheDir, session, profile)
}

// lockFile is the lock that lets one device flow run per target at a time; it lives beside the
// cache file, where neither the AWS CLI nor the SDKs look (they read only <sha1>.json).
func (t Target) lockFile() string {
	return strings.TrimSuffix(t.CacheFile, ".json") + ".aws-profile-bridge.lock"
}

// registrationFile is where a legacy target's client registration is kept, under the name the
// AWS CLI uses for it; a session keeps its registration in its token file.
func (t Target) registrationFile() string {
	return filepath.Join(filepath.Dir(t.CacheFile), "botocore-client-id-"+t.Region+".json")
}
