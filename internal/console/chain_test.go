package console

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// chainEdgeConfig holds every way a chain can resolve or fail that the profile list tells apart.
const chainEdgeConfig = `[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
[sso-session half]
sso_start_url = https://corp.awsapps.com/start
[profile static]
[profile role]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = static
[profile role-chain]
role_arn = arn:aws:iam::111122223333:role/b
source_profile = role
[profile role-mfa]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = static
mfa_serial = arn:aws:iam::111122223333:mfa/me
[profile role-own-keys]
role_arn = arn:aws:iam::111122223333:role/a
[profile role-from-session]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = session
[profile role-missing-src]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = nope
[profile role-deep-missing]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = role-missing-src
[profile role-no-src]
role_arn = arn:aws:iam::111122223333:role/a
[profile role-src-and-credsrc]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = static
credential_source = Environment
[profile role-env]
role_arn = arn:aws:iam::111122223333:role/a
credential_source = Environment
[profile role-ecs]
role_arn = arn:aws:iam::111122223333:role/a
credential_source = EcsContainer
[profile role-imds]
role_arn = arn:aws:iam::111122223333:role/a
credential_source = Ec2InstanceMetadata
[profile role-bad-credsrc]
role_arn = arn:aws:iam::111122223333:role/a
credential_source = environment
[profile env-no-role]
credential_source = Environment
[profile src-no-role]
source_profile = static
[profile cycle-a]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = cycle-b
[profile cycle-b]
role_arn = arn:aws:iam::111122223333:role/b
source_profile = cycle-a
[profile self]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = self
[profile self-no-keys]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = self-no-keys
[profile config-only]
region = eu-west-1
[profile to-config-only]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = config-only
[profile login]
login_session = arn:aws:iam::111122223333:user/me
[profile to-login]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = login
[profile login-inline]
role_arn = arn:aws:iam::111122223333:role/a
login_session = arn:aws:iam::111122223333:user/me
[profile sso]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin
[profile sso-role]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin
role_arn = arn:aws:iam::111122223333:role/a
[profile role-from-sso]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = sso
[profile sso-legacy]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = Admin
[profile sso-legacy-partial]
sso_start_url = https://corp.awsapps.com/start
sso_account_id = 111122223333
[profile sso-no-role]
sso_session = corp
sso_account_id = 111122223333
[profile sso-missing-session]
sso_session = ghost
sso_account_id = 111122223333
sso_role_name = Admin
[profile sso-half-session]
sso_session = half
sso_account_id = 111122223333
sso_role_name = Admin
[profile sso-region-mismatch]
sso_session = corp
sso_region = eu-west-1
sso_account_id = 111122223333
sso_role_name = Admin
[profile process]
credential_process = /bin/creds
[profile role-from-process]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = process
[profile process-and-webid]
role_arn = arn:aws:iam::111122223333:role/a
credential_process = /bin/creds
web_identity_token_file = /t
[profile webid]
role_arn = arn:aws:iam::111122223333:role/a
web_identity_token_file = /t
[profile webid-no-role]
web_identity_token_file = /t
[profile role-from-webid]
role_arn = arn:aws:iam::111122223333:role/b
source_profile = webid
`

const chainEdgeCredentials = `[static]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = s
[session]
aws_access_key_id = ASIAEXAMPLE
aws_secret_access_key = s
aws_session_token = t
[role-own-keys]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = s
[self]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = s
[key-only]
aws_access_key_id = AKIAEXAMPLE
`

// The profile list and the sign-in are two faces of one resolver (profiles.ResolveChain): for
// every profile, has_credentials is true exactly when the sign-in accepts the chain before any
// network call, a refusal carries the list's own warning, and an accepted chain gets the STS
// mode its kind calls for. There is no deliberate difference: what the list refuses (instance
// metadata, say) the sign-in refuses too, and nothing else.
func TestListAndSignInAgree(t *testing.T) {
	s := newSigner(Env{}, Options{})
	check := func(t *testing.T, config, credentials string) {
		t.Helper()
		dir := t.TempDir()
		paths := awsconfig.Paths{ConfigFile: filepath.Join(dir, "config"), CredentialsFile: filepath.Join(dir, "credentials")}
		must(t, os.WriteFile(paths.ConfigFile, []byte(config), 0o600))
		must(t, os.WriteFile(paths.CredentialsFile, []byte(credentials), 0o600))
		cfg := loadConfig(t, paths)
		list := profiles.Build(cfg, time.Now())
		kinds := map[string]profiles.Kind{}
		for _, p := range list {
			kinds[p.Name] = p.Kind
		}
		for _, p := range list {
			top, m, err := s.plan(cfg, p.Name)
			if p.HasCredentials != (err == nil) {
				t.Errorf("profile %s: has_credentials %v, sign-in refuses with %v (warnings %q)\nconfig:\n%s\ncredentials:\n%s", p.Name, p.HasCredentials, err, p.Warnings, config, credentials)
				continue
			}
			if err != nil {
				code, msg := apierr.CodeOf(err), apierr.MessageOf(err)
				if code != apierr.CodeNoCredentials && code != apierr.CodeInvalidConfig {
					t.Errorf("profile %s: refused with %s, want no_credentials or invalid_config", p.Name, code)
				}
				if !slices.ContainsFunc(p.Warnings, func(w string) bool { return strings.HasSuffix(msg, ": "+w) }) {
					t.Errorf("profile %s: sign-in says %q, none of the list's warnings %q", p.Name, msg, p.Warnings)
				}
				continue
			}
			if want := expectedMode(p, cfg, kinds); m != want {
				t.Errorf("profile %s (kind %s): mode %d, want %d\nconfig:\n%s\ncredentials:\n%s", p.Name, p.Kind, m, want, config, credentials)
			}
			switch top.Deepest().Base {
			case profiles.BaseNone, profiles.BaseIMDS, profiles.BaseBadSource:
				t.Errorf("profile %s: accepted, but its chain ends in base %d", p.Name, top.Deepest().Base)
			}
		}
	}
	t.Run("edge cases", func(t *testing.T) { check(t, chainEdgeConfig, chainEdgeCredentials) })
	t.Run("sign-in fixture", func(t *testing.T) { check(t, testConfig, testCredentials) })
	t.Run("random", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for range 300 {
			config, credentials := testaws.RandomChainFiles(rng, 5)
			check(t, config, credentials)
			if t.Failed() {
				break
			}
		}
	})
}

// expectedMode is the STS mode the docs' table (docs/CONSOLE-SIGNIN.md) gives a profile that
// resolves, derived from the profile list's kinds rather than from the chain.
func expectedMode(p profiles.Profile, cfg *awsconfig.Config, kinds map[string]profiles.Kind) mode {
	switch p.Kind {
	case profiles.KindStatic:
		return modeFederationToken
	case profiles.KindSession, profiles.KindProcess:
		return modeCheckedAsIs
	case profiles.KindSSO, profiles.KindWebIdentity, profiles.KindLogin:
		return modeAsIs
	}
	// A role: assumed directly (SessionDuration allowed) only with long-term keys, its own
	// (no source_profile, or source_profile naming itself) or a source's that is plain keys.
	own := cfg.Profile(p.Name)
	if p.SourceProfile == "" || p.SourceProfile == p.Name {
		if profiles.BaseKind(own) == profiles.KindStatic {
			return modeRoleDirect
		}
		return modeRoleChained
	}
	if kinds[p.SourceProfile] == profiles.KindStatic {
		return modeRoleDirect
	}
	return modeRoleChained
}
