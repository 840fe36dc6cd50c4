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

// SafeSettings returns p's merged settings without secrets, for display (the CLI's --json), as
// aws-sdk-go-v2 resolves them: a key followed by indented "k = v" lines (s3 =, then
// max_concurrent_requests = 10) maps to its sub-properties (a map[string]string), any other key
// to its value (a string). The result is never nil, so that it always shows as an object.
//
// It drops aws_secret_access_key, aws_session_token, aws_security_token and every key or
// sub-property key whose name contains "secret", "token" or "password" (except the non-secret
// keys web_identity_token_file, x_security_token_expires and sso_registration_scopes). It also
// drops aws_access_key_id: a key id alone is not a secret, but it identifies the IAM user and is
// half of a credential, so to be safe it never leaves the host. Values of other keys are returned
// as they are (credential_process is kept: it is a command line, which should not hold secrets).
func SafeSettings(p *awsconfig.Profile) map[string]any {
	out := map[string]any{}
	if p == nil {
		return out
	}
	for _, kv := range p.Settings {
		k, v := kv.Key, kv.Value
		if isSecretKey(k) {
			continue
		}
		sub := p.SubProperties[k]
		if sub == nil {
			out[k] = v
			continue
		}
		m := make(map[string]string, len(sub))
		for sk, sv := range sub {
			if !isSecretKey(sk) {
				m[sk] = sv
			}
		}
		out[k] = m
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
