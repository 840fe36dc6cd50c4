// Package profiles turns the merged AWS files into the Profile objects the extension shows:
// kind, region, partition, account, expiry, SSO token state, container colour and icon.
package profiles

// Kind says how a profile gets credentials, and so how a console session is made for it.
type Kind string

// The profile kinds (docs/AWS-CONFIG.md, "Profile kinds").
const (
	KindStatic      Kind = "static"       // aws_access_key_id + aws_secret_access_key (long-term IAM user keys)
	KindSession     Kind = "session"      // ... plus aws_session_token
	KindRole        Kind = "role"         // role_arn + source_profile or credential_source
	KindSSO         Kind = "sso"          // sso_session or sso_start_url, with sso_account_id + sso_role_name
	KindProcess     Kind = "process"      // credential_process
	KindWebIdentity Kind = "web-identity" // web_identity_token_file + role_arn
	KindLogin       Kind = "login"        // login_session (aws login)
	KindConfigOnly  Kind = "config-only"  // nothing to sign in with
)

// SSO token states reported in Profile.SSOTokenState.
const (
	TokenUnknown = "unknown" // getProfiles: the cache was not read
	TokenValid   = "valid"
	TokenExpired = "expired"
	// TokenRefreshable: the access token has expired, but the entry holds a refresh token and a
	// live client registration, so the SDK (or aws-profile-bridge sso login) gets a new one
	// without a person.
	TokenRefreshable = "refreshable"
	TokenMissing     = "missing" // no cache entry: run aws-profile-bridge sso login
)

// Profile is one profile as the extension and our CLI see it. The first block of fields is the
// extension's contract (PROTOCOL.md, "Profile object"); the rest is additive.
type Profile struct {
	Name           string  `json:"name"`
	HasCredentials bool    `json:"has_credentials"`
	Expiration     *string `json:"expiration"` // RFC 3339 in UTC, or null
	Expired        bool    `json:"expired"`
	IsSSO          bool    `json:"is_sso"`
	SSOStartURL    string  `json:"sso_start_url,omitempty"`
	SSOSession     string  `json:"sso_session,omitempty"`
	SSORegion      string  `json:"sso_region,omitempty"`
	SSOAccountID   string  `json:"sso_account_id,omitempty"`
	SSORoleName    string  `json:"sso_role_name,omitempty"`
	AWSRegion      string  `json:"aws_region,omitempty"`
	Color          string  `json:"color"`
	Icon           string  `json:"icon"`

	// Additive fields (ours).
	Kind          Kind     `json:"kind"`
	Region        string   `json:"region,omitempty"`
	Partition     string   `json:"partition"`
	AccountID     string   `json:"account_id,omitempty"`
	RoleARN       string   `json:"role_arn,omitempty"`
	SourceProfile string   `json:"source_profile,omitempty"`
	MFASerial     string   `json:"mfa_serial,omitempty"`
	SSOTokenState string   `json:"sso_token_state,omitempty"`
	Warnings      []string `json:"warnings,omitempty"`
}
