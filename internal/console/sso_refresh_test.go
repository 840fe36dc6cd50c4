package console

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/sso"
)

const refreshConfig = `[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Admin
region = eu-west-1
`

// TestSSOExpiredTokenRefreshedOnce: parallel sign-ins with an expired but refreshable token
// refresh it once (refresh tokens are single-use) and all sign in with the new token.
func TestSSOExpiredTokenRefreshedOnce(t *testing.T) {
	w := newWorld(t, refreshConfig, "")
	tgt, err := sso.Resolve(w.cfg, w.env.Paths.SSOCacheDir, "corp", "")
	must(t, err)
	oidc, _, err := sso.Clients(context.Background(), "eu-west-1", w.env.Paths.ConfigFile, nil)
	must(t, err)
	flow := &sso.Flow{OIDC: oidc, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
		Open: func(u string) error {
			resp, err := http.Get(u)
			if err == nil {
				resp.Body.Close()
			}
			return err
		}}
	res, err := flow.Login(context.Background(), tgt)
	must(t, err)
	old := *res.Entry
	old.ExpiresAt = awsconfig.FormatTime(time.Now().Add(-time.Minute))
	must(t, awsconfig.WriteSSOCacheEntry(tgt.CacheFile, &old))
	w.aws.Reset()

	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = w.signIn("dev", Options{}) }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("sign-in: %v", err)
		}
	}
	refreshes := 0
	for _, r := range w.aws.Find("CreateToken") {
		if r.Get("grantType") == "refresh_token" {
			refreshes++
		}
	}
	now, err := awsconfig.ReadSSOCacheEntry(tgt.CacheFile)
	must(t, err)
	if refreshes != 1 || now.AccessToken == old.AccessToken || now.RefreshToken == old.RefreshToken {
		t.Fatalf("%d refreshes, want 1 and a rewritten cache", refreshes)
	}
	for _, r := range w.aws.Find("GetRoleCredentials") {
		if r.BearerToken != now.AccessToken {
			t.Error("a sign-in used another token than the refreshed one")
		}
	}

	// Once the refresh token is spent elsewhere, the sign-in says to sign in again.
	old2 := *now
	old2.ExpiresAt, old2.RefreshToken = awsconfig.FormatTime(time.Now().Add(-time.Minute)), "spent"
	must(t, awsconfig.WriteSSOCacheEntry(tgt.CacheFile, &old2))
	_, err = w.signIn("dev", Options{})
	var e *apierr.Error
	var need *awsconfig.SSOLogin
	if !errors.As(err, &e) || e.Code != apierr.CodeSSOTokenExpired || !strings.Contains(e.Message, "aws-profile-bridge sso login --sso-session corp") ||
		!errors.As(err, &need) || need.Session != "corp" || need.Profile != "" {
		t.Fatalf("err %v, want %s naming the session", err, apierr.CodeSSOTokenExpired)
	}
	assertNoSecrets(t, "error", err.Error())
	for _, s := range []string{now.AccessToken, now.ClientSecret, "spent"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("the error leaks a secret: %v", err)
		}
	}
}
