package profiles

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// loadFiles writes a home directory with ~/.aws/config, ~/.aws/credentials and SSO cache files
// and loads it the way the bridge does.
func loadFiles(t *testing.T, config, credentials string, cache map[string]string) (*awsconfig.Config, awsconfig.Paths) {
	t.Helper()
	home := t.TempDir()
	paths := awsconfig.PathsFromEnv(func(string) string { return "" }, home)
	if err := os.MkdirAll(paths.SSOCacheDir, 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(path, body string) {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(paths.ConfigFile, config)
	write(paths.CredentialsFile, credentials)
	for name, body := range cache {
		write(filepath.Join(paths.SSOCacheDir, name), body)
	}
	cfg, err := awsconfig.Load(paths)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, paths
}

func TestFilesEndToEnd(t *testing.T) {
	config := `[default]
region = us-east-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile corp-prod]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = AdministratorAccess
region = eu-west-1

[profile legacy-dev]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = Developer

[profile gov-admin]
role_arn = arn:aws-us-gov:iam::777788889999:role/admin
source_profile = gov-keys
region = us-gov-west-1

[profile website]
credential_process = /usr/local/bin/creds --profile website
`
	credentials := `[gov-keys]
aws_access_key_id = AKIAGOV
aws_secret_access_key = gov-secret

[temp-latest]
# Expires 2020-01-01 00:00:00
aws_access_key_id = ASIATEMP
aws_secret_access_key = temp-secret
aws_session_token = temp-token
`
	cache := map[string]string{
		awsconfig.CacheKey("corp") + ".json": `{"startUrl":"https://corp.awsapps.com/start","region":"eu-west-1","accessToken":"SECRET","expiresAt":"2025-06-01T20:00:00Z"}`,
		// legacy token written under another name: found by the startUrl scan, old CLI format
		"aws-toolkit.json": `{"startUrl":"https://legacy.awsapps.com/start","region":"us-east-1","accessToken":"SECRET","expiresAt":"2025-06-01T11:00:00UTC"}`,
	}
	cfg, paths := loadFiles(t, config, credentials, cache)
	list := Build(cfg, now)

	wantOrder := []string{"default", "corp-prod", "legacy-dev", "gov-admin", "website", "gov-keys", "temp-latest"}
	if len(list) != len(wantOrder) {
		t.Fatalf("got %d profiles, want %d", len(list), len(wantOrder))
	}
	for i, name := range wantOrder {
		if list[i].Name != name {
			t.Errorf("profile %d = %s, want %s", i, list[i].Name, name)
		}
	}

	type row struct {
		kind            Kind
		has             bool
		color, icon     string
		partition       string
		tokenState      string
		expired         bool
		expiration      string
		account, region string
	}
	check := func(stage string, want map[string]row) {
		t.Helper()
		for name, w := range want {
			p := byName(t, list, name)
			exp := ""
			if p.Expiration != nil {
				exp = *p.Expiration
			}
			got := row{p.Kind, p.HasCredentials, p.Color, p.Icon, p.Partition, p.SSOTokenState, p.Expired, exp, p.AccountID, p.Region}
			if got != w {
				t.Errorf("%s %s:\n got %+v\nwant %+v\n(warnings %q)", stage, name, got, w, p.Warnings)
			}
		}
	}
	check("Build", map[string]row{
		"default":     {KindConfigOnly, false, "blue", "circle", "aws", "", false, "", "", "us-east-1"},
		"corp-prod":   {KindSSO, true, "red", "briefcase", "aws", TokenUnknown, false, "", "111122223333", "eu-west-1"},
		"legacy-dev":  {KindSSO, true, "green", "fingerprint", "aws", TokenUnknown, false, "", "444455556666", ""},
		"gov-admin":   {KindRole, true, "blue", "circle", "aws-us-gov", "", false, "", "777788889999", "us-gov-west-1"},
		"website":     {KindProcess, true, "blue", "circle", "aws", "", false, "", "", ""},
		"gov-keys":    {KindStatic, true, "blue", "circle", "aws", "", false, "", "", ""},
		"temp-latest": {KindSession, true, "blue", "circle", "aws", "", true, "2020-01-01T00:00:00Z", "", ""},
	})

	EnrichSSO(list, cfg, paths.SSOCacheDir, nil, now)
	check("EnrichSSO", map[string]row{
		"corp-prod":  {KindSSO, true, "red", "briefcase", "aws", TokenValid, false, "2025-06-01T20:00:00Z", "111122223333", "eu-west-1"},
		"legacy-dev": {KindSSO, false, "green", "fingerprint", "aws", TokenExpired, true, "2025-06-01T11:00:00Z", "444455556666", ""},
	})
	if !hasWarning(byName(t, list, "legacy-dev").Warnings, "aws-profile-bridge sso login --profile legacy-dev") {
		t.Errorf("legacy-dev warnings %q", byName(t, list, "legacy-dev").Warnings)
	}

	// The whole reply is what the extension expects and carries no secret.
	b, err := json.Marshal(map[string]any{"action": "profileList", "profiles": list})
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"SECRET", "gov-secret", "temp-secret", "temp-token", "AKIAGOV"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("the profile list leaks %q", secret)
		}
	}
	s := SafeSettings(cfg.Profiles[len(cfg.Profiles)-1])
	if _, ok := s["aws_session_token"]; ok || len(s) != 0 {
		t.Errorf("SafeSettings(temp-latest) = %v, want nothing (keys only)", s)
	}
}
