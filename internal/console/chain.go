package console

import (
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// base says where a link of a credential chain gets its input credentials from, in the order
// aws-sdk-go-v2's resolveCredsFromProfile tries them.
type base int

const (
	baseNone        base = iota // nothing: the SDK would fall through to containers / IMDS
	baseKeys                    // long-term keys (aws_access_key_id + aws_secret_access_key)
	baseSessionKeys             // ... plus aws_session_token
	baseEnvironment             // credential_source = Environment
	baseECS                     // credential_source = EcsContainer
	baseIMDS                    // credential_source = Ec2InstanceMetadata (refused: we never call IMDS)
	baseWebIdentity             // web_identity_token_file (+ role_arn, consumed by the web identity provider)
	baseSSO                     // sso_session / sso_start_url ...
	baseLogin                   // login_session
	baseProcess                 // credential_process
	baseBadSource               // credential_source with an unknown value
)

// link is one profile of a credential chain as aws-sdk-go-v2 resolves it.
type link struct {
	name    string
	p       *awsconfig.Profile
	roleARN string // the role this link assumes with its input credentials ("" = none)
	mfa     string // mfa_serial of this link's role
	base    base   // when source == nil: the input credentials
	source  *link  // the source_profile link, or nil
}

// temporary reports whether the credentials this link produces are temporary.
func (l *link) temporary() bool {
	if l.roleARN != "" || l.source != nil {
		return true
	}
	return l.base != baseKeys
}

// longTermKeys reports whether the link produces long-term IAM user keys.
func (l *link) longTermKeys() bool { return !l.temporary() }

// input returns the link that supplies this role's input credentials (itself when it has no source).
func (l *link) input() *link {
	if l.source != nil {
		return l.source
	}
	return l
}

// directRole reports whether the link assumes a role with long-term keys: then the console
// accepts SessionDuration and AssumeRole allows up to 12 h. Environment credentials are
// treated as temporary (we cannot tell, and the 1 h rules work for both).
func (l *link) directRole() bool {
	if l.roleARN == "" {
		return false
	}
	if l.source != nil {
		return l.source.longTermKeys()
	}
	return l.base == baseKeys
}

// effectiveMFA is the MFA serial used for this link's AssumeRole: the role's own mfa_serial,
// else (aws-vault's rule) the mfa_serial of a source that holds long-term keys.
func (l *link) effectiveMFA() string {
	if l.roleARN == "" {
		return ""
	}
	if l.mfa != "" {
		return l.mfa
	}
	if in := l.input(); in != l && in.longTermKeys() {
		return in.p.Get("mfa_serial")
	}
	return ""
}

// deepest returns the link at the end of the chain (the one whose base supplies the credentials).
func (l *link) deepest() *link {
	for l.source != nil {
		l = l.source
	}
	return l
}

// roles lists the links that assume a role, innermost first.
func (l *link) roles() []*link {
	var out []*link
	if l.source != nil {
		out = l.source.roles()
	}
	if l.roleARN != "" {
		out = append(out, l)
	}
	return out
}

const maxChainDepth = 16

// resolveChain builds the credential chain for a profile the way aws-sdk-go-v2's shared config
// does (setFromIniSections): a source profile that holds keys stops the chain there (its own
// role_arn, if any, is still assumed with them); a profile seen a second time (self reference)
// keeps only its credentials; source_profile wins over the profile's own credential settings.
func resolveChain(cfg *awsconfig.Config, name string) (*link, error) {
	seen := map[string]bool{}
	return visit(cfg, name, seen, true, 0)
}

func visit(cfg *awsconfig.Config, name string, seen map[string]bool, top bool, depth int) (*link, error) {
	p := cfg.Profile(name)
	if p == nil {
		if top {
			return nil, newErr(apierr.CodeProfileNotFound, nil,
				"profile %q is not in ~/.aws/config or ~/.aws/credentials; check the name or run `aws configure list-profiles`", name)
		}
		return nil, newErr(apierr.CodeInvalidConfig, nil,
			"source_profile %q does not exist; fix source_profile in ~/.aws/config", name)
	}
	if depth > maxChainDepth {
		return nil, newErr(apierr.CodeInvalidConfig, nil, "the source_profile chain of profile %q is longer than %d links; check for a loop", name, maxChainDepth)
	}
	l := &link{name: name, p: p}
	second := seen[name]
	if !second {
		l.roleARN = p.Get("role_arn")
		l.mfa = p.Get("mfa_serial")
	}
	keys := p.Get("aws_access_key_id") != "" && p.Get("aws_secret_access_key") != ""
	if !top && keys {
		l.base = keysBase(p)
		return l, nil
	}
	seen[name] = true
	if src := p.Get("source_profile"); src != "" && !second {
		s, err := visit(cfg, src, seen, false, depth+1)
		if err != nil {
			return nil, err
		}
		if s.source == nil && s.base == baseNone && s.roleARN == "" {
			return nil, newErr(apierr.CodeNoCredentials, nil,
				"profile %q takes its credentials from source_profile %q, which has none; add keys, SSO or credential_process to %q", name, src, src)
		}
		if s.source == nil && s.base == baseNone {
			return nil, newErr(apierr.CodeNoCredentials, nil,
				"source_profile %q of profile %q has a role_arn but nothing to assume it with", src, name)
		}
		l.source = s
		return l, nil
	}
	switch {
	case keys:
		l.base = keysBase(p)
	case p.Get("credential_source") != "":
		switch p.Get("credential_source") {
		case "Environment":
			l.base = baseEnvironment
		case "EcsContainer":
			l.base = baseECS
		case "Ec2InstanceMetadata":
			l.base = baseIMDS
		default:
			l.base = baseBadSource
		}
	case p.Get("web_identity_token_file") != "":
		l.base = baseWebIdentity
		l.roleARN = "" // assumed by the web identity provider itself
		l.mfa = ""
	case p.Get("sso_session") != "" || p.Get("sso_start_url") != "" || p.Get("sso_account_id") != "" ||
		p.Get("sso_role_name") != "" || p.Get("sso_region") != "":
		l.base = baseSSO
	case p.Get("login_session") != "":
		l.base = baseLogin
	case p.Get("credential_process") != "":
		l.base = baseProcess
	}
	return l, nil
}

func keysBase(p *awsconfig.Profile) base {
	if p.Get("aws_session_token") != "" {
		return baseSessionKeys
	}
	return baseKeys
}
