package sso

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
)

const testConfig = `[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[sso-session scoped]
sso_start_url = https://scoped.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access, codewhisperer:completions

[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Admin
region = eu-west-1

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 222222222222
sso_role_name = ReadOnly
`

// clock is a fake clock shared by the flow and the fake: Sleep advances it.
type clock struct {
	mu     sync.Mutex
	t      time.Time
	slept  []time.Duration
	onWake func(n int) // called after the n-th sleep (1-based), unlocked
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.slept = append(c.slept, d)
	n, f := len(c.slept), c.onWake
	c.mu.Unlock()
	if f != nil {
		f(n)
	}
	return ctx.Err()
}

type world struct {
	t        *testing.T
	home     string
	cfg      *awsconfig.Config
	cacheDir string
	fake     *fakeaws.Server
	clock    *clock
	out, log *bytes.Buffer
	flow     *Flow
	portal   Portal
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, home: t.TempDir(), fake: fakeaws.Start(t), out: &bytes.Buffer{}, log: &bytes.Buffer{},
		clock: &clock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}}
	w.fake.Setenv(t)
	w.fake.Now = w.clock.Now
	t.Setenv("HOME", w.home)
	t.Setenv("AWS_PROFILE", "")
	cfgFile := filepath.Join(w.home, ".aws", "config")
	if err := os.MkdirAll(filepath.Dir(cfgFile), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfgFile, []byte(testConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(w.home, ".aws", "credentials"))
	var err error
	if w.cfg, err = awsconfig.Load(awsconfig.Paths{ConfigFile: cfgFile}); err != nil {
		t.Fatal(err)
	}
	w.cacheDir = filepath.Join(w.home, ".aws", "sso", "cache")
	oidc, portal, err := Clients(context.Background(), "eu-west-1", cfgFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	lg := zerolog.New(w.log)
	w.portal = portal
	w.flow = &Flow{OIDC: oidc, Out: w.out, Log: &lg, Now: w.clock.Now, Sleep: w.clock.Sleep}
	return w
}

func (w *world) target(session, profile string) Target {
	w.t.Helper()
	t, err := Resolve(w.cfg, w.cacheDir, session, profile)
	if err != nil {
		w.t.Fatal(err)
	}
	return t
}

// approve fetches a verification page as a browser would (which approves it at the fake).
func approve(tb testing.TB, u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Errorf("verification page: %s", resp.Status)
	}
	return nil
}

// secretsIn fails the test when any secret of the cache entries appears in the outputs.
func (w *world) noSecretsPrinted(entries ...*awsconfig.SSOCacheEntry) {
	w.t.Helper()
	for _, e := range entries {
		if e == nil {
			continue
		}
		for _, s := range []string{e.AccessToken, e.ClientSecret, e.RefreshToken} {
			if s == "" {
				continue
			}
			if strings.Contains(w.out.String(), s) || strings.Contains(w.log.String(), s) {
				w.t.Errorf("a secret was printed or logged:\nout: %s\nlog: %s", w.out, w.log)
			}
		}
	}
}
