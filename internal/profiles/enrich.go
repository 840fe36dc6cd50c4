package profiles

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// EnrichSSO reads the SSO token cache for the SSO profiles of list (all of them, or only those
// named in names when names is not empty) and updates them in place:
//
//   - SSOTokenState: "valid" (the token expires after now), "refreshable" (it has expired, but the
//     entry of an sso-session holds a refresh token and a live client registration), "expired",
//     or "missing" (no cache entry, or one that cannot be read);
//   - Expiration and Expired: the token's expiresAt (null and false when missing);
//   - HasCredentials: true when a valid or refreshable token exists and the profile's SSO
//     configuration is complete; false when the token is missing or expired for good (the
//     extension keys on it, as on the original host's answer, to show that a login is needed);
//   - Warnings: for a missing or expired token, the exact command to run:
//     "aws-profile-bridge sso login --sso-session NAME", or "... --profile NAME" for legacy
//     profiles.
//
// The token is looked up by sso_session name, or by the legacy start URL (see
// awsconfig.ReadSSOToken, which also scans the cache by start URL). Each distinct cache entry is
// read at most once per call. cfg is the configuration list was built from; it may be nil.
// Calling EnrichSSO again does not duplicate warnings.
func EnrichSSO(list []Profile, cfg *awsconfig.Config, cacheDir string, names []string, now time.Time) {
	type result struct {
		tok *awsconfig.SSOToken
		err error
	}
	var (
		c     *checker
		cache = map[string]result{}
		want  map[string]bool
	)
	if len(names) > 0 {
		want = make(map[string]bool, len(names))
		for _, n := range names {
			want[n] = true
		}
	}
	for i := range list {
		p := &list[i]
		if !p.IsSSO || (want != nil && !want[p.Name]) {
			continue
		}
		login := awsconfig.SSOLoginCommand(p.SSOSession, p.Name)
		key := "url\x00" + p.SSOStartURL
		if p.SSOSession != "" {
			key = "session\x00" + p.SSOSession
		}
		p.Expiration, p.Expired = nil, false
		p.Warnings = slices.DeleteFunc(p.Warnings, func(w string) bool { return strings.HasPrefix(w, tokenWarningPrefix) })
		if p.SSOSession == "" && p.SSOStartURL == "" ||
			p.SSOSession != "" && cfg != nil && cfg.SSOSessions[p.SSOSession] == nil {
			// No start URL, or an sso_session without its section: aws sso login cannot help
			// until the config is fixed, and Build already said how.
			p.SSOTokenState, p.HasCredentials = TokenMissing, false
			continue
		}

		r, seen := cache[key]
		if !seen {
			r.tok, r.err = readSSOToken(cacheDir, p.SSOSession, p.SSOStartURL)
			cache[key] = r
		}

		configOK := p.SSOAccountID != "" && p.SSORoleName != ""
		if cfg != nil {
			if c == nil {
				c = newChecker(cfg)
			}
			if ap := c.cfg.Profile(p.Name); ap != nil {
				configOK = c.problem(ap, nil) == ""
			}
		}

		switch {
		case r.err == nil:
			exp := r.tok.ExpiresAt.UTC().Format(time.RFC3339)
			p.Expiration = &exp
			p.Expired = !r.tok.ExpiresAt.After(now)
			switch {
			case !p.Expired:
				p.SSOTokenState, p.HasCredentials = TokenValid, configOK
			case p.SSOSession != "" && r.tok.CanRefresh(now):
				p.SSOTokenState, p.HasCredentials = TokenRefreshable, configOK
			default:
				p.SSOTokenState, p.HasCredentials = TokenExpired, false
				p.Warnings = addWarning(p.Warnings, fmt.Sprintf(tokenWarningPrefix+"expired at %s; run `%s`", exp, login))
			}
		case errors.Is(r.err, fs.ErrNotExist):
			p.SSOTokenState, p.HasCredentials = TokenMissing, false
			p.Warnings = addWarning(p.Warnings, fmt.Sprintf(tokenWarningPrefix+"none in the cache; run `%s`", login))
		default:
			p.SSOTokenState, p.HasCredentials = TokenMissing, false
			p.Warnings = addWarning(p.Warnings, fmt.Sprintf(tokenWarningPrefix+"%v; run `%s`", r.err, login))
		}
	}
}

// readSSOToken is awsconfig.ReadSSOToken; tests count the calls.
var readSSOToken = awsconfig.ReadSSOToken

// tokenWarningPrefix starts every warning EnrichSSO adds, so a second call replaces them.
const tokenWarningPrefix = "SSO token: "

func addWarning(warns []string, w string) []string {
	if slices.Contains(warns, w) {
		return warns
	}
	return append(warns, w)
}
