package profiles

import "github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"

// KindOf classifies one profile by its own settings, in the order the SDK's credential chain
// looks at them: role (with a source), web identity, SSO, process, keys, login session.
// It does not follow source_profile; see the console package for chains.
func KindOf(p *awsconfig.Profile) Kind {
	if p == nil {
		return KindConfigOnly
	}
	get := p.Get
	switch {
	case get("role_arn") != "" && get("web_identity_token_file") != "" && get("source_profile") == "" && get("credential_source") == "":
		return KindWebIdentity
	case get("role_arn") != "" && (get("source_profile") != "" || get("credential_source") != ""):
		return KindRole
	case get("role_arn") != "":
		// A role with nothing to assume it from; treated as a role so that a warning explains it.
		return KindRole
	case get("sso_session") != "" || get("sso_start_url") != "" || get("sso_account_id") != "":
		return KindSSO
	case get("credential_process") != "":
		return KindProcess
	case get("aws_access_key_id") != "" && get("aws_session_token") != "":
		return KindSession
	case get("aws_access_key_id") != "":
		return KindStatic
	case get("login_session") != "":
		return KindLogin
	}
	return KindConfigOnly
}
