package profiles

import (
	"strings"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// keptDespiteName lists keys whose names contain "secret", "token" or "password" but whose
// values are not secrets.
var keptDespiteName = map[string]bool{
	"web_identity_token_file":  true, // a path
	"x_security_token_expires": true, // a timestamp
	"sso_registration_scopes":  true,
}

// SafeSettings returns a copy of p's merged settings without secrets, for display (the CLI's
// --json). It drops aws_secret_access_key, aws_session_token, aws_security_token and every key
// whose name contains "secret", "token" or "password" (except the non-secret keys
// web_identity_token_file, x_security_token_expires and sso_registration_scopes). It also drops
// aws_access_key_id: a key id alone is not a secret, but it identifies the IAM user and is half of
// a credential, so to be safe it never leaves the host. Values of other keys are returned as
// they are (credential_process is kept: it is a command line, which should not hold secrets).
// It returns nil for a nil profile.
func SafeSettings(p *awsconfig.Profile) map[string]string {
	if p == nil {
		return nil
	}
	out := make(map[string]string, len(p.Settings))
	for k, v := range p.Settings {
		if isSecretKey(k) {
			continue
		}
		out[k] = v
	}
	return out
}

func isSecretKey(k string) bool {
	k = strings.ToLower(k)
	if keptDespiteName[k] {
		return false
	}
	switch k {
	case "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_security_token":
		return true
	}
	return strings.Contains(k, "secret") || strings.Contains(k, "token") || strings.Contains(k, "password")
}
