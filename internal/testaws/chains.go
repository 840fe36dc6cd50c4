package testaws

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// ChainConfig and ChainCredentials hold one profile of every way a credential chain resolves or
// fails that aws-sdk-go-v2 and the profile list tell apart: keys, session keys, roles and role
// chains from keys, session keys, SSO, credential_process and web identity; credential_source
// Environment, EcsContainer, Ec2InstanceMetadata and a wrong one; loops, self reference, missing
// and credential-less sources; partial keys; SSO complete, incomplete, with a missing or half
// sso-session; login sessions inline and as a role's source; conflicting sources. The first
// profile is "static", the last (only in the credentials file) "creds-only".
const ChainConfig = `[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
[sso-session half]
sso_start_url = https://corp.awsapps.com/start
[profile static]
region = eu-west-1
[profile role]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = static
[profile chain]
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
[profile missing-src]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = nope
[profile role-deep-missing]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = missing-src
[profile role-no-src]
role_arn = arn:aws:iam::111122223333:role/a
[profile both]
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
[profile no-role]
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
aws_access_key_id = AKIA
aws_secret_access_key = s
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
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = Admin
[profile proc]
credential_process = /bin/creds
[profile role-from-process]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = proc
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
[profile sso-ghost]
sso_session = ghost
[profile keys-and-role]
role_arn = arn:aws:iam::111122223333:role/a
[profile key-only]
aws_access_key_id = AKIA
`

// ChainCredentials goes with ChainConfig.
const ChainCredentials = `[static]
aws_access_key_id = AKIA
aws_secret_access_key = s
[keys-and-role]
aws_access_key_id = AKIA
aws_secret_access_key = s
aws_session_token = t
[role-own-keys]
aws_access_key_id = AKIA
aws_secret_access_key = s
[session]
aws_access_key_id = ASIA
aws_secret_access_key = s
aws_session_token = t
[creds-only]
aws_access_key_id = AKIA
aws_secret_access_key = s
`

// chainVocab holds the settings that decide how aws-sdk-go-v2 loads a profile and picks its
// credential provider; "%d" is a profile or sso-session number. role_arn and source_profile
// appear twice, so that chains are common.
var chainVocab = []string{
	"role_arn = arn:aws:iam::111122223333:role/r",
	"role_arn = arn:aws:iam::111122223333:role/r",
	"source_profile = p%d",
	"source_profile = p%d",
	"credential_source = Environment",
	"credential_source = Ec2InstanceMetadata",
	"credential_process = /bin/true",
	"web_identity_token_file = /tmp/token",
	"aws_access_key_id = AKIA",
	"aws_secret_access_key = s",
	"aws_session_token = t",
	"sso_session = s%d",
	"sso_start_url = https://x.awsapps.com/start",
	"sso_region = us-east-1",
	"sso_account_id = 111122223333",
	"sso_role_name = Admin",
	"login_session = arn:aws:iam::111122223333:user/me",
	"mfa_serial = arn:aws:iam::111122223333:mfa/me",
	"region = eu-west-1",
}

// RandomChainFiles returns a config and a credentials file with n profiles p0 … p(n-1), each
// with up to four settings drawn from a vocabulary that reaches every branch of the SDK's
// loader: chains, loops, a source_profile naming p(n) (which does not exist), sso_session s0
// (which exists) or s1 … (which do not), conflicting credential sources, keys in either file.
func RandomChainFiles(rng *rand.Rand, n int) (config, credentials string) {
	var cfgText, credText strings.Builder
	cfgText.WriteString("[sso-session s0]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n")
	for p := range n {
		fmt.Fprintf(&cfgText, "[profile p%d]\n", p)
		inCreds := rng.IntN(4) == 0
		if inCreds {
			fmt.Fprintf(&credText, "[p%d]\n", p)
		}
		used := map[string]bool{}
		for range rng.IntN(5) {
			line := chainVocab[rng.IntN(len(chainVocab))]
			if strings.Contains(line, "%d") {
				line = fmt.Sprintf(line, rng.IntN(n+1))
				if strings.HasPrefix(line, "sso_session") && rng.IntN(3) > 0 {
					line = "sso_session = s0"
				}
			}
			key, _, _ := strings.Cut(line, " ")
			if used[key] {
				continue // duplicate keys are awsconfig's business, not the chain's
			}
			used[key] = true
			if inCreds && strings.HasPrefix(key, "aws_") {
				fmt.Fprintln(&credText, line)
			} else {
				fmt.Fprintln(&cfgText, line)
			}
		}
	}
	return cfgText.String(), credText.String()
}
