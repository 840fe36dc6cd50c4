package profiles

import "testing"

// TestKindOf follows aws-sdk-go-v2 config.resolveCredsFromProfile: source_profile, keys,
// credential_source, web_identity_token_file, SSO, login_session, credential_process, and a
// role_arn on top of anything but web identity.
func TestKindOf(t *testing.T) {
	const (
		key     = "aws_access_key_id=AKIAEXAMPLE"
		secret  = "aws_secret_access_key=s3cr3t"
		token   = "aws_session_token=tok"
		role    = "role_arn=arn:aws:iam::123456789012:role/r"
		src     = "source_profile=base"
		credSrc = "credential_source=Environment"
		webID   = "web_identity_token_file=/tmp/t"
		proc    = "credential_process=/bin/creds"
		login   = "login_session=arn:aws:iam::123456789012:user/u"
		ssoS    = "sso_session=corp"
		ssoURL  = "sso_start_url=https://x.awsapps.com/start"
		ssoAcct = "sso_account_id=123456789012"
	)
	tests := []struct {
		name     string
		kv       []string
		want     Kind
		wantBase Kind
	}{
		{"nothing", nil, KindConfigOnly, KindConfigOnly},
		{"region only", []string{"region=eu-west-1"}, KindConfigOnly, KindConfigOnly},
		{"static", []string{key, secret}, KindStatic, KindStatic},
		{"session", []string{key, secret, token}, KindSession, KindSession},
		{"key without secret is not credentials", []string{key}, KindConfigOnly, KindConfigOnly},
		{"token without keys is not credentials", []string{token}, KindConfigOnly, KindConfigOnly},
		{"role with source_profile", []string{role, src}, KindRole, KindConfigOnly},
		{"source_profile beats keys in the same profile", []string{role, src, key, secret}, KindRole, KindStatic},
		{"source_profile beats SSO in the same profile", []string{role, src, ssoS}, KindRole, KindSSO},
		{"role with credential_source", []string{role, credSrc}, KindRole, KindRole},
		{"keys beat credential_source", []string{key, secret, credSrc, role}, KindRole, KindStatic},
		{"role_arn with own keys: SDK assumes it", []string{role, key, secret}, KindRole, KindStatic},
		{"role_arn alone", []string{role}, KindRole, KindConfigOnly},
		{"web identity", []string{role, webID}, KindWebIdentity, KindWebIdentity},
		{"keys beat web identity", []string{role, webID, key, secret}, KindRole, KindStatic},
		{"credential_source beats web identity", []string{role, webID, credSrc}, KindRole, KindRole},
		{"web identity beats SSO", []string{role, webID, ssoS}, KindWebIdentity, KindWebIdentity},
		{"sso-session", []string{ssoS}, KindSSO, KindSSO},
		{"legacy SSO", []string{ssoURL, ssoAcct}, KindSSO, KindSSO},
		{"any legacy sso key counts (SDK hasLegacySSOConfiguration)", []string{"sso_region=us-east-1"}, KindSSO, KindSSO},
		{"SSO beats login_session", []string{ssoS, login}, KindSSO, KindSSO},
		{"SSO beats credential_process", []string{ssoS, proc}, KindSSO, KindSSO},
		{"SSO with role_arn: SDK assumes the role", []string{ssoS, role}, KindRole, KindSSO},
		{"keys beat SSO", []string{ssoS, key, secret}, KindStatic, KindStatic},
		{"login_session", []string{login}, KindLogin, KindLogin},
		{"login_session beats credential_process", []string{login, proc}, KindLogin, KindLogin},
		{"credential_process", []string{proc}, KindProcess, KindProcess},
		{"credential_process with role_arn", []string{proc, role}, KindRole, KindProcess},
		{"keys beat credential_process", []string{proc, key, secret}, KindStatic, KindStatic},
		{"source_profile without role_arn is still a role (broken)", []string{src}, KindRole, KindConfigOnly},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := prof("p", tt.kv...)
			if got := KindOf(p); got != tt.want {
				t.Errorf("KindOf = %s, want %s", got, tt.want)
			}
			if got := BaseKind(p); got != tt.wantBase {
				t.Errorf("BaseKind = %s, want %s", got, tt.wantBase)
			}
		})
	}
	if KindOf(nil) != KindConfigOnly || BaseKind(nil) != KindConfigOnly {
		t.Error("nil profile: want config-only")
	}
}
