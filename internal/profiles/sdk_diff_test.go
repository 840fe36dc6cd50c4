package profiles

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	sdkconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// sdkKind classifies a profile the SDK loaded, following resolveCredsFromProfile.
func sdkKind(sc sdkconfig.SharedConfig) Kind {
	roleOr := func(k Kind) Kind {
		if sc.RoleARN != "" {
			return KindRole
		}
		return k
	}
	switch {
	case sc.Source != nil:
		return KindRole
	case sc.Credentials.HasKeys():
		if sc.Credentials.SessionToken != "" {
			return roleOr(KindSession)
		}
		return roleOr(KindStatic)
	case sc.CredentialSource != "":
		return KindRole
	case sc.WebIdentityTokenFile != "":
		return KindWebIdentity
	case sc.SSOSessionName != "" || sc.SSORegion != "" || sc.SSOAccountID != "" || sc.SSOStartURL != "" || sc.SSORoleName != "":
		return roleOr(KindSSO)
	case sc.LoginSession != "":
		return roleOr(KindLogin)
	case sc.CredentialProcess != "":
		return roleOr(KindProcess)
	}
	return roleOr(KindConfigOnly)
}

// loadProblem is the load phase of checker.problem only (what LoadSharedConfigProfile checks).
func (c *checker) loadProblem(name string) string {
	c.links, c.path, c.fbuf = c.links[:0], c.path[:0], c.fbuf[:0]
	_, ft := c.load(name, nil, nil, true)
	return ft.msg
}

// diffFiles loads the files with awsconfig.Load and with the SDK and compares, per profile,
// whether the SDK refuses it and, when it does not, the kind.
func diffFiles(t *testing.T, config, credentials string) {
	t.Helper()
	dir := t.TempDir()
	paths := awsconfig.Paths{ConfigFile: filepath.Join(dir, "config"), CredentialsFile: filepath.Join(dir, "credentials"), SSOCacheDir: filepath.Join(dir, "cache")}
	if err := os.WriteFile(paths.ConfigFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(paths.CredentialsFile, []byte(credentials), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := awsconfig.Load(paths)
	if err != nil {
		t.Fatalf("Load: %v\nconfig:\n%s\ncredentials:\n%s", err, config, credentials)
	}
	c := newChecker(cfg)
	for _, p := range cfg.Profiles {
		sc, sdkErr := sdkconfig.LoadSharedConfigProfile(context.Background(), p.Name, func(o *sdkconfig.LoadSharedConfigOptions) {
			o.ConfigFiles = []string{paths.ConfigFile}
			o.CredentialsFiles = []string{paths.CredentialsFile}
		})
		ours := c.loadProblem(p.Name)
		if (sdkErr != nil) != (ours != "") {
			t.Errorf("profile %s: SDK error %v, our load problem %q\nconfig:\n%s\ncredentials:\n%s", p.Name, sdkErr, ours, config, credentials)
			continue
		}
		if sdkErr == nil {
			if got, want := KindOf(p), sdkKind(sc); got != want {
				t.Errorf("profile %s: KindOf = %s, SDK resolves it as %s\nconfig:\n%s\ncredentials:\n%s", p.Name, got, want, config, credentials)
			}
		}
	}
}

func TestDifferentialAgainstSDKFixed(t *testing.T) {
	config, credentials := testaws.ChainConfig, testaws.ChainCredentials
	diffFiles(t, config, credentials)

	// Through the real files, Build agrees with the struct-literal tests.
	dir := t.TempDir()
	paths := awsconfig.Paths{ConfigFile: filepath.Join(dir, "c"), CredentialsFile: filepath.Join(dir, "k")}
	os.WriteFile(paths.ConfigFile, []byte(config), 0o600)
	os.WriteFile(paths.CredentialsFile, []byte(credentials), 0o600)
	cfg, err := awsconfig.Load(paths)
	if err != nil {
		t.Fatal(err)
	}
	list := Build(cfg, now)
	want := map[string]bool{
		"static": true, "role": true, "chain": true, "missing-src": false, "cycle-a": false, "cycle-b": false, "self": true,
		"both": false, "no-role": false, "sso": true, "sso-ghost": false, "sso-role": true, "proc": true,
		"login": true, "to-login": false, "webid": true, "keys-and-role": true, "key-only": false, "creds-only": true,
		"session": true, "role-mfa": true, "role-own-keys": true, "role-from-session": true, "role-deep-missing": false,
		"role-no-src": false, "role-env": true, "role-ecs": true, "role-imds": false, "role-bad-credsrc": false,
		"env-no-role": false, "self-no-keys": false, "config-only": false, "to-config-only": false, "login-inline": true,
		"role-from-sso": true, "sso-legacy": true, "sso-legacy-partial": false, "sso-no-role": false,
		"sso-missing-session": false, "sso-half-session": false, "sso-region-mismatch": false,
		"role-from-process": true, "process-and-webid": false, "webid-no-role": false, "role-from-webid": true,
	}
	if len(want) != len(list) {
		t.Errorf("%d profiles in the fixture, %d expected: add the new ones here", len(list), len(want))
	}
	for name, has := range want {
		if p := byName(t, list, name); p.HasCredentials != has {
			t.Errorf("%s: has_credentials = %v, want %v (%q)", name, p.HasCredentials, has, p.Warnings)
		}
	}
	if p := byName(t, list, "sso"); p.SSOStartURL != "https://corp.awsapps.com/start" || p.SSORegion != "eu-west-1" {
		t.Errorf("sso-session not resolved through the file: %+v", p)
	}
	if names := []string{list[0].Name, list[len(list)-1].Name}; names[0] != "static" || names[1] != "creds-only" {
		t.Errorf("file order: first %s last %s", names[0], names[1])
	}
}

// TestDifferentialAgainstSDKRandom generates many small files from a vocabulary that exercises
// every branch of the SDK's loader and compares verdicts and kinds profile by profile.
func TestDifferentialAgainstSDKRandom(t *testing.T) {
	n := 400
	if testing.Short() {
		n = 50
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		config, credentials := testaws.RandomChainFiles(rng, 5)
		t.Run(fmt.Sprint(i), func(t *testing.T) { diffFiles(t, config, credentials) })
		if t.Failed() {
			break
		}
	}
}
