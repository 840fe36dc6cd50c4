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
// A checker is not safe for concurrent use: it reuses its buffers from one profile to the next.
type checker struct {
	cfg      *awsconfig.Config
	sessions map[string]*awsconfig.SSOSession
	links    []link   // the chain being checked
	path     []string // names on the chain, for loop messages
	top      fields   // settings of the profile being built
	fbuf     []fields // settings of its sources; never grows past its capacity
}

func newChecker(cfg *awsconfig.Config) *checker {
	return &checker{cfg: cfg, sessions: cfg.SSOSessions, fbuf: make([]fields, 0, maxChain+2)}
}

// maxChain bounds a source_profile chain. The SDK's own clearing rule already ends every chain
// (a profile met twice loses its source_profile); this is a second guard.
const maxChain = 64

// link is one profile of a source_profile chain after the SDK's clearing rules.
type link struct {
	f                              *fields
	roleARN, source                string
	credSource, process, webIDFile string
	keys, legacySSO                bool
	ssoSession                     string
	src                            int // index in checker.links of the source, or -1
}

// hasCredentials mirrors SharedConfig.hasCredentials (login_session does not count there).
func (l *link) hasCredentials() bool {
	return l.source != "" || l.credSource != "" || l.process != "" || l.webIDFile != "" ||
		l.ssoSession != "" || l.legacySSO || l.keys
}

// problem returns "" when the SDK could resolve credentials for the named profile, whose
// settings are f (nil: look the profile up), else a warning that says why and what to do.
// Config-only profiles get a short explanation too.
func (c *checker) problem(p *awsconfig.Profile, f *fields) string {
	c.links, c.path, c.fbuf = c.links[:0], c.path[:0], c.fbuf[:0]
	i, prob := c.load(p.Name, p, f, true)
	if prob != "" {
		return prob
	}
	return c.resolve(i)
}

// load mirrors setFromIniSections and appends the chain to c.links; it returns the index of
// name's link (-1 when the profile does not exist).
func (c *checker) load(name string, p *awsconfig.Profile, f *fields, top bool) (int, string) {
	if p == nil {
		p = c.cfg.Profile(name)
	}
	if f == nil {
		if p == nil {
			return -1, fmt.Sprintf("source_profile %q names a profile that is not in the config or credentials file; fix the name or add that profile", name)
		}
		if len(c.fbuf) == cap(c.fbuf) { // cannot happen: chains stop at maxChain
			return -1, "source_profile chain too long"
		}
		c.fbuf = c.fbuf[:len(c.fbuf)+1]
		f = &c.fbuf[len(c.fbuf)-1]
		f.read(p.Settings)
	}
	c.links = append(c.links, link{f: f})
	i := len(c.links) - 1
	l := &c.links[i]
	l.roleARN, l.source, l.credSource, l.process, l.webIDFile = f.roleARN, f.sourceProfile, f.credSource, f.process, f.webIDFile
	l.keys, l.legacySSO, l.ssoSession, l.src = f.hasKeys(), f.hasLegacySSO(), strings.TrimSpace(f.ssoSession), -1

	if f.partialKeys() || p != nil && p.PartialKeys {
		have, lack := "aws_access_key_id", "aws_secret_access_key"
		if f.hasSecretKey && !f.hasKeyIDKey {
			have, lack = lack, have
		}
		return i, fmt.Sprintf("%s is set without %s in the same file section (partial credentials), so the SDK refuses the profile; put both in one section or remove %s", have, lack, have)
	}
	if slices.Contains(c.path, name) {
		// The SDK clears the assume-role options of a profile met a second time in a chain:
		// only its own credentials count (this is how source_profile = itself works).
		l.roleARN, l.source = "", ""
	} else if l.roleARN == "" {
		for _, kv := range [...][2]string{{"source_profile", f.sourceProfile}, {"credential_source", f.credSource}, {"web_identity_token_file", f.webIDFile}} {
			if k := kv[0]; kv[1] != "" {
				return i, fmt.Sprintf("%s is set but role_arn is missing, so the SDK refuses the profile; add role_arn = arn:aws:iam::ACCOUNT:role/NAME or remove %s", k, k)
			}
		}
	}
	if !top && l.keys {
		return i, ""
	}
	if len(c.path) >= maxChain {
		return i, fmt.Sprintf("source_profile chain %s → … is longer than %d profiles; shorten it", strings.Join(c.path[:3], " → "), maxChain)
	}
	c.path = append(c.path, name)

	if n := b2i(l.source != "") + b2i(f.credSource != "") + b2i(f.process != "") + b2i(f.webIDFile != ""); n > 1 {
		var set []string
		for _, kv := range [...][2]string{{"source_profile", l.source}, {"credential_source", f.credSource}, {"credential_process", f.process}, {"web_identity_token_file", f.webIDFile}} {
			if kv[1] != "" {
				set = append(set, kv[0])
			}
		}
		return i, fmt.Sprintf("%s are set together, but the SDK allows only one of source_profile, credential_source, credential_process and web_identity_token_file per profile; keep one", strings.Join(set, " and "))
	}

	if source := l.source; source != "" {
		// A linked profile ignores its own credential options: the source provides them.
		l.credSource, l.process, l.webIDFile, l.keys, l.legacySSO = "", "", "", false, false
		depth := len(c.path)
		src, prob := c.load(source, nil, nil, false)
		l = &c.links[i] // c.links may have grown
		c.path = c.path[:depth]
		if prob != "" {
			if src < 0 { // the source itself is missing: prob already names it
				return i, prob
			}
			return i, fmt.Sprintf("source profile %q: %s", source, prob)
		}
		if !c.links[src].hasCredentials() {
			if slices.Contains(c.path, source) {
				return i, fmt.Sprintf("source_profile chain %s → %s loops back to %q, which has no credentials of its own; end the chain at a profile with keys, SSO, credential_process or credential_source",
					strings.Join(c.path, " → "), source, source)
			}
			if c.links[src].f.login != "" {
				return i, fmt.Sprintf("source profile %q signs in with login_session, which aws-sdk-go-v2 does not accept as a role's source; put role_arn in that profile itself (role_arn with login_session works), or source the role from keys or SSO", source)
			}
			return i, fmt.Sprintf("source profile %q has no credentials (no keys, SSO, credential_process, credential_source or source_profile); point source_profile at a profile that has some", source)
		}
		l.src = src
	}

	if l.ssoSession != "" && c.sessions[l.ssoSession] == nil {
		return i, fmt.Sprintf("sso_session %q names an [sso-session %s] section that is not in the config file; add it (aws configure sso-session) or fix the name", l.ssoSession, l.ssoSession)
	}
	return i, ""
}

// resolve mirrors resolveCredsFromProfile for a loaded chain, with instance metadata disabled.
func (c *checker) resolve(i int) string {
	l := &c.links[i]
	switch {
	case l.src >= 0:
		if prob := c.resolve(l.src); prob != "" {
			return fmt.Sprintf("source profile %q: %s", l.f.sourceProfile, prob)
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
		if prob := c.ssoProblem(l.f, l.ssoSession); prob != "" {
			return prob
		}
	case l.f.login != "":
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
func (c *checker) ssoProblem(f *fields, session string) string {
	var missing []string
	if session != "" {
		sess := c.sessions[session]
		if sess == nil {
			return fmt.Sprintf("sso_session %q names an [sso-session %s] section that is not in the config file; add it (aws configure sso-session) or fix the name", session, session)
		}
		for _, kv := range [...][2]string{{"sso_start_url", f.ssoStartURL}, {"sso_region", f.ssoRegion}} {
			k, pv := kv[0], kv[1]
			v := sess.Settings[k]
			if v == "" {
				missing = append(missing, k+" (in [sso-session "+session+"])")
			} else if pv != "" && pv != v {
				return fmt.Sprintf("%s = %s in the profile differs from %s = %s in [sso-session %s], which the SDK refuses; remove it from the profile", k, pv, k, v, session)
			}
		}
	} else {
		for _, kv := range [...][2]string{{"sso_start_url", f.ssoStartURL}, {"sso_region", f.ssoRegion}} {
			if kv[1] == "" {
				missing = append(missing, kv[0])
			}
		}
	}
	for _, kv := range [...][2]string{{"sso_account_id", f.ssoAccountID}, {"sso_role_name", f.ssoRoleName}} {
		if kv[1] == "" {
			missing = append(missing, kv[0])
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

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
