package profiles

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

const (
	corpURL   = "https://corp.awsapps.com/start"
	legacyURL = "https://legacy.awsapps.com/start"
	oldURL    = "https://old.awsapps.com/start"
)

func writeToken(t *testing.T, dir, file, startURL, expiresAt string) {
	t.Helper()
	body := `{"startUrl":"` + startURL + `","region":"us-east-1","accessToken":"SECRET-TOKEN","expiresAt":"` + expiresAt + `"}`
	if err := os.WriteFile(filepath.Join(dir, file), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func enrichConfig() *awsconfig.Config {
	return config([]*awsconfig.SSOSession{
		session("corp", "sso_start_url="+corpURL, "sso_region=eu-west-1"),
		session("stale", "sso_start_url=https://stale.awsapps.com/start", "sso_region=eu-west-1"),
		session("gone", "sso_start_url=https://gone.awsapps.com/start", "sso_region=eu-west-1"),
		session("scan", "sso_start_url=https://scan.awsapps.com/start", "sso_region=eu-west-1"),
		session("renew", "sso_start_url=https://renew.awsapps.com/start", "sso_region=eu-west-1"),
		session("lapsed", "sso_start_url=https://lapsed.awsapps.com/start", "sso_region=eu-west-1"),
	},
		prof("corp-dev", "sso_session=corp", "sso_account_id=1", "sso_role_name=Dev"),
		prof("corp-prod", "sso_session=corp", "sso_account_id=2", "sso_role_name=Admin"),
		prof("stale-one", "sso_session=stale", "sso_account_id=3", "sso_role_name=Admin"),
		prof("gone-one", "sso_session=gone", "sso_account_id=4", "sso_role_name=Admin"),
		prof("scan-one", "sso_session=scan", "sso_account_id=5", "sso_role_name=Admin"),
		prof("legacy", "sso_start_url="+legacyURL, "sso_region=us-east-1", "sso_account_id=6", "sso_role_name=Admin"),
		prof("legacy-old-cli", "sso_start_url="+oldURL, "sso_region=us-east-1", "sso_account_id=7", "sso_role_name=Admin"),
		prof("corp-no-role", "sso_session=corp", "sso_account_id=8"),
		prof("ghost-session", "sso_session=ghost", "sso_account_id=9", "sso_role_name=Admin"),
		prof("renew-one", "sso_session=renew", "sso_account_id=10", "sso_role_name=Admin"),
		prof("lapsed-one", "sso_session=lapsed", "sso_account_id=11", "sso_role_name=Admin"),
		prof("keys", "aws_access_key_id=AKIA", "aws_secret_access_key=s"),
	)
}

func enrichCache(t *testing.T) string {
	dir := t.TempDir()
	writeToken(t, dir, awsconfig.CacheKey("corp")+".json", corpURL, "2025-06-01T20:00:00Z")
	writeToken(t, dir, awsconfig.CacheKey("stale")+".json", "https://stale.awsapps.com/start", "2025-06-01T11:59:59.5Z")
	writeToken(t, dir, "some-other-name.json", "https://scan.awsapps.com/start/", "2025-06-02T00:00:00+00:00")
	writeToken(t, dir, awsconfig.CacheKey(legacyURL)+".json", legacyURL, "2025-06-01T13:00:00.123Z")
	writeToken(t, dir, awsconfig.CacheKey(oldURL)+".json", oldURL, "2021-12-11T07:18:18UTC")
	// Expired access tokens with a refresh token: one whose client registration lasts, one whose
	// registration has run out.
	for name, reg := range map[string]string{"renew": "2025-08-01T00:00:00Z", "lapsed": "2025-06-01T11:00:00Z"} {
		body := `{"startUrl":"https://` + name + `.awsapps.com/start","region":"eu-west-1","accessToken":"SECRET-TOKEN","expiresAt":"2025-06-01T11:00:00Z",` +
			`"clientId":"cid","clientSecret":"SECRET-CLIENT","registrationExpiresAt":"` + reg + `","refreshToken":"SECRET-REFRESH"}`
		if err := os.WriteFile(filepath.Join(dir, awsconfig.CacheKey(name)+".json"), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestEnrichSSO(t *testing.T) {
	cfg := enrichConfig()
	list := Build(cfg, now)
	EnrichSSO(list, cfg, enrichCache(t), nil, now)

	tests := []struct {
		name       string
		state      string
		expiration string // "" = null
		expired    bool
		hasCreds   bool
		warning    string // fragment; "" = no token warning
	}{
		{"corp-dev", TokenValid, "2025-06-01T20:00:00Z", false, true, ""},
		{"corp-prod", TokenValid, "2025-06-01T20:00:00Z", false, true, ""},
		{"stale-one", TokenExpired, "2025-06-01T11:59:59Z", true, false, "run `aws-profile-bridge sso login --sso-session stale`"},
		{"gone-one", TokenMissing, "", false, false, "run `aws-profile-bridge sso login --sso-session gone`"},
		{"scan-one", TokenValid, "2025-06-02T00:00:00Z", false, true, ""},
		{"legacy", TokenValid, "2025-06-01T13:00:00Z", false, true, ""},
		{"legacy-old-cli", TokenExpired, "2021-12-11T07:18:18Z", true, false, "run `aws-profile-bridge sso login --profile legacy-old-cli`"},
		{"renew-one", TokenRefreshable, "2025-06-01T11:00:00Z", true, true, ""},
		{"lapsed-one", TokenExpired, "2025-06-01T11:00:00Z", true, false, "run `aws-profile-bridge sso login --sso-session lapsed`"},
		{"corp-no-role", TokenValid, "2025-06-01T20:00:00Z", false, false, ""}, // token, but config incomplete
		{"ghost-session", TokenMissing, "", false, false, ""},                  // fix the config first: no login command
	}
	for _, tt := range tests {
		p := byName(t, list, tt.name)
		exp := ""
		if p.Expiration != nil {
			exp = *p.Expiration
		}
		if p.SSOTokenState != tt.state || exp != tt.expiration || p.Expired != tt.expired || p.HasCredentials != tt.hasCreds {
			t.Errorf("%s: state %s expiration %q expired %v has_credentials %v; want %s %q %v %v (warnings %q)",
				tt.name, p.SSOTokenState, exp, p.Expired, p.HasCredentials, tt.state, tt.expiration, tt.expired, tt.hasCreds, p.Warnings)
		}
		tokenWarnings := 0
		for _, w := range p.Warnings {
			if strings.HasPrefix(w, tokenWarningPrefix) {
				tokenWarnings++
			}
			if strings.Contains(w, "SECRET-") {
				t.Errorf("%s: warning leaks the token: %s", tt.name, w)
			}
		}
		if tt.warning == "" && tokenWarnings != 0 || tt.warning != "" && (tokenWarnings != 1 || !hasWarning(p.Warnings, tt.warning)) {
			t.Errorf("%s: warnings %q, want token warning %q", tt.name, p.Warnings, tt.warning)
		}
	}
	if k := byName(t, list, "keys"); k.SSOTokenState != "" || k.Expiration != nil || !k.HasCredentials {
		t.Errorf("non-SSO profile touched: %+v", k)
	}

	// A second call does not duplicate warnings.
	before := len(byName(t, list, "gone-one").Warnings)
	EnrichSSO(list, cfg, enrichCache(t), nil, now)
	if after := len(byName(t, list, "gone-one").Warnings); after != before {
		t.Errorf("second EnrichSSO: %d warnings, want %d", after, before)
	}
}

func TestEnrichSSONamesFilter(t *testing.T) {
	cfg := enrichConfig()
	list := Build(cfg, now)
	EnrichSSO(list, cfg, enrichCache(t), []string{"corp-prod", "legacy", "keys", "no-such-profile"}, now)
	for _, p := range list {
		if !p.IsSSO {
			continue
		}
		enriched := p.Name == "corp-prod" || p.Name == "legacy"
		if enriched != (p.SSOTokenState != TokenUnknown) {
			t.Errorf("%s: state %s; enriched should be %v", p.Name, p.SSOTokenState, enriched)
		}
	}
}

func TestEnrichSSOTokenRefreshed(t *testing.T) {
	cfg := enrichConfig()
	dir := enrichCache(t)
	list := Build(cfg, now)
	EnrichSSO(list, cfg, dir, []string{"stale-one"}, now)
	if p := byName(t, list, "stale-one"); p.SSOTokenState != TokenExpired || len(p.Warnings) != 1 {
		t.Fatalf("setup: %+v", p)
	}
	// The user ran aws sso login: the expired warning must go.
	writeToken(t, dir, awsconfig.CacheKey("stale")+".json", "https://stale.awsapps.com/start", "2025-06-01T20:00:00Z")
	EnrichSSO(list, cfg, dir, []string{"stale-one"}, now)
	if p := byName(t, list, "stale-one"); p.SSOTokenState != TokenValid || len(p.Warnings) != 0 || p.Expired {
		t.Errorf("after login: %+v", p)
	}
}

func TestEnrichSSOCorruptCache(t *testing.T) {
	cfg := enrichConfig()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, awsconfig.CacheKey("corp")+".json"), []byte(`{"accessToken":"SECRET-TOKEN",`), 0o600); err != nil {
		t.Fatal(err)
	}
	list := Build(cfg, now)
	EnrichSSO(list, cfg, dir, []string{"corp-dev"}, now)
	p := byName(t, list, "corp-dev")
	if p.SSOTokenState != TokenMissing || p.HasCredentials || !hasWarning(p.Warnings, "not valid JSON", "aws-profile-bridge sso login --sso-session corp") {
		t.Errorf("corrupt cache: %+v", p)
	}
	if hasWarning(p.Warnings, "SECRET-TOKEN") {
		t.Error("warning leaks the token")
	}
}

func TestEnrichSSOReadsEachEntryOnce(t *testing.T) {
	calls := map[string]int{}
	orig := readSSOToken
	t.Cleanup(func() { readSSOToken = orig })
	readSSOToken = func(dir, sessionName, startURL string) (*awsconfig.SSOToken, error) {
		calls[sessionName+"|"+startURL]++
		return orig(dir, sessionName, startURL)
	}
	cfg := enrichConfig()
	list := Build(cfg, now)
	EnrichSSO(list, cfg, enrichCache(t), nil, now)
	if n := calls["corp|"+corpURL]; n != 1 {
		t.Errorf("corp session read %d times, want 1 (3 profiles share it)", n)
	}
	if len(calls) != 8 {
		t.Errorf("%d distinct reads, want 8 (6 sessions, 2 legacy URLs): %v", len(calls), calls)
	}
	EnrichSSO(list, cfg, enrichCache(t), nil, now)
	if n := calls["corp|"+corpURL]; n != 2 {
		t.Errorf("a second call must read again (fresh cache per call): %d", n)
	}
}

// BenchmarkEnrichSSO: 10 000 profiles, 2 000 of them SSO over 20 sessions, half the sessions
// logged in (the others fall back to the startUrl scan of a 10-file cache).
func BenchmarkEnrichSSO(b *testing.B) {
	cfg := bigConfig(10000)
	dir := b.TempDir()
	for i := range 10 {
		body := `{"startUrl":"https://s.awsapps.com/start","accessToken":"t","expiresAt":"2030-01-01T00:00:00Z"}`
		if err := os.WriteFile(filepath.Join(dir, awsconfig.CacheKey(fmt.Sprintf("s%d", i))+".json"), []byte(body), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	list := Build(cfg, now)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		EnrichSSO(list, cfg, dir, nil, now)
	}
}
