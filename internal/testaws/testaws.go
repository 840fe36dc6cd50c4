// Package testaws writes the realistic AWS CLI home that the CLI and end-to-end tests share:
// ~/.aws/config with one profile of every kind, ~/.aws/credentials holding canary secrets, a
// valid SSO token in ~/.aws/sso/cache, a web identity token file and (not on Windows) a
// credential_process script, plus native messaging manifests for the host. On Unix it also makes
// the special files every reader must refuse without reading (SpecialFiles), and watches calls
// that once blocked on them (Returns).
//
// Like internal/console/fakeaws it is a normal package so that tests of several packages can
// import it; only tests may. testaws_test.go fails when a package of the module outside tests
// depends on it.
package testaws

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
)

// Canary secrets of Home: none may appear in a log, on stderr, or in a reply.
const (
	AccessKeyID       = "AKIACANARY0000000001" // default's long-term key id
	SecretKey         = "canarySecretKey/DoNotLog+0000000000000001"
	SessionToken      = "canarySessionTokenDoNotLog0000000000000001"
	GovSecretKey      = "canaryGovSecretKey/DoNotLog+000000000001"
	SSOAccessToken    = "canarySSOAccessToken0001"
	ProcessSecret     = "canaryProcessSecret0001"
	ProcessToken      = "canaryProcessToken0001"
	WebIdentityToken  = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJjYW5hcnkifQ."
	LoginSecretKey    = "canaryLoginSecretKey/DoNotLog+00000000001" // the aws login cache's credentials
	LoginSessionToken = "canaryLoginSessionTokenDoNotLog000000001"
	LoginRefreshToken = "canaryLoginRefreshTokenDoNotLog000000001"
)

// Canaries are the secrets Home writes, in the order of the constants above. (The login cache's
// DPoP private key is made afresh by Home: check its PEM header, "PRIVATE KEY".)
var Canaries = []string{AccessKeyID, SecretKey, SessionToken, GovSecretKey, SSOAccessToken,
	ProcessSecret, ProcessToken, WebIdentityToken, LoginSecretKey, LoginSessionToken, LoginRefreshToken}

// Key ids of Home that fake AWS must know (see Home); they are not secret.
const (
	SessionKeyID   = "ASIACANARY0000000002" // temp-session's key
	ProcessKeyID   = "ASIAPROCESS000000001" // what the credential_process script prints
	RoleSessionARN = "arn:aws:sts::111122223333:assumed-role/Admin/alice"
	LoginKeyID     = "ASIALOGIN00000000001"                 // cli-login's cached credentials
	LoginARN       = "arn:aws:iam::111122223333:user/alice" // cli-login's login_session
)

// Credentials is ~/.aws/credentials without gov-user: long-term keys for default and session
// keys for temp-session, whose "# Expires" comment lies in the past.
const Credentials = `[default]
aws_access_key_id = ` + AccessKeyID + `
aws_secret_access_key = ` + SecretKey + `

[temp-session]
aws_access_key_id = ` + SessionKeyID + `
aws_secret_access_key = ` + SecretKey + `
aws_session_token = ` + SessionToken + `
# Expires 2020-01-01 00:00:00
`

// FullCredentials is Home's ~/.aws/credentials: Credentials plus gov-user, the long-term keys
// the gov profile assumes its role with.
const FullCredentials = Credentials + `
[gov-user]
aws_access_key_id = AKIAGOVCANARY0000001
aws_secret_access_key = ` + GovSecretKey + `
`

// Config is Home's ~/.aws/config. webIdentityTokenFile is the webid profile's token file;
// the process profile is left out when credentialProcess is "".
func Config(webIdentityTokenFile, credentialProcess string) string {
	c := `[default]
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
web_identity_token_file = ` + webIdentityTokenFile + `

[profile website]
region = us-west-2

[profile gov]
role_arn = arn:aws-us-gov:iam::123456789012:role/Ops
source_profile = gov-user
region = us-gov-west-1

[profile cli-login]
login_session = ` + LoginARN + `
region = ap-northeast-1
`
	if credentialProcess != "" {
		c += "\n[profile process]\ncredential_process = " + credentialProcess + "\n"
	}
	return c + `
[profile stage-granted]
region = eu-north-1
granted_color = pink
granted_icon = fruit
`
}

// HasProcess reports whether Home writes the process profile: its script is a shell script,
// so not on Windows.
var HasProcess = runtime.GOOS != "windows"

// SignIn is what opening one of Home's profiles in the console must do.
type SignIn struct {
	Profile, Kind, Host, Region string   // Region: "" when the console URL names none
	Calls                       []string // fake AWS calls, in order ("sts:AssumeRole")
	SessionDuration             bool     // SessionDuration sent to the federation endpoint
	Color, Icon                 string
}

// SignIns are Home's profiles that can open the console, one of every kind (process only
// where HasProcess).
func SignIns() []SignIn {
	all := []SignIn{
		{"default", "static", "signin.aws.amazon.com", "us-east-1", []string{"sts:GetCallerIdentity", "sts:GetFederationToken", "signin:getSigninToken"}, false, "blue", "circle"},
		{"temp-session", "session", "signin.aws.amazon.com", "", []string{"sts:GetCallerIdentity", "signin:getSigninToken"}, false, "blue", "circle"},
		{"prod-admin", "role", "signin.aws.amazon.com", "eu-west-1", []string{"sts:AssumeRole", "signin:getSigninToken"}, true, "red", "briefcase"},
		{"chained", "role", "signin.aws.amazon.com", "", []string{"sts:AssumeRole", "sts:AssumeRole", "signin:getSigninToken"}, false, "blue", "circle"},
		{"dev-sso", "sso", "signin.aws.amazon.com", "eu-central-1", []string{"sso:GetRoleCredentials", "signin:getSigninToken"}, false, "green", "fingerprint"},
		{"webid", "web-identity", "signin.aws.amazon.com", "", []string{"sts:AssumeRoleWithWebIdentity", "signin:getSigninToken"}, false, "blue", "circle"},
		{"process", "process", "signin.aws.amazon.com", "", []string{"sts:GetCallerIdentity", "signin:getSigninToken"}, false, "blue", "circle"},
		{"gov", "role", "signin.amazonaws-us-gov.com", "us-gov-west-1", []string{"sts:AssumeRole", "signin:getSigninToken"}, true, "blue", "circle"},
		// The cached `aws login` token is valid for an hour: the SDK uses its credentials as they
		// are (internal/console's tests cover the refresh through CreateOAuth2Token).
		{"cli-login", "login", "signin.aws.amazon.com", "ap-northeast-1", []string{"signin:getSigninToken"}, false, "blue", "circle"},
	}
	out := all[:0]
	for _, s := range all {
		if s.Profile != "process" || HasProcess {
			out = append(out, s)
		}
	}
	return out
}

// Home writes the realistic ~/.aws under home (Config, FullCredentials, a valid SSO token for
// the corp session, a valid `aws login` token for cli-login in ~/.aws/login/cache, the web
// identity token file, the credential_process script where HasProcess), replacing config and
// credentials already there, and teaches fake that SessionKeyID and ProcessKeyID are keys of a
// role session (not of GetSessionToken), so they can open the console, and cli-login's session
// (LoginKeyID is a login credential: getSigninToken refuses a SessionDuration with it).
func Home(tb testing.TB, home string, fake *fakeaws.Server) {
	tb.Helper()
	dir := filepath.Join(home, ".aws")
	webid := WriteFile(tb, filepath.Join(dir, "webid-token"), WebIdentityToken, 0o600)
	process := ""
	if HasProcess {
		process = WriteFile(tb, filepath.Join(dir, "creds.sh"), "#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\""+ProcessKeyID+
			"\",\"SecretAccessKey\":\""+ProcessSecret+"\",\"SessionToken\":\""+ProcessToken+"\",\"Expiration\":\"2099-01-01T00:00:00Z\"}'\n", 0o700)
	}
	WriteFile(tb, filepath.Join(dir, "config"), Config(webid, process), 0o600)
	WriteFile(tb, filepath.Join(dir, "credentials"), FullCredentials, 0o600)
	SSOToken(tb, filepath.Join(dir, "sso", "cache"), "corp", SSOEntry{
		AccessToken: SSOAccessToken, ExpiresAt: time.Now().Add(time.Hour),
		Region: "eu-central-1", StartURL: "https://corp.awsapps.com/start",
	})
	fake.SetIdentity(SessionKeyID, RoleSessionARN)
	fake.SetIdentity(ProcessKeyID, RoleSessionARN)
	LoginToken(tb, filepath.Join(dir, "login", "cache"), fake.AddLoginSession(fakeaws.LoginSession{
		ARN: LoginARN, AccountID: "111122223333", RefreshToken: LoginRefreshToken,
		AccessKeyID: LoginKeyID, SecretAccessKey: LoginSecretKey, SessionToken: LoginSessionToken,
		Expires: time.Now().Add(time.Hour),
	}))
}

// WriteFile writes content to path with mode, making its missing folders (0700), and returns
// path. It fails the test on an error.
func WriteFile(tb testing.TB, path, content string, mode os.FileMode) string {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		tb.Fatal(err)
	}
	return path
}

// WriteProfiles writes a realistic mix of n profiles into home/.aws (the benchmarks' fixture): a
// quarter each long-term keys (credentials), roles sourced from them and SSO (config), and
// session keys with an "# Expires" comment (credentials).
func WriteProfiles(tb testing.TB, home string, n int) {
	tb.Helper()
	var cfg, cred strings.Builder
	cfg.WriteString("[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n\n")
	for i := 0; i < n; i++ {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&cred, "[user-%d]\naws_access_key_id = AKIAEXAMPLE%09d\naws_secret_access_key = secret%d\n\n", i, i, i)
		case 1:
			fmt.Fprintf(&cfg, "[profile prod-role-%d]\nrole_arn = arn:aws:iam::%012d:role/Admin\nsource_profile = user-%d\nregion = eu-west-1\n\n", i, i, i-1)
		case 2:
			fmt.Fprintf(&cfg, "[profile dev-sso-%d]\nsso_session = corp\nsso_account_id = %012d\nsso_role_name = Developer\nregion = us-west-2\n\n", i, i)
		case 3:
			fmt.Fprintf(&cred, "[staging-temp-%d]\naws_access_key_id = ASIAEXAMPLE%09d\naws_secret_access_key = s%d\naws_session_token = t%d\n# Expires 2030-01-01 00:00:00\n\n", i, i, i, i)
		}
	}
	dir := filepath.Join(home, ".aws")
	WriteFile(tb, filepath.Join(dir, "config"), cfg.String(), 0o600)
	WriteFile(tb, filepath.Join(dir, "credentials"), cred.String(), 0o600)
}

// SSOEntry is a token `aws sso login` caches.
type SSOEntry struct {
	AccessToken string
	ExpiresAt   time.Time // written in RFC 3339, UTC, whole seconds
	Region      string
	StartURL    string
	Extra       map[string]string // further members: refreshToken, clientId ...
}

// SSOToken writes e as the cache entry of key (an sso-session name or a legacy start URL) in
// cacheDir, named as the AWS CLI names it: the hex SHA-1 of key, ".json". The name is worked
// out here rather than by awsconfig.CacheKey so that tests check the code against the CLI.
func SSOToken(tb testing.TB, cacheDir, key string, e SSOEntry) string {
	tb.Helper()
	m := map[string]string{"accessToken": e.AccessToken, "expiresAt": e.ExpiresAt.UTC().Format(time.RFC3339),
		"region": e.Region, "startUrl": e.StartURL}
	for k, v := range e.Extra {
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha1.Sum([]byte(key))
	return WriteFile(tb, filepath.Join(cacheDir, hex.EncodeToString(sum[:])+".json"), string(b), 0o600)
}

// Manifest is a native messaging host manifest for bin that lets id call it; key is
// "allowed_extensions" (Firefox) or "allowed_origins" (Chrome).
func Manifest(bin, key, id string) string {
	b, _ := json.Marshal(map[string]any{"name": "aws_profile_bridge", "description": "test", "path": bin, "type": "stdio", key: []string{id}})
	return string(b)
}

// LoginCacheFile is where aws-sdk-go-v2 (logincreds.StandardCachedTokenFilepath) and `aws login`
// keep the token of login session ARN session: cacheDir (default ~/.aws/login/cache, or
// $AWS_LOGIN_CACHE_DIRECTORY) / lower-case hex SHA-256 of the trimmed ARN + ".json". It is worked
// out here rather than by the SDK so that tests check the SDK against the rule.
func LoginCacheFile(cacheDir, session string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(session)))
	return filepath.Join(cacheDir, hex.EncodeToString(sum[:])+".json")
}

// LoginToken writes the cache entry `aws login` leaves for ls (a session of the fake:
// fakeaws.Server.AddLoginSession) into cacheDir, as the SDK reads it:
//
//	{"accessToken":{"accessKeyId","secretAccessKey","sessionToken","accountId","expiresAt"},
//	 "tokenType":"aws_sigv4","refreshToken","identityToken","clientId","dpopKey"}
//
// and returns its path. An Expires in the past makes the SDK call CreateOAuth2Token.
func LoginToken(tb testing.TB, cacheDir string, ls fakeaws.LoginSession) string {
	tb.Helper()
	b, err := json.Marshal(map[string]any{
		"accessToken": map[string]string{
			"accessKeyId": ls.AccessKeyID, "secretAccessKey": ls.SecretAccessKey, "sessionToken": ls.SessionToken,
			"accountId": ls.AccountID, "expiresAt": ls.Expires.UTC().Format(time.RFC3339),
		},
		"tokenType":     "aws_sigv4",
		"refreshToken":  ls.RefreshToken,
		"identityToken": "fake-login-id-token",
		"clientId":      ls.ClientID,
		"dpopKey":       ls.DPoPKey,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return WriteFile(tb, LoginCacheFile(cacheDir, ls.ARN), string(b), 0o600)
}

// RewriteInPlace rewrites path as a slow editor does: truncate, the first half, a pause of mid,
// the rest. Tests of the settle policy race readers against it.
func RewriteInPlace(path, content string, mid time.Duration) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	f.WriteString(content[:len(content)/2])
	time.Sleep(mid)
	f.WriteString(content[len(content)/2:])
	return f.Close()
}
