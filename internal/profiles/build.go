package profiles

import (
	"fmt"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
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
	out := make([]Profile, 0, len(cfg.Profiles))
	for _, ap := range cfg.Profiles {
		if ap != nil {
			out = append(out, c.build(ap, now))
		}
	}
	return out
}

func (c *checker) build(ap *awsconfig.Profile, now time.Time) Profile {
	s := ap.Settings
	p := Profile{
		Name:          ap.Name,
		Kind:          KindOf(ap),
		Region:        s["region"],
		AWSRegion:     s["region"],
		RoleARN:       s["role_arn"],
		SourceProfile: s["source_profile"],
		MFASerial:     s["mfa_serial"],
	}
	var warns []string
	if len(ap.Warnings) > 0 {
		warns = append(warns, ap.Warnings...)
	}

	// Credentials.
	prob := c.problem(ap)
	p.HasCredentials = prob == ""
	if prob != "" {
		warns = append(warns, prob)
	}
	warns = appendKeyWarnings(warns, p.Kind, s)

	// SSO.
	if p.Kind == KindSSO {
		p.IsSSO = true
		p.SSOTokenState = TokenUnknown
		p.SSOSession = s["sso_session"]
		p.SSOAccountID = s["sso_account_id"]
		p.SSORoleName = s["sso_role_name"]
		p.SSOStartURL = s["sso_start_url"]
		p.SSORegion = s["sso_region"]
		if sess := c.sessions[p.SSOSession]; p.SSOSession != "" && sess != nil {
			if v := sess.Settings["sso_start_url"]; v != "" {
				p.SSOStartURL = v
			}
			if v := sess.Settings["sso_region"]; v != "" {
				p.SSORegion = v
			}
		}
	}

	// Expiry of keys in the file.
	t, ok, w := fileExpiry(ap)
	if ok {
		exp := t.Format(time.RFC3339)
		p.Expiration = &exp
		p.Expired = !t.After(now)
	}
	warns = append(warns, w...)

	// Partition and account.
	arnPartition, arnAccount := "", ""
	for _, k := range [...]string{"role_arn", "mfa_serial"} {
		if part, acct, ok := ParseARN(s[k]); ok {
			if arnPartition == "" {
				arnPartition = part
			}
			if arnAccount == "" && k == "role_arn" {
				arnAccount = acct
			}
		}
	}
	switch {
	case p.Region != "":
		p.Partition = PartitionOf(p.Region)
		if arnPartition != "" && arnPartition != p.Partition {
			warns = append(warns, fmt.Sprintf("region %s is in partition %s but the ARNs in this profile are in %s; fix region or the ARN", p.Region, p.Partition, arnPartition))
		}
	case arnPartition != "":
		p.Partition = arnPartition
	case p.SSORegion != "":
		p.Partition = PartitionOf(p.SSORegion)
	default:
		p.Partition = PartitionAWS
	}
	if !HasPublicConsole(p.Partition) {
		warns = append(warns, fmt.Sprintf("partition %s has no public AWS Console, so this host cannot open it", p.Partition))
	}
	switch {
	case arnAccount != "" && p.Kind == KindRole:
		p.AccountID = arnAccount
	case s["sso_account_id"] != "":
		p.AccountID = s["sso_account_id"]
	case arnAccount != "":
		p.AccountID = arnAccount
	default:
		p.AccountID = s["aws_account_id"]
	}

	var cw []string
	p.Color, p.Icon, cw = colorIcon(ap.Name, s)
	warns = append(warns, cw...)
	p.Warnings = warns
	return p
}

// appendKeyWarnings reports settings the SDK silently ignores or the AWS CLI rejects.
func appendKeyWarnings(warns []string, kind Kind, s map[string]string) []string {
	id, secret := s["aws_access_key_id"] != "", s["aws_secret_access_key"] != ""
	switch {
	case id && !secret:
		warns = append(warns, "aws_access_key_id is set without aws_secret_access_key, so the SDK ignores the key; add the secret or remove the key")
	case secret && !id:
		warns = append(warns, "aws_secret_access_key is set without aws_access_key_id, so the SDK ignores it; add the key id or remove the secret")
	}
	if s["aws_session_token"] == "" && s["aws_security_token"] != "" && id && secret {
		warns = append(warns, "aws_security_token is not read by aws-sdk-go-v2; rename it to aws_session_token")
	}
	if kind == KindRole && s["role_arn"] != "" && s["source_profile"] == "" && s["credential_source"] == "" &&
		(hasKeys(s) || hasSSO(s) || s["login_session"] != "" || s["credential_process"] != "") {
		warns = append(warns, "role_arn without source_profile or credential_source: the Go SDK assumes the role with this profile's own credentials, but the AWS CLI rejects the profile; move those credentials to another profile and set source_profile")
	}
	return warns
}

// fileExpiry reads the expiry of the keys in the file. ok is false when there is none that parses;
// warnings name the values that do not parse.
func fileExpiry(ap *awsconfig.Profile) (t time.Time, ok bool, warns []string) {
	for _, k := range expiryKeys {
		v := ap.Settings[k]
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
	if v := ap.ExpiresComment; v != "" {
		parsed, err := awsconfig.ParseTime(v)
		if err != nil {
			warns = append(warns, fmt.Sprintf("# Expires %s is not a timestamp this host understands; ignored (write # Expires YYYY-MM-DD HH:MM:SS in UTC)", v))
		} else if !ok {
			t, ok = parsed, true
		}
	}
	return t, ok, warns
}
