package profiles

import "github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"

// KindOf classifies one profile by its own settings: it names the last step aws-sdk-go-v2
// (config.resolveCredsFromProfile, v1.33) takes to produce the profile's credentials. The SDK
// looks, in this order, at source_profile, static keys (aws_access_key_id and
// aws_secret_access_key, both needed), credential_source, web_identity_token_file, SSO
// (sso_session or any legacy sso_* key), login_session, credential_process; and whenever role_arn
// is set and the step was not web identity, it then assumes that role. So:
//
//   - source_profile or credential_source → KindRole (source_profile beats keys in the same profile);
//   - keys, SSO, login_session or credential_process together with role_arn → KindRole: the SDK
//     assumes the role with the profile's own credentials (the AWS CLI rejects this; Build warns);
//     without role_arn → KindStatic/KindSession, KindSSO, KindLogin, KindProcess;
//   - web_identity_token_file → KindWebIdentity;
//   - role_arn alone → KindRole (with nothing to assume it with; Build explains);
//   - nothing → KindConfigOnly.
//
// KindOf does not follow source_profile; ResolveChain does.
func KindOf(p *awsconfig.Profile) Kind {
	if p == nil {
		return KindConfigOnly
	}
	f := readFields(p.Settings)
	return f.kind()
}

func (f *fields) kind() Kind {
	if f.sourceProfile != "" {
		return KindRole
	}
	base := f.baseKind()
	switch base {
	case KindWebIdentity, KindRole:
		return base
	}
	if f.roleARN != "" {
		return KindRole
	}
	return base
}

// BaseKind is the kind of the credentials a profile produces before its own role_arn (if any) is
// assumed, ignoring source_profile: static or session keys, credential_source (KindRole, the
// source being the environment, a container or instance metadata), web identity, SSO, login
// session, credential process, or KindConfigOnly. For a profile with role_arn and no
// source_profile it tells what the SDK assumes the role with; for a profile reached through
// source_profile it tells what that link of the chain contributes.
func BaseKind(p *awsconfig.Profile) Kind {
	if p == nil {
		return KindConfigOnly
	}
	f := readFields(p.Settings)
	return f.baseKind()
}

func (f *fields) baseKind() Kind { return f.base().kind() }

// kind is the profile kind of these input credentials without role_arn (credential_source,
// which needs a role, is KindRole).
func (b Base) kind() Kind {
	switch b {
	case BaseKeys:
		return KindStatic
	case BaseSessionKeys:
		return KindSession
	case BaseEnvironment, BaseECS, BaseIMDS, BaseBadSource:
		return KindRole
	case BaseWebIdentity:
		return KindWebIdentity
	case BaseSSO:
		return KindSSO
	case BaseLogin:
		return KindLogin
	case BaseProcess:
		return KindProcess
	}
	return KindConfigOnly
}
