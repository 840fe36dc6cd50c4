package console

import (
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
)

const testConfig = `
[profile static]
region = eu-west-1

[profile static-mfa]
region = eu-west-1
mfa_serial = arn:aws:iam::111122223333:mfa/alice

[profile session]
region = eu-central-1

[profile role]
role_arn = arn:aws:iam::444455556666:role/Admin
source_profile = static
region = us-west-2

[profile role-long]
role_arn = arn:aws:iam::444455556666:role/Admin
source_profile = static
duration_seconds = 7200

[profile role-mfa]
role_arn = arn:aws:iam::444455556666:role/Admin
source_profile = static
mfa_serial = arn:aws:iam::111122223333:mfa/alice

[profile role-source-mfa]
role_arn = arn:aws:iam::444455556666:role/Admin
source_profile = static-mfa

[profile role-chained]
role_arn = arn:aws:iam::777788889999:role/ReadOnly
source_profile = role

[profile sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = AdministratorAccess
region = ap-southeast-2

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile sso-legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = ReadOnly

[profile sso-role]
role_arn = arn:aws:iam::444455556666:role/FromSSO
source_profile = sso

[profile session-role]
role_arn = arn:aws:iam::444455556666:role/FromSession
source_profile = session

[profile webid]
role_arn = arn:aws:iam::444455556666:role/WebId
web_identity_token_file = WEBID_TOKEN_FILE

[profile process]
credential_process = PROCESS_CMD

[profile process-user]
credential_process = PROCESS_USER_CMD

[profile gov]
role_arn = arn:aws-us-gov:iam::444455556666:role/Admin
source_profile = static-gov
region = us-gov-west-1

[profile static-gov]
region = us-gov-west-1

[profile china]
region = cn-north-1

[profile eusc]
region = eusc-de-east-1

[profile iso]
role_arn = arn:aws-iso:iam::444455556666:role/Admin
source_profile = static

[profile config-only]
region = eu-west-1

[profile imds-role]
role_arn = arn:aws:iam::444455556666:role/Admin
credential_source = Ec2InstanceMetadata

[profile login]
login_session = arn:aws:iam::111122223333:user/alice
region = eu-west-2

[profile login-role]
role_arn = arn:aws:iam::444455556666:role/FromLogin
source_profile = login

[profile login-inline]
role_arn = arn:aws:iam::444455556666:role/FromLogin
login_session = arn:aws:iam::111122223333:user/alice
`

const testCredentials = `
[static]
aws_access_key_id = ` + canaryKeyID + `
aws_secret_access_key = ` + canarySecret + `

[static-mfa]
aws_access_key_id = ` + canaryKeyID + `
aws_secret_access_key = ` + canarySecret + `

[session]
aws_access_key_id = ` + canarySessKeyID + `
aws_secret_access_key = ` + canarySessSec + `
aws_session_token = ` + canarySessTok + `
aws_expiration = 2030-01-02T03:04:05Z

[static-gov]
aws_access_key_id = ` + canaryKeyID + `
aws_secret_access_key = ` + canarySecret + `

[china]
aws_access_key_id = ` + canaryKeyID + `
aws_secret_access_key = ` + canarySecret + `

[eusc]
aws_access_key_id = ` + canaryKeyID + `
aws_secret_access_key = ` + canarySecret + `
`

const (
	userARN        = "arn:aws:iam::111122223333:user/alice"
	sessionRoleARN = "arn:aws:sts::111122223333:assumed-role/Dev/alice"
	processKeyID   = "ASIAPROCESSKEY000001"
	processUserKey = "ASIAPROCESSUSER00001"
)

// newTestWorld is newWorld with testConfig, a web identity token, credential processes and the
// identities the fake answers for the canary keys.
func newTestWorld(t testing.TB) *world {
	t.Helper()
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "webid-token")
	must(t, os.WriteFile(tokenFile, []byte("fake-oidc-jwt"), 0o600))
	proc := func(name, key string) string {
		p := filepath.Join(dir, name)
		script := "#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"" + key + "\",\"SecretAccessKey\":\"procsecret\",\"SessionToken\":\"proctoken\",\"Expiration\":\"2030-01-01T00:00:00Z\"}'\n"
		must(t, os.WriteFile(p, []byte(script), 0o700))
		return p
	}
	cfg := strings.NewReplacer(
		"WEBID_TOKEN_FILE", tokenFile,
		"PROCESS_USER_CMD", proc("proc-user.sh", processUserKey),
		"PROCESS_CMD", proc("proc.sh", processKeyID),
	).Replace(testConfig)
	w := newWorld(t, cfg, testCredentials)
	w.aws.SetIdentity(canaryKeyID, userARN)
	w.aws.SetIdentity(canarySessKeyID, sessionRoleARN)
	w.aws.SetIdentity(processKeyID, sessionRoleARN)
	w.aws.SetIdentity(processUserKey, userARN) // GetSessionToken-style credentials
	w.ssoToken("corp", canarySSOToken, time.Now().Add(time.Hour), true)
	w.ssoToken("https://legacy.awsapps.com/start", canarySSOToken, time.Now().Add(time.Hour), false)
	return w
}

// param expectations: "Name=value" must be present with that value, "-Name" must be absent,
// "+Name" must be present.
func checkParams(t *testing.T, what string, got url.Values, want []string) {
	t.Helper()
	for _, w := range want {
		switch {
		case strings.HasPrefix(w, "-"):
			if _, ok := got[w[1:]]; ok {
				t.Errorf("%s: %s present (%q), want absent", what, w[1:], got.Get(w[1:]))
			}
		case strings.HasPrefix(w, "+"):
			if _, ok := got[w[1:]]; !ok {
				t.Errorf("%s: %s absent, want present", what, w[1:])
			}
		default:
			k, v, _ := strings.Cut(w, "=")
			if _, ok := got[k]; !ok || got.Get(k) != v {
				t.Errorf("%s: %s = %q (present %v), want %q", what, k, got.Get(k), ok, v)
			}
		}
	}
}

func TestSignInByKind(t *testing.T) {
	type call struct {
		name   string   // "sts:AssumeRole"
		params []string // see checkParams
		key    string   // expected signing key / sessionId ("" = don't care)
		temp   *bool    // expected X-Amz-Security-Token presence (STS)
	}
	yes, no := true, false
	tests := []struct {
		name      string
		profile   string
		opt       Options
		kind      profiles.Kind
		calls     []call
		host      string // sign-in host of the URL
		dest      string
		partition string
		session   time.Duration // SessionDuration sent
		warn      string        // a warning fragment
	}{
		{
			name: "static keys: GetFederationToken with allow-all policy, no SessionDuration", profile: "static", kind: profiles.KindStatic,
			calls: []call{
				{name: "sts:GetCallerIdentity", key: canaryKeyID, temp: &no},
				{name: "sts:GetFederationToken", key: canaryKeyID, temp: &no, params: []string{"Name=alice", "Policy=" + allowAllPolicy, "DurationSeconds=3600"}},
				{name: "signin:getSigninToken", params: []string{"-SessionDuration"}},
			},
			host: "signin.aws.amazon.com", dest: "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1", partition: "aws",
		},
		{
			name: "static keys, 36 h asked", profile: "static", kind: profiles.KindStatic, opt: Options{SessionDuration: 48 * time.Hour},
			calls: []call{
				{name: "sts:GetCallerIdentity"},
				{name: "sts:GetFederationToken", params: []string{"DurationSeconds=129600"}},
				{name: "signin:getSigninToken", params: []string{"-SessionDuration"}},
			},
			host: "signin.aws.amazon.com", dest: "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1", partition: "aws",
		},
		{
			name: "static keys with mfa_serial: warned, still federation token", profile: "static-mfa", kind: profiles.KindStatic,
			calls: []call{
				{name: "sts:GetCallerIdentity"},
				{name: "sts:GetFederationToken", params: []string{"-SerialNumber", "-TokenCode"}},
				{name: "signin:getSigninToken", params: []string{"-SessionDuration"}},
			},
			host: "signin.aws.amazon.com", dest: "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1", partition: "aws",
			warn: "mfa_serial is ignored",
		},
		{
			name: "session keys: used as they are, never GetFederationToken", profile: "session", kind: profiles.KindSession,
			opt: Options{SessionDuration: 2 * time.Hour},
			calls: []call{
				{name: "sts:GetCallerIdentity", key: canarySessKeyID, temp: &yes},
				{name: "signin:getSigninToken", key: canarySessKeyID, params: []string{"-SessionDuration"}},
			},
			host: "signin.aws.amazon.com", dest: "https://eu-central-1.console.aws.amazon.com/console/home?region=eu-central-1", partition: "aws",
			warn: "duration was ignored",
		},
		{
			name: "role with long-term source: AssumeRole + SessionDuration", profile: "role", kind: profiles.KindRole,
			calls: []call{
				{name: "sts:AssumeRole", key: canaryKeyID, temp: &no, params: []string{"RoleArn=arn:aws:iam::444455556666:role/Admin", "DurationSeconds=3600", "-SerialNumber", "-TokenCode", "-Policy"}},
				{name: "signin:getSigninToken", params: []string{"SessionDuration=3600"}},
			},
			host: "signin.aws.amazon.com", dest: "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2", partition: "aws", session: time.Hour,
		},
		{
			name: "role, 12 h asked, other region and service", profile: "role", kind: profiles.KindRole,
			opt: Options{SessionDuration: 12 * time.Hour, Region: "eu-north-1", Destination: "ec2"},
			calls: []call{
				{name: "sts:AssumeRole", params: []string{"DurationSeconds=43200"}},
				{name: "signin:getSigninToken", params: []string{"SessionDuration=43200"}},
			},
			host: "signin.aws.amazon.com", dest: "https://eu-north-1.console.aws.amazon.com/ec2/home?region=eu-north-1", partition: "aws", session: 12 * time.Hour,
		},
		{
			name: "role, 20 h asked: clamped to 12 h", profile: "role", kind: profiles.KindRole, opt: Options{SessionDuration: 20 * time.Hour},
			calls: []call{
				{name: "sts:AssumeRole", params: []string{"DurationSeconds=43200"}},
				{name: "signin:getSigninToken", params: []string{"SessionDuration=43200"}},
			},
			host: "signin.aws.amazon.com", dest: "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2", partition: "aws", session: 12 * time.Hour,
		},
		{
			name: "role, 5 min asked: clamped to 15 min", profile: "role", kind: profiles.KindRole, opt: Options{SessionDuration: 5 * time.Minute},
			calls: []call{
				{name: "sts:AssumeRole", params: []string{"DurationSeconds=900"}},
				{name: "signin:getSigninToken", params: []string{"SessionDuration=900"}},
			},
			host: "signin.aws.amazon.com", dest: "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2", partition: "aws", session: 15 * time.Minute,
		},
		{
			name: "role with duration_seconds", profile: "role-long", kind: profiles.KindRole,
			calls: []call{
				{name: "sts:AssumeRole", params: []string{"DurationSeconds=7200"}},
				{name: "signin:getSigninToken", params: []string{"SessionDuration=7200"}},
			},
			host: "signin.aws.amazon.com", dest: "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1", partition: "aws", session: 2 * time.Hour,
		},
		{
			name: "role with mfa_serial", profile: "role-mfa", kind: profiles.KindRole, opt: Options{MFACode: "123456"},
			calls: []call{
				{name: "sts:AssumeRole", params: []string{"SerialNumber=arn:aws:iam::111122223333:mfa/alice", "TokenCode=123456", "DurationSeconds=3600"}},
				{name: "signin:getSigninToken", params: []string{"SessionDuration=3600"}},
			},
			host: "signin.aws.amazon.com", dest: "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1", partition: "aws", session: time.Hour,
		},
		{
			name: "role whose source has mfa_serial", profile: "role-source-mfa", kind: profiles.KindRole, opt: Options{MFACode: "123456"},
			calls: []call{
				{name: "sts:AssumeRole", params: []string{"SerialNumber=arn:aws:iam::111122223333:mfa/alice", "TokenCode=123456"}},
				{name: "signin:getSigninToken", params: []string{"SessionDuration=3600"}},
			},
			host: "signin.aws.amazon.com", dest: "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1", partition: "aws", session: time.Hour,
		},
		{
			name: "role chained from a role: ≤ 1 h, no SessionDuration", profile: "role-chained", kind: profiles.KindRole,
			opt: Options{SessionDuration: 8 * time.Hour},
			calls: []call{
				{name: "sts:AssumeRole", key: canaryKeyID, temp: &no, params: []string{"RoleArn=arn:aws:iam::444455556666:role/Admin"}},
				{name: "sts:AssumeRole", temp: &yes, params: []string{"RoleArn=arn:aws:iam::777788889999:role/ReadOnly", "DurationSeconds=3600"}},
				{name: "signin:getSigninToken", params: []string{"-SessionDuration"}},
			},
			host: "signin.aws.amazon.com", dest: "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1", partition: "aws",
			warn: "limited to 1h",
		},
		{
			name: "SSO (sso-session): GetRoleCredentials with the cached token", profile: "sso", kind: profiles.KindSSO,
			opt: Options{SessionDuration: 4 * time.Hour},
			calls: []call{
				{name: "sso:GetRoleCredentials", params: []string{"account_id=123456789012", "role_name=AdministratorAccess"}},
				{name: "signin:getSigninToken", params: []string{"-SessionDuration"}},
			},
			host: "signin.aws.amazon.com", dest: "https://ap-southeast-2.console.aws.amazon.com/console/home?region=ap-southeast-2", partition: "aws",
			warn: "duration was ignored",
		},
		{
			name: "SSO (legacy)", profile: "sso-legacy", kind: profiles.KindSSO,
			calls: []call{
				{name: "sso:GetRoleCredentials", params: []string{"account_id=123456789012", "role_name=ReadOnly"}},
				{name: "signin:getSigninToken", params: []string{"-SessionDuration"}},
			},
			host: "signin.aws.amazon.com", dest: "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1", partition: "aws",
		},
		{
			name: "role chained from SSO", profile: "sso-role", kind: profiles.KindRole,
			calls: []call{
				{name: "sso:GetRoleCredentials"},
				{name: "sts:AssumeRole", temp: &yes, params: []string{"RoleArn=arn:aws:iam::444455556666:role/FromSSO", "DurationSeconds=3600"}},
				{name: "signin:getSigninToken", params: []string{"-SessionDuration"}},
			},
			host: "signin.aws.amazon.com", dest: "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1", partition: "aws",
		},
		{
			name: "role chained from session keys", profile: "session-role", kind: profiles.KindRole,
			calls: []call{
				{name: "sts:AssumeRole", key: canarySessKeyID, temp: &yes, params: []string{"DurationSeconds=3600"}},
				{name: "signin:getSigninToken", params: []string{"-SessionDuration"}},
			},
			host: "signin.aws.amazon.com", dest: "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1", partition: "aws",
		},
		{
			name: "web identity", profile: "webid", kind: profiles.KindWebIdentity,
			calls: []call{
				{name: "sts:AssumeRoleWithWebIdentity", params: []string{"RoleArn=arn:aws:iam::444455556666:role/WebId", "WebIdentityToken=fake-oidc-jwt"}},
				{name: "signin:getSigninToken", params: []string{"-SessionDuration"}},
			},
			host: "signin.aws.amazon.com", dest: "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1", partition: "aws",
		},
		{
			name: "credential_process", profile: "process", kind: profiles.KindProcess,
			calls: []call{
				{name: "sts:GetCallerIdentity", key: processKeyID},
				{name: "signin:getSigninToken", key: processKeyID, params: []string{"-SessionDuration"}},
			},
			host: "signin.aws.amazon.com", dest: "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1", partition: "aws",
		},
		{
			name: "GovCloud role", profile: "gov", kind: profiles.KindRole,
			calls: []call{
				{name: "sts:AssumeRole", params: []string{"RoleArn=arn:aws-us-gov:iam::444455556666:role/Admin", "DurationSeconds=3600"}},
				{name: "signin:getSigninToken", params: []string{"SessionDuration=3600"}},
			},
			host: "signin.amazonaws-us-gov.com", dest: "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1", partition: "aws-us-gov", session: time.Hour,
		},
		{
			name: "China static keys", profile: "china", kind: profiles.KindStatic,
			calls: []call{
				{name: "sts:GetCallerIdentity"},
				{name: "sts:GetFederationToken"},
				{name: "signin:getSigninToken", params: []string{"-SessionDuration"}},
			},
			host: "signin.amazonaws.cn", dest: "https://console.amazonaws.cn/console/home?region=cn-north-1", partition: "aws-cn",
		},
		{
			name: "European Sovereign Cloud", profile: "eusc", kind: profiles.KindStatic,
			calls: []call{
				{name: "sts:GetCallerIdentity"},
				{name: "sts:GetFederationToken"},
				{name: "signin:getSigninToken"},
			},
			host: "eusc-de-east-1.signin.amazonaws-eusc.eu", dest: "https://console.amazonaws-eusc.eu/console/home?region=eusc-de-east-1", partition: "aws-eusc",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if strings.HasPrefix(tc.profile, "process") && runtime.GOOS == "windows" {
				t.Skip("the test credential_process is a shell script")
			}
			w := newTestWorld(t)
			res, err := w.signIn(tc.profile, tc.opt)
			if err != nil {
				t.Fatalf("SignIn: %v (cause %v) (requests %v)", err, errorsUnwrap(err), w.aws.Names())
			}
			reqs := w.aws.Requests()
			var names []string
			for _, r := range reqs {
				names = append(names, r.Name())
			}
			var want []string
			for _, c := range tc.calls {
				want = append(want, c.name)
			}
			if !reflect.DeepEqual(names, want) {
				t.Fatalf("calls = %v, want %v", names, want)
			}
			if res.Requests != len(tc.calls) {
				t.Errorf("Result.Requests = %d, want %d", res.Requests, len(tc.calls))
			}
			if !reflect.DeepEqual(res.Calls, want) {
				t.Errorf("Result.Calls = %v, want %v", res.Calls, want)
			}
			for i, c := range tc.calls {
				r := reqs[i]
				checkParams(t, c.name, r.Params, c.params)
				if c.key != "" && r.AccessKeyID != c.key {
					t.Errorf("%s signed with %q, want %q", c.name, r.AccessKeyID, c.key)
				}
				if c.temp != nil && r.SessionToken != *c.temp {
					t.Errorf("%s with session token = %v, want %v", c.name, r.SessionToken, *c.temp)
				}
				if r.Status != 200 {
					t.Errorf("%s answered %d", c.name, r.Status)
				}
			}
			u, err := url.Parse(res.URL)
			must(t, err)
			q := u.Query()
			if u.Scheme != "https" || u.Host != tc.host || u.Path != "/federation" {
				t.Errorf("URL host/path = %s://%s%s, want https://%s/federation", u.Scheme, u.Host, u.Path, tc.host)
			}
			if q.Get("Action") != "login" || q.Get("Issuer") != DefaultIssuer || q.Get("Destination") != tc.dest || !strings.HasPrefix(q.Get("SigninToken"), "FakeSigninToken-") {
				t.Errorf("URL query = Action %q Issuer %q Destination %q token ok %v; want login, %q, %q",
					q.Get("Action"), q.Get("Issuer"), q.Get("Destination"), strings.HasPrefix(q.Get("SigninToken"), "FakeSigninToken-"), DefaultIssuer, tc.dest)
			}
			if res.Destination != tc.dest || res.Partition != tc.partition || res.Kind != tc.kind {
				t.Errorf("Result = dest %q partition %q kind %q, want %q %q %q", res.Destination, res.Partition, res.Kind, tc.dest, tc.partition, tc.kind)
			}
			if res.SessionDuration != tc.session {
				t.Errorf("SessionDuration = %v, want %v", res.SessionDuration, tc.session)
			}
			if res.ExpiresAt.IsZero() || res.ExpiresAt.Before(time.Now()) {
				t.Errorf("ExpiresAt = %v, want a future time", res.ExpiresAt)
			}
			if tc.session > 0 && absDur(time.Until(res.ExpiresAt)-tc.session) > time.Minute {
				t.Errorf("ExpiresAt in %v, want about %v", time.Until(res.ExpiresAt), tc.session)
			}
			if tc.warn != "" && !strings.Contains(strings.Join(res.Warnings, "|"), tc.warn) {
				t.Errorf("warnings %q lack %q", res.Warnings, tc.warn)
			}
			if tc.warn == "" && len(res.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", res.Warnings)
			}
			assertNoSecrets(t, "Result.String", res.String())
		})
	}
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
