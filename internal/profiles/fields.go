package profiles

import "github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"

// fields holds the settings this package reads, taken from a profile's settings in one pass
// (a switch per key is much cheaper than a lookup per setting with 10 000 profiles).
type fields struct {
	region, roleARN, sourceProfile, mfaSerial  string
	credSource, process, webIDFile, login      string
	keyID, secret, sessionToken, securityToken string
	ssoSession, ssoStartURL, ssoRegion         string
	ssoAccountID, ssoRoleName, awsAccountID    string
	grantedColor, grantedIcon                  string
	expiry                                     [len(expiryKeys)]string // by expiryKeys
	// hasKeyIDKey and hasSecretKey: the key is present, even with an empty value (the SDK's
	// partial-credentials check looks at presence).
	hasKeyIDKey, hasSecretKey bool
}

func readFields(s awsconfig.Settings) (f fields) {
	f.read(s)
	return f
}

// read fills f from the settings s, in place.
func (f *fields) read(s awsconfig.Settings) {
	*f = fields{}
	for _, kv := range s {
		k, v := kv.Key, kv.Value
		if v == "" {
			switch k {
			case "aws_access_key_id":
				f.hasKeyIDKey = true
			case "aws_secret_access_key":
				f.hasSecretKey = true
			}
			continue
		}
		switch k {
		case "region":
			f.region = v
		case "role_arn":
			f.roleARN = v
		case "source_profile":
			f.sourceProfile = v
		case "mfa_serial":
			f.mfaSerial = v
		case "credential_source":
			f.credSource = v
		case "credential_process":
			f.process = v
		case "web_identity_token_file":
			f.webIDFile = v
		case "login_session":
			f.login = v
		case "aws_access_key_id":
			f.keyID, f.hasKeyIDKey = v, true
		case "aws_secret_access_key":
			f.secret, f.hasSecretKey = v, true
		case "aws_session_token":
			f.sessionToken = v
		case "aws_security_token":
			f.securityToken = v
		case "sso_session":
			f.ssoSession = v
		case "sso_start_url":
			f.ssoStartURL = v
		case "sso_region":
			f.ssoRegion = v
		case "sso_account_id":
			f.ssoAccountID = v
		case "sso_role_name":
			f.ssoRoleName = v
		case "aws_account_id":
			f.awsAccountID = v
		case "granted_color":
			f.grantedColor = v
		case "granted_icon":
			f.grantedIcon = v
		case expiryKeys[0]:
			f.expiry[0] = v
		case expiryKeys[1]:
			f.expiry[1] = v
		case expiryKeys[2]:
			f.expiry[2] = v
		}
	}
}

// partialKeys mirrors the SDK's "partial credentials found for profile" error: one of the two
// keys without the other makes the SDK refuse the whole profile (and any chain through it).
func (f *fields) partialKeys() bool { return f.hasKeyIDKey != f.hasSecretKey }

// hasKeys mirrors aws.Credentials.HasKeys: both the key id and the secret are needed.
func (f *fields) hasKeys() bool { return f.keyID != "" && f.secret != "" }

// hasSSO mirrors SharedConfig.hasSSOConfiguration: sso_session, or any legacy SSO key.
func (f *fields) hasSSO() bool { return f.ssoSession != "" || f.hasLegacySSO() }

func (f *fields) hasLegacySSO() bool {
	return f.ssoRegion != "" || f.ssoAccountID != "" || f.ssoStartURL != "" || f.ssoRoleName != ""
}
