package console

import (
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
)

// The credential chain is resolved once, by profiles.ResolveChain, the resolver behind the
// profile list's has_credentials and warnings; what follows are the console's rules over it.

// chainOf resolves the named profile's chain and refuses it, with the profile list's own
// warning, when aws-sdk-go-v2 could not resolve credentials for it.
func chainOf(cfg *awsconfig.Config, name string) (*profiles.Link, error) {
	ch := profiles.ResolveChain(cfg, name)
	top := ch.Top()
	if top == nil {
		return nil, newErr(apierr.CodeProfileNotFound, nil,
			"profile %q is not in ~/.aws/config or ~/.aws/credentials; check the name or run `aws configure list-profiles`", name)
	}
	if ch.Problem != "" {
		code := apierr.CodeInvalidConfig
		if ch.NoCredentials {
			code = apierr.CodeNoCredentials
		}
		return nil, newErr(code, nil, "cannot open profile %q: %s", name, ch.Problem)
	}
	return top, nil
}

// temporary reports whether the credentials link l produces are temporary.
func temporary(l *profiles.Link) bool {
	if l.RoleARN != "" || l.Source != nil {
		return true
	}
	return l.Base != profiles.BaseKeys
}

// longTermKeys reports whether link l produces long-term IAM user keys.
func longTermKeys(l *profiles.Link) bool { return !temporary(l) }

// directRole reports whether link l assumes a role with long-term keys: then the console
// accepts SessionDuration and AssumeRole allows up to 12 h. Environment credentials are
// treated as temporary (we cannot tell, and the 1 h rules work for both).
func directRole(l *profiles.Link) bool {
	if !l.AssumesRole() {
		return false
	}
	if l.Source != nil {
		return longTermKeys(l.Source)
	}
	return l.Base == profiles.BaseKeys
}

// effectiveMFA is the MFA serial used for link l's AssumeRole: the role's own mfa_serial,
// else (aws-vault's rule) the mfa_serial of a source that holds long-term keys.
func effectiveMFA(l *profiles.Link) string {
	if !l.AssumesRole() {
		return ""
	}
	if l.MFASerial != "" {
		return l.MFASerial
	}
	if in := l.Input(); in != l && longTermKeys(in) {
		return in.Profile.Get("mfa_serial")
	}
	return ""
}

// roles lists the links of l's chain that call AssumeRole, innermost first.
func roles(l *profiles.Link) []*profiles.Link {
	var out []*profiles.Link
	if l.Source != nil {
		out = roles(l.Source)
	}
	if l.AssumesRole() {
		out = append(out, l)
	}
	return out
}
