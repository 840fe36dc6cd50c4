//go:build linux

package e2e

import (
	"crypto/sha1"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
)

// Canary secrets of the fixture: none may appear in the host's log or in a reply.
const (
	canaryAccessKey  = "AKIACANARY0000000001"
	canarySecret     = "canarySecretKey/DoNotLog+0000000000000001"
	canaryToken      = "canarySessionTokenDoNotLog0000000000000001"
	canaryGovSecret  = "canaryGovSecretKey/DoNotLog+000000000001"
	canarySSOToken   = "canarySSOAccessToken0001"
	canaryProcSecret = "canaryProcessSecret0001"
	canaryProcToken  = "canaryProcessToken0001"
	canaryWebID      = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJjYW5hcnkifQ."
)

// canaries are the fixture's secrets plus the shapes of every secret the fake AWS hands out
// (temporary secret keys, session tokens, sign-in tokens).
var canaries = []string{canaryAccessKey, canarySecret, canaryToken, canaryGovSecret, canarySSOToken,
	canaryProcSecret, canaryProcToken, canaryWebID, "fakeSecretAccessKey", "FakeSessionToken", "FakeSigninToken", "SigninToken="}

// openCase is a profile the extension opens and what its console URL must be.
type openCase struct {
	profile, kind, host, region string
	calls                       []string // fake AWS calls this profile causes, in order
	duration                    bool     // SessionDuration sent to the federation endpoint
	color, icon                 string
}

// The profiles the extension opens: one of every kind that can sign in. Copied in spirit from
// cmd/aws-profile-bridge/open_e2e_test.go (a realistic ~/.aws), extended with colour checks.
var openCases = []openCase{
	{"default", "static", "signin.aws.amazon.com", "us-east-1", []string{"sts:GetCallerIdentity", "sts:GetFederationToken", "signin:getSigninToken"}, false, "blue", "circle"},
	{"temp-session", "session", "signin.aws.amazon.com", "", []string{"sts:GetCallerIdentity", "signin:getSigninToken"}, false, "blue", "circle"},
	{"prod-admin", "role", "signin.aws.amazon.com", "eu-west-1", []string{"sts:AssumeRole", "signin:getSigninToken"}, true, "red", "briefcase"},
	{"chained", "role", "signin.aws.amazon.com", "", []string{"sts:AssumeRole", "sts:AssumeRole", "signin:getSigninToken"}, false, "blue", "circle"},
	{"dev-sso", "sso", "signin.aws.amazon.com", "eu-central-1", []string{"sso:GetRoleCredentials", "signin:getSigninToken"}, false, "green", "fingerprint"},
	{"webid", "web-identity", "signin.aws.amazon.com", "", []string{"sts:AssumeRoleWithWebIdentity", "signin:getSigninToken"}, false, "blue", "circle"},
	{"process", "process", "signin.aws.amazon.com", "", []string{"sts:GetCallerIdentity", "signin:getSigninToken"}, false, "blue", "circle"},
	{"gov", "role", "signin.amazonaws-us-gov.com", "us-gov-west-1", []string{"sts:AssumeRole", "signin:getSigninToken"}, true, "blue", "circle"},
}

// failCases are profiles whose openProfile must answer an error frame with this code.
var failCases = map[string]string{
	"mfa-role":    "mfa_required",
	"nologin-sso": "sso_token_missing",
	"website":     "no_credentials",
}

// allProfiles is every profile name in the fixture (config first, then credentials only).
var allProfiles = []string{"default", "prod-admin", "chained", "mfa-role", "dev-sso", "nologin-sso", "webid",
	"website", "gov", "process", "stage-granted", "temp-session", "gov-user"}

// writeAWSFixture writes ~/.aws under home and teaches the fake AWS the identities of the
// fixture's session keys.
func writeAWSFixture(t *testing.T, home string, fake *fakeaws.Server) {
	t.Helper()
	dir := filepath.Join(home, ".aws")
	write := func(rel, content string, mode os.FileMode) string {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	webid := write("webid-token", canaryWebID, 0o600)
	process := write("creds.sh", "#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"ASIAPROCESS000000001\",\"SecretAccessKey\":\""+
		canaryProcSecret+"\",\"SessionToken\":\""+canaryProcToken+"\",\"Expiration\":\"2099-01-01T00:00:00Z\"}'\n", 0o700)
	write("config", `[default]
region = us-east-1

[profile prod-admin]
role_arn = arn:aws:iam::111122223333:role/Admin
source_profile = default
region = eu-west-1

[profile chained]
role_arn = arn:aws:iam::444455556666:role/ReadOnly
source_profile = prod-admin

[profile mfa-role]
role_arn = arn:aws:iam::111122223333:role/Admin
source_profile = default
mfa_serial = arn:aws:iam::111122223333:mfa/alice

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-central-1
sso_registration_scopes = sso:account:access

[profile dev-sso]
sso_session = corp
sso_account_id = 444455556666
sso_role_name = Developer
region = eu-central-1

[profile nologin-sso]
sso_start_url = https://other.awsapps.com/start
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = Developer

[profile webid]
role_arn = arn:aws:iam::444455556666:role/WebId
web_identity_token_file = `+webid+`

[profile website]
region = us-west-2

[profile gov]
role_arn = arn:aws-us-gov:iam::123456789012:role/Ops
source_profile = gov-user
region = us-gov-west-1

[profile process]
credential_process = `+process+`

[profile stage-granted]
region = eu-north-1
granted_color = pink
granted_icon = fruit
`, 0o600)
	write("credentials", `[default]
aws_access_key_id = `+canaryAccessKey+`
aws_secret_access_key = `+canarySecret+`

[temp-session]
aws_access_key_id = ASIACANARY0000000002
aws_secret_access_key = `+canarySecret+`
aws_session_token = `+canaryToken+`
# Expires 2020-01-01 00:00:00

[gov-user]
aws_access_key_id = AKIAGOVCANARY0000001
aws_secret_access_key = `+canaryGovSecret+`
`, 0o600)
	// A valid SSO token for the corp session, named by the SHA-1 of the session name.
	sum := sha1.Sum([]byte("corp"))
	write(filepath.Join("sso", "cache", hex.EncodeToString(sum[:])+".json"),
		`{"accessToken":"`+canarySSOToken+`","expiresAt":"`+time.Now().Add(time.Hour).UTC().Format(time.RFC3339)+
			`","region":"eu-central-1","startUrl":"https://corp.awsapps.com/start"}`, 0o600)
	// Session keys from a role session (not GetSessionToken): they can open the console.
	fake.SetIdentity("ASIACANARY0000000002", "arn:aws:sts::111122223333:assumed-role/Admin/alice")
	fake.SetIdentity("ASIAPROCESS000000001", "arn:aws:sts::111122223333:assumed-role/Admin/alice")
}
