package profiles

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/partition"
)

// expiryKeys are the settings tools write next to temporary keys, in the order they are trusted.
var expiryKeys = [...]string{"aws_expiration", "x_security_token_expires", "expiration"}

// Build returns one Profile per cfg.Profiles entry, in file order (the extension sorts). It reads
// no files and makes no network calls: SSO profiles get SSOTokenState "unknown" (see EnrichSSO).
//
// HasCredentials is true when aws-sdk-go-v2 could resolve credentials for the profile without
// EC2 instance metadata: static or session keys, a role whose source_profile chain ends in
// credentials (or credential_source Environment/EcsContainer), an SSO profile with a complete
// configuration (start URL, region, account id, role name; the token is not checked here),
// credential_process, web identity, login_session. Config-only and broken profiles get false and
// a warning saying why and what to do.
//
// Expiration comes from aws_expiration, x_security_token_expires or expiration (first that
// parses, in that order), else from the credentials file's "# Expires YYYY-MM-DD HH:MM:SS"
// comment (UTC); Expired is true when it is not after now.
//
// The result is never nil, so it marshals as a JSON array.
func Build(cfg *awsconfig.Config, now time.Time) []Profile {
	if cfg == nil {
		return []Profile{}
	}
	c := newChecker(cfg)
	n := 0
	for _, ap := range cfg.Profiles {
		if ap != nil {
			n++
		}
	}
	out := make([]Profile, 0, n)
	for _, ap := range cfg.Profiles {
		if ap != nil {
			out = out[:len(out)+1]
			c.build(&out[len(out)-1], ap, now)
		}
	}
	return out
}

func (c *checker) build(p *Profile, ap *awsconfig.Profile, now time.Time) {
	f := &c.top
	f.read(ap.Settings)
	*p = Profile{
		Name:          ap.Name,
		Kind:          f.kind(),
		Region:        f.region,
		AWSRegion:     f.region,
		RoleARN:       f.roleARN,
		SourceProfile: f.sourceProfile,
		MFASerial:     f.mfaSerial,
	}
	var warns []string
	if len(ap.Warnings) > 0 {
		warns = append(warns, ap.Warnings...)
	}
	if !utf8.ValidString(ap.Name) {
		warns = append(warns, fmt.Sprintf("the name is not valid UTF-8 (shown as %q): aws-profile-bridge opens it by that name, but other tools may not; rename the section in ~/.aws/config",
			strings.ToValidUTF8(ap.Name, "\uFFFD")))
	}

	// Credentials.
	prob := c.problem(ap, f)
	p.HasCredentials = prob == ""
	if prob != "" {
		warns = append(warns, prob)
	}
	warns = appendKeyWarnings(warns, p.Kind, f)

	// SSO.
	if p.Kind == KindSSO {
		p.IsSSO = true
		p.SSOTokenState = TokenUnknown
		p.SSOSession = f.ssoSession
		p.SSOAccountID = f.ssoAccountID
		p.SSORoleName = f.ssoRoleName
		p.SSOStartURL = f.ssoStartURL
		p.SSORegion = f.ssoRegion
		if sess := c.sessions[p.SSOSession]; p.SSOSession != "" && sess != nil {
			if v := sess.Settings.Get("sso_start_url"); v != "" {
				p.SSOStartURL = v
			}
			if v := sess.Settings.Get("sso_region"); v != "" {
				p.SSORegion = v
			}
		}
	}

	// Expiry of keys in the file.
	t, ok, w := fileExpiry(f, ap.ExpiresComment)
	if ok {
		exp := t.Format(time.RFC3339)
		p.Expiration = &exp
		p.Expired = !t.After(now)
	}
	warns = append(warns, w...)

	// Partition and account.
	arnPartition, arnAccount := "", ""
	if part, acct, ok := partition.ParseARN(f.roleARN); ok {
		arnPartition, arnAccount = part, acct
	}
	if part, _, ok := partition.ParseARN(f.mfaSerial); ok && arnPartition == "" {
		arnPartition = part
	}
	switch {
	case p.Region != "":
		p.Partition = partition.Of(p.Region)
		if arnPartition != "" && arnPartition != p.Partition {
			warns = append(warns, fmt.Sprintf("region %s is in partition %s but the ARNs in this profile are in %s; fix region or the ARN", p.Region, p.Partition, arnPartition))
		}
	case arnPartition != "":
		p.Partition = arnPartition
	case p.SSORegion != "":
		p.Partition = partition.Of(p.SSORegion)
	default:
		p.Partition = partition.AWS
	}
	switch pt := partition.Lookup(p.Partition); {
	case pt == nil:
		warns = append(warns, fmt.Sprintf("partition %s is not one this host knows (%s), so it cannot open it; check the ARNs",
			p.Partition, strings.Join(partition.WithConsole(), ", ")))
	case !pt.HasConsole():
		warns = append(warns, fmt.Sprintf("partition %s has no public AWS Console, so this host cannot open it", p.Partition))
	}
	switch {
	case arnAccount != "" && p.Kind == KindRole:
		p.AccountID = arnAccount
	case f.ssoAccountID != "":
		p.AccountID = f.ssoAccountID
	case arnAccount != "":
		p.AccountID = arnAccount
	default:
		p.AccountID = f.awsAccountID
	}

	p.Color, p.Icon, warns = colorIconWarn(ap.Name, f.grantedColor, f.grantedIcon, warns)
	p.Warnings = warns
}

// appendKeyWarnings reports settings the SDK silently ignores or the AWS CLI rejects.
func appendKeyWarnings(warns []string, kind Kind, f *fields) []string {
	id, secret := f.keyID != "", f.secret != ""
	if f.sessionToken == "" && f.securityToken != "" && id && secret {
		warns = append(warns, "aws_security_token is not read by aws-sdk-go-v2; rename it to aws_session_token")
	}
	// role_arn with login_session in one profile is how aws-sdk-go-v2 assumes a role from an aws
	// login session (it refuses a login_session profile as a source_profile), so no advice to move it.
	if kind == KindRole && f.roleARN != "" && f.sourceProfile == "" && f.credSource == "" && f.login == "" &&
		(f.hasKeys() || f.hasSSO() || f.process != "") {
		warns = append(warns, "role_arn without source_profile or credential_source: the Go SDK assumes the role with this profile's own credentials, but the AWS CLI rejects the profile; move those credentials to another profile and set source_profile")
	}
	return warns
}

// fileExpiry reads the expiry of the keys in the file. ok is false when there is none that parses;
// warnings name the values that do not parse.
func fileExpiry(f *fields, comment string) (t time.Time, ok bool, warns []string) {
	for i, k := range expiryKeys {
		v := f.expiry[i]
		if v == "" {
			continue
		}
		parsed, err := awsconfig.ParseTime(v)
		if err != nil {
			warns = append(warns, fmt.Sprintf("%s = %s is not a timestamp this host understands; ignored (write RFC 3339, e.g. 2024-01-01T00:00:00Z)", k, v))
			continue
		}
		if !ok {
			t, ok = parsed, true
		}
	}
	if v := comment; v != "" {
		parsed, err := awsconfig.ParseTime(v)
		if err != nil {
			warns = append(warns, fmt.Sprintf("# Expires %s is not a timestamp this host understands; ignored (write # Expires YYYY-MM-DD HH:MM:SS in UTC)", v))
		} else if !ok {
			t, ok = parsed, true
		}
	}
	return t, ok, warns
}
