package profiles

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// checker decides whether aws-sdk-go-v2 could resolve credentials for a profile without
// instance metadata, mirroring the SDK's two phases: loading the profile and its source_profile
// chain (SharedConfig.setFromIniSections) and picking a provider (resolveCredsFromProfile).
type checker struct {
	byName   map[string]*awsconfig.Profile
	sessions map[string]*awsconfig.SSOSession
}

func newChecker(cfg *awsconfig.Config) *checker {
	c := &checker{byName: make(map[string]*awsconfig.Profile, len(cfg.Profiles)), sessions: cfg.SSOSessions}
	for _, p := range cfg.Profiles {
		if p != nil {
			if _, dup := c.byName[p.Name]; !dup {
				c.byName[p.Name] = p
			}
		}
	}
	return c
}

// link is one profile of a source_profile chain after the SDK's clearing rules.
type link struct {
	p                              *awsconfig.Profile
	roleARN, source                string
	credSource, process, webIDFile string
	keys, legacySSO                bool
	ssoSession, login              string
	src                            *link
}

// hasCredentials mirrors SharedConfig.hasCredentials (login_session does not count there).
func (l *link) hasCredentials() bool {
	return l.source != "" || l.credSource != "" || l.process != "" || l.webIDFile != "" ||
		l.ssoSession != "" || l.legacySSO || l.keys
}

// problem returns "" when the SDK could resolve credentials for p, else a warning that says why
// and what to do. Config-only profiles get a short explanation too.
func (c *checker) problem(p *awsconfig.Profile) string {
	l, prob := c.load(p.Name, p, nil, true)
	if prob != "" {
		return prob
	}
	return c.resolve(l)
}

// load mirrors setFromIniSections. path holds the profiles already visited in this chain.
func (c *checker) load(name string, p *awsconfig.Profile, path []string, top bool) (*link, string) {
	if p == nil {
		p = c.byName[name]
	}
	if p == nil {
		return nil, fmt.Sprintf("source_profile %q names a profile that is not in the config or credentials file; fix the name or add that profile", name)
	}
	s := p.Settings
	l := &link{
		p:          p,
		roleARN:    s["role_arn"],
		source:     s["source_profile"],
		credSource: s["credential_source"],
		process:    s["credential_process"],
		webIDFile:  s["web_identity_token_file"],
		keys:       hasKeys(s),
		legacySSO:  hasLegacySSO(s),
		ssoSession: strings.TrimSpace(s["sso_session"]),
		login:      s["login_session"],
	}
	revisit := slices.Contains(path, name)
	if revisit {
		// The SDK clears the assume-role options of a profile met a second time in a chain:
		// only its own credentials count (this is how source_profile = itself works).
		l.roleARN, l.source = "", ""
	} else if l.roleARN == "" {
		for _, k := range [...]string{"source_profile", "credential_source", "web_identity_token_file"} {
			if s[k] != "" {
				return l, fmt.Sprintf("%s is set but role_arn is missing, so the SDK refuses the profile; add role_arn = arn:aws:iam::ACCOUNT:role/NAME or remove %s", k, k)
			}
		}
	}
	if !top && l.keys {
		return l, ""
	}
	path = append(path, name)

	var set []string
	for _, k := range [...]string{"source_profile", "credential_source", "credential_process", "web_identity_token_file"} {
		if k == "source_profile" && l.source == "" {
			continue
		}
		if s[k] != "" {
			set = append(set, k)
		}
	}
	if len(set) > 1 {
		return l, fmt.Sprintf("%s are all set, but the SDK allows only one of source_profile, credential_source, credential_process and web_identity_token_file per profile; keep one", strings.Join(set, " and "))
	}

	if l.source != "" {
		// A linked profile ignores its own credential options: the source provides them.
		l.credSource, l.process, l.webIDFile, l.keys, l.legacySSO = "", "", "", false, false
		src, prob := c.load(l.source, nil, path, false)
		if prob != "" {
			if src == nil { // the source itself is missing: prob already names it
				return l, prob
			}
			return l, fmt.Sprintf("source profile %q: %s", l.source, prob)
		}
		if !src.hasCredentials() {
			if slices.Contains(path, l.source) {
				return l, fmt.Sprintf("source_profile chain %s → %s loops back to %q, which has no credentials of its own; end the chain at a profile with keys, SSO, credential_process or credential_source",
					strings.Join(path, " → "), l.source, l.source)
			}
			return l, fmt.Sprintf("source profile %q has no credentials (no keys, SSO, credential_process, credential_source or source_profile); point source_profile at a profile that has some", l.source)
		}
		l.src = src
	}

	if l.ssoSession != "" && c.sessions[l.ssoSession] == nil {
		return l, fmt.Sprintf("sso_session %q names an [sso-session %s] section that is not in the config file; add it (aws configure sso-session) or fix the name", l.ssoSession, l.ssoSession)
	}
	return l, ""
}

// resolve mirrors resolveCredsFromProfile for a loaded chain, with instance metadata disabled.
func (c *checker) resolve(l *link) string {
	switch {
	case l.src != nil:
		if prob := c.resolve(l.src); prob != "" {
			return fmt.Sprintf("source profile %q: %s", l.p.Settings["source_profile"], prob)
		}
	case l.keys:
	case l.credSource != "":
		switch l.credSource {
		case "Ec2InstanceMetadata":
			return "credential_source = Ec2InstanceMetadata needs the EC2 instance metadata service, which this host never calls; use source_profile with a profile that has keys or SSO instead"
		case "Environment", "EcsContainer":
		default:
			return fmt.Sprintf("credential_source = %s is not one of Environment, EcsContainer, Ec2InstanceMetadata (case matters); fix the value", l.credSource)
		}
	case l.webIDFile != "":
		if l.roleARN == "" {
			return "web_identity_token_file is set but role_arn is missing; add role_arn"
		}
		return "" // the web identity provider assumes role_arn itself
	case l.ssoSession != "" || l.legacySSO:
		if prob := c.ssoProblem(l.p.Settings, l.ssoSession); prob != "" {
			return prob
		}
	case l.login != "":
	case l.process != "":
	default:
		if l.roleARN != "" {
			return "role_arn is set without source_profile or credential_source, so the SDK would fall back to EC2 instance metadata, which this host never calls; add source_profile = PROFILE (one with keys or SSO) or credential_source"
		}
		return "no credentials: this profile only holds settings (such as region); add keys, SSO, credential_process, or role_arn with source_profile to open it"
	}
	return ""
}

// ssoProblem mirrors SharedConfig.validateSSOConfiguration, and also requires sso_account_id and
// sso_role_name, without which GetRoleCredentials cannot be called.
func (c *checker) ssoProblem(s map[string]string, session string) string {
	var missing []string
	if session != "" {
		sess := c.sessions[session]
		if sess == nil {
			return fmt.Sprintf("sso_session %q names an [sso-session %s] section that is not in the config file; add it (aws configure sso-session) or fix the name", session, session)
		}
		for _, k := range [...]string{"sso_start_url", "sso_region"} {
			v := sess.Settings[k]
			if v == "" {
				missing = append(missing, k+" (in [sso-session "+session+"])")
			} else if pv := s[k]; pv != "" && pv != v {
				return fmt.Sprintf("%s = %s in the profile differs from %s = %s in [sso-session %s], which the SDK refuses; remove it from the profile", k, pv, k, v, session)
			}
		}
	} else {
		for _, k := range [...]string{"sso_start_url", "sso_region"} {
			if s[k] == "" {
				missing = append(missing, k)
			}
		}
	}
	for _, k := range [...]string{"sso_account_id", "sso_role_name"} {
		if s[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return fmt.Sprintf("SSO profile is missing %s; add %s (aws configure sso writes them)", strings.Join(missing, ", "), pluralThem(len(missing)))
	}
	return ""
}

func pluralThem(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}
