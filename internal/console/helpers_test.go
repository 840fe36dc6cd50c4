package console

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// Canary secrets: they must never appear in an error, a log line or Result.String.
const (
	canaryKeyID     = "AKIACANARYKEY0000001"
	canarySecret    = "CanarySecretKeyDoNotLeak0000000000000001"
	canarySessKeyID = "ASIACANARYSESSION001"
	canarySessSec   = "CanarySessionSecretDoNotLeak000000000001"
	canarySessTok   = "CanarySessionTokenDoNotLeak//0000000000000000000001"
	canarySSOToken  = "CanarySSOAccessTokenDoNotLeak0000000000001"
	canaryEnvKeyID  = "AKIACANARYENVKEY0001"
	canaryEnvSecret = "CanaryEnvSecretDoNotLeak00000000000000001"
)

// secretsForLeakCheck are every canary and every prefix of a secret the fake hands out.
var secretsForLeakCheck = []string{
	canaryKeyID, canarySecret, canarySessKeyID, canarySessSec, canarySessTok, canarySSOToken, canaryEnvKeyID, canaryEnvSecret,
	"ASIAFAKE", "fakeSecretAccessKey", "FakeSessionToken", "FakeSigninToken", "SigninToken=",
}

// world is one test's AWS home and fake AWS.
type world struct {
	t    testing.TB
	home string
	aws  *fakeaws.Server
	env  Env
	cfg  *awsconfig.Config
}

// newWorld writes the config and credentials files into a fresh HOME, starts the fake and
// points the SDK at it.
func newWorld(t testing.TB, config, credentials string) *world {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE",
		"AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_LOGIN_CACHE_DIRECTORY"} {
		t.Setenv(k, "")
	}
	dir := filepath.Join(home, ".aws")
	paths := awsconfig.Paths{
		ConfigFile:      filepath.Join(dir, "config"),
		CredentialsFile: filepath.Join(dir, "credentials"),
		SSOCacheDir:     filepath.Join(dir, "sso", "cache"),
	}
	must(t, os.MkdirAll(paths.SSOCacheDir, 0o700))
	must(t, os.WriteFile(paths.ConfigFile, []byte(config), 0o600))
	must(t, os.WriteFile(paths.CredentialsFile, []byte(credentials), 0o600))
	fake := fakeaws.Start(t)
	fake.Setenv(t)
	w := &world{t: t, home: home, aws: fake, env: Env{
		Paths:          paths,
		SigninEndpoint: fake.FederationURL(),
		Timeout:        5 * time.Second,
	}}
	w.cfg = loadConfig(t, paths)
	return w
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// ssoToken writes an SSO cache entry for key (an sso-session name or a start URL).
func (w *world) ssoToken(key, token string, expires time.Time, refreshable bool) {
	w.t.Helper()
	e := testaws.SSOEntry{AccessToken: token, ExpiresAt: expires, Region: "us-east-1", StartURL: "https://corp.awsapps.com/start"}
	if refreshable {
		e.Extra = map[string]string{"refreshToken": "r", "clientId": "c", "clientSecret": "s", "registrationExpiresAt": "2099-01-01T00:00:00Z"}
	}
	testaws.SSOToken(w.t, w.env.Paths.SSOCacheDir, key, e)
}

func (w *world) signIn(profile string, opt Options) (*Result, error) {
	return SignIn(context.Background(), w.env, w.cfg, profile, opt)
}

// loadConfig loads the files as the bridge does.
func loadConfig(t testing.TB, p awsconfig.Paths) *awsconfig.Config {
	t.Helper()
	cfg, err := awsconfig.Load(p)
	if err != nil {
		t.Fatalf("awsconfig.Load: %v", err)
	}
	return cfg
}

// assertNoSecrets fails when s contains any canary or fake-issued secret.
func assertNoSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, c := range secretsForLeakCheck {
		if strings.Contains(s, c) {
			t.Errorf("%s leaks a secret (%s…): %s", what, c[:8], s)
		}
	}
}

func errorsUnwrap(err error) error {
	var e *apierr.Error
	if errors.As(err, &e) {
		return e.Err
	}
	return nil
}

func removeGlob(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}
