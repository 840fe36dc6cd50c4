package profiles

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// Base says where a link of a credential chain gets its input credentials, in the order
// aws-sdk-go-v2's resolveCredsFromProfile tries them once source_profile (which comes first) is
// ruled out.
type Base uint8

// The input credentials of a link.
const (
	BaseNone        Base = iota // nothing (or a Source): the SDK would fall through to containers and instance metadata
	BaseKeys                    // aws_access_key_id + aws_secret_access_key: long-term IAM user keys
	BaseSessionKeys             // ... plus aws_session_token
	BaseEnvironment             // credential_source = Environment
	BaseECS                     // credential_source = EcsContainer
	BaseIMDS                    // credential_source = Ec2InstanceMetadata, which this host never calls
	BaseBadSource               // credential_source with any other value, which the SDK refuses
	BaseWebIdentity             // web_identity_token_file: the web identity provider assumes role_arn itself
	BaseSSO                     // sso_session or a legacy sso_* key
	BaseLogin                   // login_session (aws login)
	BaseProcess                 // credential_process
)

// base is the input credentials of a profile by its own settings, ignoring source_profile.
func (f *fields) base() Base {
	switch {
	case f.hasKeys():
		if f.sessionToken != "" {
			return BaseSessionKeys
		}
		return BaseKeys
	case f.credSource != "":
		switch f.credSource {
		case "Environment":
			return BaseEnvironment
		case "EcsContainer":
			return BaseECS
		case "Ec2InstanceMetadata":
			return BaseIMDS
		}
		return BaseBadSource
	case f.webIDFile != "":
		return BaseWebIdentity
	case f.hasSSO():
		return BaseSSO
	case f.login != "":
		return BaseLogin
	case f.process != "":
		return BaseProcess
	}
	return BaseNone
}

// Link is one profile of a source_profile chain after aws-sdk-go-v2's clearing rules
// (SharedConfig.setFromIniSections).
type Link struct {
	Name    string
	Profile *awsconfig.Profile // the profile's merged settings
	// RoleARN is the profile's role_arn, cleared when the chain meets the profile a second time
	// (then only its own credentials count). With BaseWebIdentity the web identity provider
	// assumes it; otherwise the SDK assumes it with the input credentials (see AssumesRole).
	RoleARN   string
	MFASerial string // the profile's mfa_serial, cleared with RoleARN
	Base      Base   // the input credentials when Source is nil; BaseNone when it is not
	Source    *Link  // the source_profile link, or nil

	f                              *fields
	source                         string // source_profile after the clearing rules
	credSource, process, webIDFile string // credential options after the clearing rules
	keys, legacySSO                bool
	ssoSession                     string
	src                            int // index of Source in checker.links, or -1
}

// AssumesRole reports whether the SDK calls sts:AssumeRole for this link, with its input
// credentials (a web identity link's role is assumed by the web identity provider instead).
func (l *Link) AssumesRole() bool { return l.RoleARN != "" && l.Base != BaseWebIdentity }

// Input returns the link whose credentials this link starts from: its Source, else itself.
func (l *Link) Input() *Link {
	if l.Source != nil {
		return l.Source
	}
	return l
}

// Deepest returns the link at the end of the chain, whose Base supplies the credentials.
func (l *Link) Deepest() *Link {
	for l.Source != nil {
		l = l.Source
	}
	return l
}

// hasCredentials mirrors SharedConfig.hasCredentials (login_session does not count there).
func (l *Link) hasCredentials() bool {
	return l.source != "" || l.credSource != "" || l.process != "" || l.webIDFile != "" ||
		l.ssoSession != "" || l.legacySSO || l.keys
}

// Chain is a profile's source_profile chain as aws-sdk-go-v2 resolves it, with instance
// metadata disabled.
type Chain struct {
	// Links[0] is the profile asked for; every Source points into Links. When Problem is set the
	// chain may stop short, at the link that has it.
	Links []Link
	// Problem is "" when the SDK could resolve credentials for the profile; else it says why not
	// and what to do. Build shows it as a warning and sets has_credentials from it.
	Problem string
	// NoCredentials says that Problem is a lack of credentials (none at all, or only instance
	// metadata), rather than settings the SDK refuses.
	NoCredentials bool
}

// Top returns the link of the profile asked for, or nil when there is no such profile.
func (c *Chain) Top() *Link {
	if len(c.Links) == 0 {
		return nil
	}
	return &c.Links[0]
}

// ResolveChain resolves the named profile's credential chain. It is the one resolver behind
// Build's has_credentials and warnings and behind the console's sign-in.
func ResolveChain(cfg *awsconfig.Config, name string) *Chain {
	var p *awsconfig.Profile
	if cfg != nil {
		p = cfg.Profile(name)
	}
	if p == nil {
		return &Chain{Problem: fmt.Sprintf("profile %q is not in the config or credentials file", name)}
	}
	c := newChecker(cfg)
	ft := c.chain(p, nil)
	for i := range c.links {
		if s := c.links[i].src; s >= 0 {
			c.links[i].Source = &c.links[s]
		}
	}
	return &Chain{Links: c.links, Problem: ft.msg, NoCredentials: ft.none}
}

// checker resolves chains. It mirrors the SDK's two phases: loading the profile and its
// source_profile chain (SharedConfig.setFromIniSections) and picking a provider
// (resolveCredsFromProfile). A checker is not safe for concurrent use: it reuses its buffers
// from one profile to the next, so that Build allocates almost nothing per profile.
type checker struct {
	cfg      *awsconfig.Config
	sessions map[string]*awsconfig.SSOSession
	links    []Link   // the chain being resolved
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

// fault is why a chain does not resolve: msg for people, none when nothing supplies
// credentials (as opposed to settings the SDK refuses).
type fault struct {
	msg  string
	none bool
}

func refused(format string, a ...any) fault { return fault{msg: fmt.Sprintf(format, a...)} }
func lacking(format string, a ...any) fault {
	return fault{msg: fmt.Sprintf(format, a...), none: true}
}

// problem returns "" when the SDK could resolve credentials for profile p, whose settings are
// f (nil: read them), else a warning that says why and what to do.
func (c *checker) problem(p *awsconfig.Profile, f *fields) string { return c.chain(p, f).msg }

// chain resolves p's chain into c.links (Source pointers are left unset: c.links may grow).
func (c *checker) chain(p *awsconfig.Profile, f *fields) fault {
	c.links, c.path, c.fbuf = c.links[:0], c.path[:0], c.fbuf[:0]
	i, ft := c.load(p.Name, p, f, true)
	if ft.msg != "" {
		return ft
	}
	return c.resolve(i)
}

// load mirrors setFromIniSections and appends the chain to c.links; it returns the index of
// name's link (-1 when the profile does not exist).
func (c *checker) load(name string, p *awsconfig.Profile, f *fields, top bool) (int, fault) {
	if p == nil {
		p = c.cfg.Profile(name)
	}
	if f == nil {
		if p == nil {
			return -1, refused("source_profile %q names a profile that is not in the config or credentials file; fix the name or add that profile", name)
		}
		if len(c.fbuf) == cap(c.fbuf) { // cannot happen: chains stop at maxChain
			return -1, refused("source_profile chain too long")
		}
		c.fbuf = c.fbuf[:len(c.fbuf)+1]
		f = &c.fbuf[len(c.fbuf)-1]
		f.read(p.Settings)
	}
	c.links = append(c.links, Link{Name: name, Profile: p, f: f, src: -1})
	i := len(c.links) - 1
	l := &c.links[i]
	l.RoleARN, l.MFASerial, l.Base = f.roleARN, f.mfaSerial, f.base()
	l.source, l.credSource, l.process, l.webIDFile = f.sourceProfile, f.credSource, f.process, f.webIDFile
	l.keys, l.legacySSO, l.ssoSession = f.hasKeys(), f.hasLegacySSO(), strings.TrimSpace(f.ssoSession)

	if f.partialKeys() || p != nil && p.PartialKeys {
		have, lack := "aws_access_key_id", "aws_secret_access_key"
		if f.hasSecretKey && !f.hasKeyIDKey {
			have, lack = lack, have
		}
		return i, refused("%s is set without %s in the same file section (partial credentials), so the SDK refuses the profile; put both in one section or remove %s", have, lack, have)
	}
	if slices.Contains(c.path, name) {
		// The SDK clears the assume-role options of a profile met a second time in a chain:
		// only its own credentials count (this is how source_profile = itself works).
		l.RoleARN, l.MFASerial, l.source = "", "", ""
	} else if l.RoleARN == "" {
		for _, kv := range [...][2]string{{"source_profile", f.sourceProfile}, {"credential_source", f.credSource}, {"web_identity_token_file", f.webIDFile}} {
			if k := kv[0]; kv[1] != "" {
				return i, refused("%s is set but role_arn is missing, so the SDK refuses the profile; add role_arn = arn:aws:iam::ACCOUNT:role/NAME or remove %s", k, k)
			}
		}
	}
	if !top && l.keys {
		return i, fault{}
	}
	if len(c.path) >= maxChain {
		return i, refused("source_profile chain %s → … is longer than %d profiles; shorten it", strings.Join(c.path[:3], " → "), maxChain)
	}
	c.path = append(c.path, name)

	if n := b2i(l.source != "") + b2i(f.credSource != "") + b2i(f.process != "") + b2i(f.webIDFile != ""); n > 1 {
		var set []string
		for _, kv := range [...][2]string{{"source_profile", l.source}, {"credential_source", f.credSource}, {"credential_process", f.process}, {"web_identity_token_file", f.webIDFile}} {
			if kv[1] != "" {
				set = append(set, kv[0])
			}
		}
		return i, refused("%s are set together, but the SDK allows only one of source_profile, credential_source, credential_process and web_identity_token_file per profile; keep one", strings.Join(set, " and "))
	}

	if source := l.source; source != "" {
		// A linked profile ignores its own credential options: the source provides them.
		l.credSource, l.process, l.webIDFile, l.keys, l.legacySSO, l.Base = "", "", "", false, false, BaseNone
		depth := len(c.path)
		src, ft := c.load(source, nil, nil, false)
		l = &c.links[i] // c.links may have grown
		c.path = c.path[:depth]
		if ft.msg != "" {
			if src >= 0 { // else the source itself is missing: the message already names it
				ft.msg = fmt.Sprintf("source profile %q: %s", source, ft.msg)
			}
			return i, ft
		}
		if s := &c.links[src]; !s.hasCredentials() {
			if slices.Contains(c.path, source) {
				return i, lacking("source_profile chain %s → %s loops back to %q, which has no credentials of its own; end the chain at a profile with keys, SSO, credential_process or credential_source",
					strings.Join(c.path, " → "), source, source)
			}
			if s.f.login != "" {
				return i, refused("source profile %q signs in with login_session, which aws-sdk-go-v2 does not accept as a role's source; put login_session = %s into %q instead of source_profile (role_arn with login_session in one profile works), or source the role from keys or SSO",
					source, s.f.login, l.Name)
			}
			return i, lacking("source profile %q has no credentials (no keys, SSO, credential_process, credential_source or source_profile); point source_profile at a profile that has some", source)
		}
		l.src = src
	}

	if l.ssoSession != "" && c.sessions[l.ssoSession] == nil {
		return i, refused("sso_session %q names an [sso-session %s] section that is not in the config file; add it (aws configure sso-session) or fix the name", l.ssoSession, l.ssoSession)
	}
	return i, fault{}
}

// resolve mirrors resolveCredsFromProfile for a loaded chain, with instance metadata disabled.
func (c *checker) resolve(i int) fault {
	l := &c.links[i]
	if l.src >= 0 {
		ft := c.resolve(l.src)
		if ft.msg != "" {
			ft.msg = fmt.Sprintf("source profile %q: %s", c.links[l.src].Name, ft.msg)
		}
		return ft
	}
	switch l.Base {
	case BaseKeys, BaseSessionKeys, BaseEnvironment, BaseECS, BaseLogin, BaseProcess:
	case BaseIMDS:
		return lacking("credential_source = Ec2InstanceMetadata needs EC2 instance metadata, and this host never calls instance metadata; use source_profile with a profile that has keys or SSO instead")
	case BaseBadSource:
		return refused("credential_source = %s is not one of Environment, EcsContainer, Ec2InstanceMetadata (case matters); fix the value", l.credSource)
	case BaseWebIdentity:
		if l.RoleARN == "" {
			return refused("web_identity_token_file is set but role_arn is missing; add role_arn")
		}
	case BaseSSO:
		if msg := c.ssoProblem(l.f, l.ssoSession); msg != "" {
			return fault{msg: msg}
		}
	default:
		if l.RoleARN != "" {
			return lacking("role_arn is set without source_profile or credential_source, so the SDK would fall back to EC2 instance metadata, which this host never calls; add source_profile = PROFILE (one with keys or SSO) or credential_source")
		}
		return lacking("this profile has no credentials, only settings (such as region); add keys, SSO, credential_process, or role_arn with source_profile to open it")
	}
	return fault{}
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
			v := sess.Settings.Get(k)
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
