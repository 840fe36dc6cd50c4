package testaws

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

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
