package sso

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
)

func TestLoginSessionWritesTheCLICache(t *testing.T) {
	w := newWorld(t)
	var opened []string
	w.flow.Open = func(u string) error { opened = append(opened, u); return approve(t, u) }
	tgt := w.target("corp", "")
	res, err := w.flow.Login(context.Background(), tgt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Shared || len(opened) != 1 || !strings.Contains(opened[0], "/device?user_code=") {
		t.Fatalf("shared %v, opened %v", res.Shared, opened)
	}
	// The cache file is named by the SHA-1 of the session name and holds exactly the CLI's members.
	sum := sha1.Sum([]byte("corp"))
	file := filepath.Join(w.cacheDir, hex.EncodeToString(sum[:])+".json")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := []string{"accessToken", "clientId", "clientSecret", "expiresAt", "refreshToken", "region", "registrationExpiresAt", "startUrl"}
	if !slices.Equal(keys, want) {
		t.Errorf("cache members %v, want %v", keys, want)
	}
	if m["expiresAt"] != "2030-01-01T01:00:01Z" || m["startUrl"] != "https://corp.awsapps.com/start" || m["region"] != "eu-west-1" {
		t.Errorf("cache %v", keys)
	}
	if !w.fake.SSOAccessTokenValid(m["accessToken"]) || !w.fake.SSORefreshTokenLive(m["refreshToken"]) {
		t.Error("the cache does not hold the tokens the fake issued")
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(file)
		di, _ := os.Stat(w.cacheDir)
		if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
			t.Errorf("modes %v %v", fi.Mode().Perm(), di.Mode().Perm())
		}
	}
	reg := w.fake.Find("RegisterClient")
	if len(reg) != 1 || reg[0].Get("clientName") != "aws-profile-bridge" || !slices.Equal(reg[0].Params["scopes"], []string{"sso:account:access"}) {
		t.Errorf("RegisterClient %+v", reg)
	}
	if !strings.Contains(w.out.String(), "Check that it shows the code ") {
		t.Errorf("the user code was not printed: %s", w.out)
	}
	w.noSecretsPrinted(res.Entry)

	// A second sign-in reuses the registration.
	if _, err := w.flow.Login(context.Background(), tgt); err != nil {
		t.Fatal(err)
	}
	if n := len(w.fake.Find("RegisterClient")); n != 1 {
		t.Errorf("RegisterClient called %d times, want the registration reused", n)
	}
	if n := len(w.fake.Find("StartDeviceAuthorization")); n != 2 {
		t.Errorf("StartDeviceAuthorization called %d times", n)
	}
}

func TestLoginScopesAndLegacy(t *testing.T) {
	w := newWorld(t)
	w.flow.Open = func(u string) error { return approve(t, u) }
	if _, err := w.flow.Login(context.Background(), w.target("scoped", "")); err != nil {
		t.Fatal(err)
	}
	if reg := w.fake.Find("RegisterClient"); !slices.Equal(reg[0].Params["scopes"], []string{"sso:account:access", "codewhisperer:completions"}) {
		t.Errorf("scopes %v", reg[0].Params["scopes"])
	}

	// A legacy profile: file named by the start URL, the token alone, its registration apart.
	tgt := w.target("", "legacy")
	res, err := w.flow.Login(context.Background(), tgt)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(awsconfig.CacheFile(w.cacheDir, "https://legacy.awsapps.com/start"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	_ = json.Unmarshal(data, &m)
	if len(m) != 4 || m["accessToken"] != res.Entry.AccessToken || m["region"] != "us-east-1" {
		t.Errorf("legacy cache has %d members: want startUrl, region, accessToken, expiresAt", len(m))
	}
	if _, err := os.Stat(filepath.Join(w.cacheDir, "botocore-client-id-us-east-1.json")); err != nil {
		t.Errorf("legacy registration not cached: %v", err)
	}
	if _, err := w.flow.Login(context.Background(), tgt); err != nil {
		t.Fatal(err)
	}
	if n := len(w.fake.Find("RegisterClient")); n != 2 { // scoped once, legacy once
		t.Errorf("RegisterClient called %d times", n)
	}
}

func TestWaitPolling(t *testing.T) {
	tests := []struct {
		name      string
		fail      *fakeaws.Failure
		approveAt int // approve after this many sleeps (0: never)
		deny      bool
		deviceTTL time.Duration
		wantErr   error
		wantSleep []time.Duration
	}{
		{name: "pending until approved", approveAt: 3, wantSleep: []time.Duration{time.Second, time.Second, time.Second}},
		{name: "slow_down adds 5s", approveAt: 3, fail: &fakeaws.Failure{Code: "SlowDownException", Times: 1},
			wantSleep: []time.Duration{time.Second, 6 * time.Second, 6 * time.Second}},
		{name: "access_denied", approveAt: 1, deny: true, wantErr: ErrDenied, wantSleep: []time.Duration{time.Second}},
		{name: "expired_token from the service", fail: &fakeaws.Failure{Code: "ExpiredTokenException"}, wantErr: ErrExpired,
			wantSleep: []time.Duration{time.Second}},
		{name: "device code runs out", deviceTTL: 3 * time.Second, wantErr: ErrExpired,
			wantSleep: []time.Duration{time.Second, time.Second, time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			w.fake.SetSSO(fakeaws.SSOConfig{DeviceTTL: tc.deviceTTL})
			if tc.fail != nil {
				w.fake.Fail("CreateToken", *tc.fail)
			}
			a, err := w.flow.Start(context.Background(), w.target("corp", ""))
			if err != nil {
				t.Fatal(err)
			}
			w.clock.onWake = func(n int) {
				if n == tc.approveAt {
					u := a.VerificationURIComplete
					if tc.deny {
						u += "&deny=1"
					}
					_ = approve(t, u)
				}
			}
			e, err := w.flow.Wait(context.Background(), a)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err %v, want %v", err, tc.wantErr)
				}
				if _, err := os.Stat(a.Target.CacheFile); err == nil {
					t.Error("a cache file was written")
				}
			} else if err != nil || e.AccessToken == "" {
				t.Fatalf("Wait: %v", err)
			}
			if !slices.Equal(w.clock.slept, tc.wantSleep) {
				t.Errorf("slept %v, want %v", w.clock.slept, tc.wantSleep)
			}
			for _, r := range w.fake.Find("CreateToken") {
				if r.Status == 400 && r.Get("grantType") == "" {
					t.Error("CreateToken without grantType")
				}
			}
			w.noSecretsPrinted(e)
		})
	}
}

func TestParallelLoginsShareOneFlow(t *testing.T) {
	w := newWorld(t)
	tgt := w.target("corp", "")
	waiting := make(chan struct{})
	second := &Flow{OIDC: w.flow.OIDC, Now: w.clock.Now, Sleep: w.clock.Sleep,
		Out: writerFunc(func(p []byte) {
			if strings.Contains(string(p), "under way") {
				close(waiting)
			}
		}),
		Open: func(string) error { t.Error("the second caller opened a page"); return nil }}
	var (
		wg   sync.WaitGroup
		res2 LoginResult
		err2 error
	)
	w.flow.Open = func(u string) error {
		wg.Add(1)
		go func() { defer wg.Done(); res2, err2 = second.Login(context.Background(), tgt) }()
		select { // the second caller found the flow under way
		case <-waiting:
		case <-time.After(time.Minute):
			t.Error("the second caller did not wait for the flow under way")
		}
		return approve(t, u)
	}
	res1, err := w.flow.Login(context.Background(), tgt)
	wg.Wait()
	if err != nil || err2 != nil {
		t.Fatal(err, err2)
	}
	if res1.Shared || !res2.Shared || res1.Entry.AccessToken != res2.Entry.AccessToken {
		t.Errorf("first shared %v, second shared %v, same token %v", res1.Shared, res2.Shared, res1.Entry.AccessToken == res2.Entry.AccessToken)
	}
	if n := len(w.fake.Find("StartDeviceAuthorization")); n != 1 {
		t.Errorf("%d device flows, want 1", n)
	}
}

type writerFunc func([]byte)

func (f writerFunc) Write(p []byte) (int, error) { f(p); return len(p), nil }

func TestRefresh(t *testing.T) {
	w := newWorld(t)
	w.flow.Open = func(u string) error { return approve(t, u) }
	tgt := w.target("corp", "")
	res, err := w.flow.Login(context.Background(), tgt)
	if err != nil {
		t.Fatal(err)
	}
	// Still valid: kept as it is, no call.
	if e, err := w.flow.Refresh(context.Background(), tgt); err != nil || e.AccessToken != res.Entry.AccessToken {
		t.Fatalf("refresh of a valid token: %v", err)
	}
	if n := len(w.fake.Find("CreateToken")); n != 1 {
		t.Fatalf("CreateToken called %d times", n)
	}
	w.clock.Sleep(context.Background(), 2*time.Hour) // the access token expires
	e, err := w.flow.Refresh(context.Background(), tgt)
	if err != nil {
		t.Fatal(err)
	}
	if e.AccessToken == res.Entry.AccessToken || e.RefreshToken == res.Entry.RefreshToken || !w.fake.SSOAccessTokenValid(e.AccessToken) {
		t.Error("the token was not refreshed (or the rotated refresh token not kept)")
	}
	if e.ExpiresAt != "2030-01-01T03:00:01Z" || e.ClientSecret != res.Entry.ClientSecret {
		t.Errorf("refreshed entry expires %s", e.ExpiresAt)
	}
	got, _ := awsconfig.ReadSSOCacheEntry(tgt.CacheFile)
	if *got != *e {
		t.Error("the cache was not rewritten")
	}
	calls := w.fake.Find("CreateToken")
	if last := calls[len(calls)-1]; last.Get("grantType") != "refresh_token" || last.Get("refreshToken") != res.Entry.RefreshToken {
		t.Errorf("last CreateToken %v", last.Get("grantType"))
	}
	w.noSecretsPrinted(res.Entry, e)

	// A registration that has run out cannot refresh.
	w.clock.Sleep(context.Background(), 91*24*time.Hour)
	if _, err := w.flow.Refresh(context.Background(), tgt); !errors.Is(err, ErrNotRefreshable) || !strings.Contains(err.Error(), "aws-profile-bridge sso login --sso-session corp") {
		t.Errorf("err %v", err)
	}
}

// TestSDKReadsOurCache proves the cache format: aws-sdk-go-v2 signs in with the token we wrote
// (GetRoleCredentials with it as the bearer), and refreshes it with our registration and refresh
// token once it expires.
func TestSDKReadsOurCache(t *testing.T) {
	w := newWorld(t)
	w.fake.Now = time.Now // the SDK reads the real clock
	w.flow.Now, w.flow.Sleep = time.Now, func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	w.flow.Open = func(u string) error { return approve(t, u) }
	tgt := w.target("corp", "")
	res, err := w.flow.Login(context.Background(), tgt)
	if err != nil {
		t.Fatal(err)
	}
	retrieve := func() {
		t.Helper()
		cfg, err := config.LoadDefaultConfig(context.Background(), config.WithSharedConfigProfile("dev"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cfg.Credentials.Retrieve(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	retrieve()
	grc := w.fake.Find("GetRoleCredentials")
	if len(grc) != 1 || grc[0].BearerToken != res.Entry.AccessToken || grc[0].Get("account_id") != "111111111111" {
		t.Fatalf("GetRoleCredentials %+v", grc)
	}

	// Expired: the SDK refreshes with what we wrote, and rewrites the cache.
	e := *res.Entry
	e.ExpiresAt = awsconfig.FormatTime(time.Now().Add(-time.Minute))
	if err := awsconfig.WriteSSOCacheEntry(tgt.CacheFile, &e); err != nil {
		t.Fatal(err)
	}
	retrieve()
	calls := w.fake.Find("CreateToken")
	if last := calls[len(calls)-1]; last.Get("grantType") != "refresh_token" || last.Get("clientId") != e.ClientID {
		t.Fatalf("the SDK did not refresh with our registration: %v", last.Params.Get("grantType"))
	}
	now, _ := awsconfig.ReadSSOCacheEntry(tgt.CacheFile)
	if now.AccessToken == e.AccessToken {
		t.Error("the SDK did not rewrite the cache")
	}
}

func TestLogout(t *testing.T) {
	w := newWorld(t)
	w.flow.Open = func(u string) error { return approve(t, u) }
	tgt := w.target("", "dev") // a profile resolves to its session
	if tgt.Session != "corp" || tgt.Profile != "dev" {
		t.Fatalf("target %+v", tgt)
	}
	res, err := w.flow.Login(context.Background(), tgt)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Logout(context.Background(), w.portal, tgt)
	if err != nil || !r.Removed || r.PortalErr != nil {
		t.Fatalf("Logout %+v, %v", r, err)
	}
	if _, err := os.Stat(tgt.CacheFile); !os.IsNotExist(err) {
		t.Error("the token is still cached")
	}
	if lo := w.fake.Find("Logout"); len(lo) != 1 || lo[0].BearerToken != res.Entry.AccessToken || w.fake.SSOAccessTokenValid(res.Entry.AccessToken) {
		t.Error("the portal's Logout was not called with the token")
	}
	if r, err := Logout(context.Background(), w.portal, tgt); err != nil || r.Removed {
		t.Errorf("second Logout %+v, %v", r, err)
	}
}

func TestResolveErrors(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct{ session, profile, want string }{
		{"", "", "either"},
		{"a", "b", "either"},
		{"nope", "", "no [sso-session nope]"},
		{"", "nope", `no profile "nope"`},
	} {
		if _, err := Resolve(w.cfg, w.cacheDir, tc.session, tc.profile); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Resolve(%q, %q) = %v, want %q", tc.session, tc.profile, err, tc.want)
		}
	}
}

func TestStartExclusive(t *testing.T) {
	w := newWorld(t)
	tgt := w.target("corp", "")
	opened := 0
	w.flow.Open = func(string) error { opened++; return nil }
	a, unlock, err := w.flow.StartExclusive(context.Background(), tgt)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.flow.StartExclusive(context.Background(), tgt); !errors.Is(err, ErrRunning) {
		t.Fatalf("second start: %v, want ErrRunning", err)
	}
	if opened != 1 || len(w.fake.Find("StartDeviceAuthorization")) != 1 {
		t.Errorf("%d pages opened", opened)
	}
	w.clock.onWake = func(int) { _ = approve(t, a.VerificationURIComplete) }
	if _, err := w.flow.Wait(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	unlock()
	if _, unlock, err := w.flow.StartExclusive(context.Background(), tgt); err != nil {
		t.Fatalf("after unlock: %v", err)
	} else {
		unlock()
	}
}

// TestLoginWithAMissingAWSProfile: AWS_PROFILE naming no profile does not stop a sign-in (nothing
// of it applies), and the endpoint variables still lead to the fake.
func TestLoginWithAMissingAWSProfile(t *testing.T) {
	w := newWorld(t)
	t.Setenv("AWS_PROFILE", "no-such-profile")
	oidc, _, err := Clients(context.Background(), "eu-west-1", filepath.Join(w.home, ".aws", "config"), nil)
	if err != nil {
		t.Fatal(err)
	}
	w.flow.OIDC = oidc
	w.flow.Open = func(u string) error { return approve(t, u) }
	if _, err := w.flow.Login(context.Background(), w.target("corp", "")); err != nil {
		t.Fatal(err)
	}
	if n := len(w.fake.Find("CreateToken")); n != 1 {
		t.Errorf("%d CreateToken at the fake", n)
	}
}
