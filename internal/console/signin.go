package console

import (
	"context"
	"errors"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/partition"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
)

// signer holds the state of one SignIn.
type signer struct {
	env Env
	opt Options
	now time.Time
	// sdkClient is handed to the SDK; fedClient does the getSigninToken POST: the client the SDK
	// ended up with (so AWS_CA_BUNDLE applies to it too), else sdkClient.
	sdkClient config.HTTPClient
	fedClient aws.HTTPClient
	requests  atomic.Int64

	profile   string              // the requested profile (for messages)
	ssoLogin  string              // the `aws-profile-bridge sso login ...` command for the chain's SSO link, if any
	ssoFile   string              // the SSO token cache file, when its token is refreshed first
	sso       *awsconfig.SSOLogin // the SSO sign-in the chain needs, for sso_token_* errors
	awsLogin  string              // the `aws login ...` command for the chain's login_session link, if any
	webIDFile string              // the chain's web_identity_token_file, if any
	mfa       string              // the MFA serial in use, if any

	mu       sync.Mutex
	secrets  []string
	calls    []string
	warnings []string
}

func newSigner(env Env, opt Options) *signer {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Timeout <= 0 {
		env.Timeout = DefaultTimeout
	}
	s := &signer{env: env, opt: opt, now: env.Now()}
	if env.HTTPClient != nil {
		c := *env.HTTPClient
		next := c.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		c.Transport = &noIMDSTransport{next: next}
		if c.Timeout <= 0 || c.Timeout > env.Timeout {
			c.Timeout = env.Timeout
		}
		s.sdkClient, s.fedClient = &c, &c
	} else {
		// The SDK's own buildable client, so that AWS_CA_BUNDLE works as the SDK documents.
		c := awshttp.NewBuildableClient().WithTimeout(env.Timeout).WithTransportOptions(refuseIMDSDial)
		s.sdkClient, s.fedClient = c, c
	}
	return s
}

func (s *signer) addSecret(v ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range v {
		if len(x) >= 4 {
			s.secrets = append(s.secrets, x)
		}
	}
}

func (s *signer) addCall(c string) {
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()
}

func (s *signer) warn(w string) { s.warnings = append(s.warnings, w) }

// accessKeyRE matches AWS access key ids (long-term AKIA…, temporary ASIA…).
var accessKeyRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{12,124}\b`) }) // lazy: keeps process start fast

// base64RunRE matches runs of base64 characters: secret access keys are 40 of them, session and
// sign-in tokens hundreds.
var base64RunRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[A-Za-z0-9+/=_-]{40,}`) })

// secretShaped reports a run that looks like a secret access key (40 characters mixing upper and
// lower case and digits, as random base64 does, unlike a hex digest or a word) or a token (100
// or more).
func secretShaped(run string) bool {
	if len(run) >= 100 {
		return true
	}
	if len(strings.TrimRight(run, "=")) != 40 {
		return false
	}
	return strings.ContainsAny(run, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") && strings.ContainsAny(run, "abcdefghijklmnopqrstuvwxyz") &&
		strings.ContainsAny(run, "0123456789")
}

// redact replaces every secret seen during this SignIn, and anything shaped like an access key
// id, a secret key or a token (AWS may echo a credential this SignIn never saw), in msg.
func (s *signer) redact(msg string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.secrets {
		msg = strings.ReplaceAll(msg, x, "[redacted]")
	}
	return redactShapes(msg)
}

// redactShapes replaces what is shaped like an access key id, a secret key or a token.
func redactShapes(msg string) string {
	msg = accessKeyRE().ReplaceAllString(msg, "[redacted]")
	return base64RunRE().ReplaceAllStringFunc(msg, func(run string) string {
		if secretShaped(run) {
			return "[redacted]"
		}
		return run
	})
}

// mode is how console-capable credentials are made.
type mode int

const (
	modeFederationToken mode = iota // long-term keys → GetFederationToken
	modeCheckedAsIs                 // session keys, credential_process: GetCallerIdentity refuses GetSessionToken credentials
	modeAsIs                        // SSO, web identity, login: the provider's credentials
	modeRoleDirect                  // AssumeRole with long-term keys: SessionDuration allowed
	modeRoleChained                 // AssumeRole with temporary credentials: ≤ 1 h, no SessionDuration
)

func (s *signer) signIn(ctx context.Context, cfg *awsconfig.Config, name string) (*Result, error) {
	s.profile = name
	if s.opt.SessionDuration < 0 {
		return nil, newErr(apierr.CodeInvalidDuration, nil, "the session duration must not be negative; ask for 15m to 12h")
	}
	if name == "" || len(name) > 256 || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return nil, newErr(apierr.CodeProfileNotFound, nil, "%q is not a valid profile name", truncate(name, 64))
	}
	if cfg == nil {
		var err error
		if cfg, err = awsconfig.Load(s.env.Paths); err != nil {
			var pe *awsconfig.ParseError
			if errors.As(err, &pe) {
				return nil, newErr(apierr.CodeInvalidConfig, err, "%s line %d cannot be parsed; fix the file and try again", pe.File, pe.Line)
			}
			return nil, newErr(apierr.CodeInvalidConfig, err, "cannot read the AWS config files; check that they exist and are readable")
		}
	}
	top, m, err := s.plan(cfg, name)
	if err != nil {
		return nil, err
	}
	for l := top; l != nil; l = l.Source { // the SDK reads these itself: know them to scrub them
		s.addSecret(l.Profile.Get("aws_access_key_id"), l.Profile.Get("aws_secret_access_key"), l.Profile.Get("aws_session_token"))
	}
	switch l := top.Deepest(); l.Base {
	case profiles.BaseLogin:
		s.awsLogin = loginCommand(l)
	case profiles.BaseWebIdentity:
		s.webIDFile = l.Profile.Get("web_identity_token_file")
	}
	part, region, stsRegion, err := s.partitionAndRegion(cfg, top)
	if err != nil {
		return nil, err
	}
	dest, err := destinationURL(part, region, s.opt.Destination)
	if err != nil {
		return nil, err
	}
	code, err := s.mfaCode(top)
	if err != nil {
		return nil, err
	}
	ssoFile, refresh, err := s.checkSSO(cfg, top.Deepest())
	if err != nil {
		return nil, err
	}

	ctx, cancel := context.WithTimeout(ctx, s.env.Timeout)
	defer cancel()
	if refresh {
		s.ssoFile = ssoFile
		if err := s.refreshSSO(ctx, cfg, top.Deepest().Profile.Get("sso_session")); err != nil {
			return nil, err
		}
	}
	ac := &awsCall{s: s, top: top, region: stsRegion, mfaCode: code, ssoFile: ssoFile, opCtx: ctx}
	cr, err := ac.consoleCredentials(ctx, m)
	if err != nil {
		return nil, s.classify(ctx, err)
	}
	token, err := s.signinToken(ctx, part, region, cr, m)
	if err != nil {
		return nil, err
	}
	issuer := s.opt.Issuer
	if issuer == "" {
		issuer = DefaultIssuer
	}
	u := loginURL(part, region, issuer, dest, token)
	if s.opt.LogoutFirst {
		u = logoutFirstURL(part, region, u)
	}
	s.addSecret(u)
	return &Result{
		URL:             u,
		ExpiresAt:       cr.consoleExpires,
		Kind:            profiles.KindOf(top.Profile),
		Region:          region,
		Partition:       part.ID,
		Destination:     dest,
		SessionDuration: cr.sessionDuration,
		Calls:           s.calls,
		Requests:        int(s.requests.Load()),
		Warnings:        s.warnings,
	}, nil
}

// plan resolves the profile's chain and picks how console credentials are made for it; it
// refuses, before any network call, every chain the profile list shows without credentials.
func (s *signer) plan(cfg *awsconfig.Config, name string) (*profiles.Link, mode, error) {
	top, err := chainOf(cfg, name)
	if err != nil {
		return nil, 0, err
	}
	m, err := s.modeOf(top)
	return top, m, err
}

// modeOf picks how console credentials are made for a chain that resolves.
func (s *signer) modeOf(top *profiles.Link) (mode, error) {
	if top.AssumesRole() {
		if directRole(top) {
			return modeRoleDirect, nil
		}
		return modeRoleChained, nil
	}
	switch top.Base {
	case profiles.BaseKeys:
		return modeFederationToken, nil
	case profiles.BaseSessionKeys, profiles.BaseProcess:
		return modeCheckedAsIs, nil
	case profiles.BaseSSO, profiles.BaseWebIdentity, profiles.BaseLogin:
		return modeAsIs, nil
	}
	// Not reached: ResolveChain reports every other chain as a problem (chain_test.go proves it).
	return 0, newErr(apierr.CodeInvalidConfig, nil, "profile %q has no credentials this host can open the console with; add keys, SSO, credential_process, or role_arn with source_profile", top.Name)
}

// partitionAndRegion decides the partition (from the role ARN, else the region), the console
// region and the region the SDK's STS calls use.
func (s *signer) partitionAndRegion(cfg *awsconfig.Config, top *profiles.Link) (part *partition.Partition, region, stsRegion string, err error) {
	profRegion := top.Profile.Get("region")
	if s.opt.Region != "" && !partition.ValidRegion(s.opt.Region) {
		return nil, "", "", newErr(apierr.CodeInvalidRegion, nil, "%q is not an AWS region name (like eu-west-1)", truncate(s.opt.Region, 40))
	}
	if profRegion != "" && !partition.ValidRegion(profRegion) {
		return nil, "", "", newErr(apierr.CodeInvalidRegion, nil, "profile %q has region = %q, which is not an AWS region name; fix it in ~/.aws/config", top.Name, truncate(profRegion, 40))
	}
	arn := top.RoleARN // also a web identity profile's
	arnPart, _, _ := partition.ParseARN(arn)
	var partID, from string
	switch {
	case arnPart != "":
		partID, from = arnPart, "role "+arn
	case s.opt.Region != "":
		partID, from = partition.Of(s.opt.Region), "region "+s.opt.Region
	case profRegion != "":
		partID, from = partition.Of(profRegion), "region "+profRegion
	default:
		partID, from = partition.AWS, "profile "+top.Name
		if sr := ssoRegion(cfg, top.Deepest()); partition.ValidRegion(sr) {
			partID, from = partition.Of(sr), "SSO region "+sr
		}
	}
	if part, err = lookupPartition(partID, from); err != nil {
		return nil, "", "", err
	}
	for _, r := range []struct{ region, what string }{{s.opt.Region, "the requested region"}, {profRegion, "the profile's region"}} {
		if r.region == "" {
			continue
		}
		if rp := partition.Of(r.region); rp != part.ID {
			if _, err := lookupPartition(rp, "region "+r.region); err != nil {
				return nil, "", "", err
			}
			return nil, "", "", newErr(apierr.CodeInvalidRegion, nil, "%s %s is in partition %s, but %s is in %s; choose a region of %s",
				r.what, r.region, rp, from, part.ID, part.ID)
		}
	}
	region = s.opt.Region
	if region == "" {
		region = profRegion
	}
	if region == "" {
		region = part.DefaultRegion
	}
	stsRegion = profRegion
	if stsRegion == "" {
		stsRegion = part.DefaultRegion
	}
	return part, region, stsRegion, nil
}

// ssoRegion returns the SSO region of an SSO link ("" otherwise).
func ssoRegion(cfg *awsconfig.Config, l *profiles.Link) string {
	if l.Base != profiles.BaseSSO {
		return ""
	}
	if n := l.Profile.Get("sso_session"); n != "" {
		if ss := cfg.SSOSessions[n]; ss != nil {
			return ss.Settings.Get("sso_region")
		}
	}
	return l.Profile.Get("sso_region")
}

// mfaCode returns the code for the chain's MFA devices, asking env.MFAPrompt when needed.
// The prompt runs before any network call, outside the deadline.
func (s *signer) mfaCode(top *profiles.Link) (string, error) {
	serial := ""
	for _, l := range roles(top) {
		if m := effectiveMFA(l); m != "" {
			serial = m
		}
	}
	if !top.AssumesRole() && top.Deepest().Base == profiles.BaseKeys && top.Profile.Get("mfa_serial") != "" {
		s.warn("mfa_serial is ignored for IAM user keys: GetFederationToken cannot use MFA; use a role profile with mfa_serial to sign in with MFA")
	}
	if serial == "" {
		return "", nil
	}
	s.mfa = serial
	code := strings.TrimSpace(s.opt.MFACode)
	if code == "" && s.env.MFAPrompt != nil {
		c, err := s.env.MFAPrompt(serial)
		if err != nil {
			return "", newErr(apierr.CodeMFARequired, err, "profile %q needs a code from MFA device %s, and none was entered", s.profile, serial)
		}
		code = strings.TrimSpace(c)
	}
	if code == "" {
		return "", newErr(apierr.CodeMFARequired, nil, "profile %q needs a code from MFA device %s; send it as the MFA code and try again", s.profile, serial)
	}
	if !mfaCodeRE().MatchString(code) {
		return "", newErr(apierr.CodeMFAInvalid, nil, "an MFA code is 6 digits; enter the current code of %s", serial)
	}
	return code, nil
}

// clampDuration bounds d to [lo, hi].
func clampDuration(d, lo, hi time.Duration) time.Duration {
	if d < lo {
		return lo
	}
	if d > hi {
		return hi
	}
	return d
}

// noIMDSTransport refuses instance-metadata addresses outright (belt and braces: the SDK's
// IMDS client is disabled too).
type noIMDSTransport struct{ next http.RoundTripper }

var errIMDS = errors.New("refusing to call the instance metadata service")

func (t *noIMDSTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if isIMDSHost(r.URL.Hostname()) {
		return nil, errIMDS
	}
	return t.next.RoundTrip(r)
}

// refuseIMDSDial makes a transport refuse to dial the instance-metadata addresses.
func refuseIMDSDial(tr *http.Transport) {
	dial := tr.DialContext
	if dial == nil {
		dial = (&net.Dialer{Timeout: 5 * time.Second}).DialContext
	}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, _, err := net.SplitHostPort(addr); err == nil && isIMDSHost(host) {
			return nil, errIMDS
		}
		return dial(ctx, network, addr)
	}
}

func isIMDSHost(h string) bool {
	if ip := net.ParseIP(h); ip != nil {
		return ip.Equal(net.IPv4(169, 254, 169, 254)) || ip.Equal(net.ParseIP("fd00:ec2::254"))
	}
	return strings.EqualFold(h, "instance-data") || strings.EqualFold(h, "instance-data.ec2.internal")
}

func secondsString(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }
