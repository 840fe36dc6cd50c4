package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// TestMain lets the test binary stand in for a browser: with APB_TEST_FETCH=1 it fetches the URL
// it is given as its last argument (which approves the fake's verification page) and exits; with
// APB_TEST_FETCH=record it only appends the URL to the file APB_TEST_RECORD (a page left open).
func TestMain(m *testing.M) {
	switch os.Getenv("APB_TEST_FETCH") {
	case "record":
		f, err := os.OpenFile(os.Getenv("APB_TEST_RECORD"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			os.Exit(3)
		}
		fmt.Fprintln(f, os.Args[len(os.Args)-1])
		f.Close()
		os.Exit(0)
	case "1":
		resp, err := http.Get(os.Args[len(os.Args)-1])
		if err != nil {
			os.Exit(3)
		}
		resp.Body.Close()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const ssoTestConfig = `[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-central-1

[profile dev-sso]
sso_session = corp
sso_account_id = 444455556666
sso_role_name = Developer
region = eu-west-1

[profile legacy-sso]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = ReadOnly
`

// ssoHome is a HOME with ssoTestConfig and no SSO token, and the fake AWS.
type ssoHome struct {
	dir  string
	fake *fakeaws.Server
}

func newSSOHome(t *testing.T) *ssoHome {
	t.Helper()
	h := &ssoHome{dir: t.TempDir(), fake: fakeaws.Start(t)}
	testaws.WriteFile(t, filepath.Join(h.dir, ".aws", "config"), ssoTestConfig, 0o600)
	return h
}

func (h *ssoHome) env() []string {
	env := []string{"HOME=" + h.dir, "PATH=" + os.Getenv("PATH"), "AWS_EC2_METADATA_DISABLED=true",
		"AWS_PROFILE_BRIDGE_SIGNIN_ENDPOINT=" + h.fake.FederationURL()}
	for _, k := range fakeaws.EndpointVars {
		env = append(env, k+"="+h.fake.URL)
	}
	return env
}

// cacheEntry is a token cache file as the AWS CLI writes it.
type cacheEntry struct {
	StartURL, Region, AccessToken, ExpiresAt, ClientID, ClientSecret, RegistrationExpiresAt, RefreshToken string
}

// cacheFile is the token cache file of key, named as the AWS CLI names it (worked out here, not
// by the code under test).
func (h *ssoHome) cacheFile(key string) string {
	sum := sha1.Sum([]byte(key))
	return filepath.Join(h.dir, ".aws", "sso", "cache", hex.EncodeToString(sum[:])+".json")
}

func (h *ssoHome) cacheEntry(t *testing.T, key string) *cacheEntry {
	t.Helper()
	data, err := os.ReadFile(h.cacheFile(key))
	if err != nil {
		t.Fatal(err)
	}
	var e cacheEntry
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatal(err)
	}
	return &e
}

// noSecrets fails when any secret of e shows in outs or in the log.
func (h *ssoHome) noSecrets(t *testing.T, e *cacheEntry, outs ...string) {
	t.Helper()
	logData, _ := os.ReadFile(filepath.Join(h.dir, ".aws", "logs", "aws_profile_bridge.log"))
	outs = append(outs, string(logData))
	for _, s := range []string{e.AccessToken, e.ClientSecret, e.RefreshToken} {
		for _, o := range outs {
			if s != "" && strings.Contains(o, s) {
				t.Errorf("a token or secret was printed or logged: %q", o)
			}
		}
	}
}

var verifyURL = regexp.MustCompile(`https?://\S+/device\?user_code=\S+`)

// TestSSOLoginThenConsole signs in with the binary, the way a person does with --no-browser (the
// test opens the printed page), then signs in to the console with what it cached: the SDK reads
// our cache file.
func TestSSOLoginThenConsole(t *testing.T) {
	bin := hostBinary(t)
	h := newSSOHome(t)
	cmd := exec.Command(bin, "sso", "login", "--sso-session", "corp", "--no-browser")
	cmd.Env = h.env()
	var stdout, errAll bytes.Buffer
	cmd.Stdout = &stdout
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(pipe)
	opened, code := false, ""
	for sc.Scan() {
		line := sc.Text()
		errAll.WriteString(line + "\n")
		if u := verifyURL.FindString(line); u != "" && !opened {
			opened = true
			resp, err := http.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		if m := regexp.MustCompile(`shows the code (\S+),`).FindStringSubmatch(line); m != nil {
			code = m[1]
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("sso login: %v\n%s", err, errAll.String())
	}
	if !opened || code == "" || !strings.Contains(stdout.String(), "Signed in to sso-session corp; the token expires at ") {
		t.Fatalf("stdout %q stderr %q", stdout.String(), errAll.String())
	}
	t.Logf("$ aws-profile-bridge sso login --sso-session corp --no-browser\n%s%s", errAll.String(), stdout.String())
	e := h.cacheEntry(t, "corp")
	if e.RefreshToken == "" || e.ClientID == "" || e.StartURL != "https://corp.awsapps.com/start" || e.Region != "eu-central-1" {
		t.Errorf("cache entry lacks members")
	}

	out, err := runBin(t, bin, h.env(), "console", "dev-sso", "--json")
	if err != nil {
		t.Fatalf("console: %v\n%s", err, out)
	}
	var r map[string]any
	if err := json.Unmarshal(out, &r); err != nil || r["action"] != "consoleUrl" {
		t.Fatalf("console reply %s", out)
	}
	grc := h.fake.Find("GetRoleCredentials")
	if len(grc) != 1 || grc[0].BearerToken != e.AccessToken {
		t.Fatalf("the console sign-in did not use the cached token")
	}
	h.noSecrets(t, e, stdout.String(), errAll.String())

	// logout ends the portal session and removes the token.
	out, err = runBin(t, bin, h.env(), "sso", "logout", "--profile", "dev-sso")
	if err != nil || !strings.Contains(string(out), "Signed out of sso-session corp") {
		t.Fatalf("logout: %v %s", err, out)
	}
	t.Logf("$ aws-profile-bridge sso logout --profile dev-sso\n%s", out)
	if lo := h.fake.Find("Logout"); len(lo) != 1 || lo[0].BearerToken != e.AccessToken {
		t.Errorf("portal Logout: %+v", len(lo))
	}
	if _, err := os.Stat(h.cacheFile("corp")); !os.IsNotExist(err) {
		t.Errorf("token still cached: %v", err)
	}
	h.noSecrets(t, e, string(out))
}

func runBin(t *testing.T, bin string, env []string, args ...string) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	return cmd.CombinedOutput()
}

// TestSSOLoginBrowserSetting opens the page with AWS_PROFILE_BRIDGE_BROWSER (the URL as its last
// argument) for a legacy profile, in process.
func TestSSOLoginBrowserSetting(t *testing.T) {
	h := newSSOHome(t)
	for _, kv := range h.env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	for _, k := range []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE"} {
		t.Setenv(k, "")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_PROFILE_BRIDGE_BROWSER", self+" --fetch")
	t.Setenv("APB_TEST_FETCH", "1")
	code, out, errOut := runCLI("sso", "login", "--profile", "legacy-sso")
	if code != 0 || !strings.Contains(out, "Signed in to profile legacy-sso") {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	if v := h.fake.Find("VerifyDevice"); len(v) != 1 {
		t.Errorf("the browser command did not open the page")
	}
	e := h.cacheEntry(t, "https://legacy.awsapps.com/start")
	if e.RefreshToken != "" || e.ClientSecret != "" {
		t.Error("a legacy entry holds a registration")
	}
	h.noSecrets(t, e, out, errOut)
}

func TestSSOCommandErrors(t *testing.T) {
	h := newSSOHome(t)
	t.Setenv("HOME", h.dir)
	for _, k := range []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE"} {
		t.Setenv(k, "")
	}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"sso"}, 2, "Usage:"},
		{[]string{"sso", "nope"}, 2, `unknown command "nope"`},
		{[]string{"sso", "login"}, 1, "name --sso-session NAME or --profile NAME"},
		{[]string{"sso", "login", "--sso-session", "a", "--profile", "b"}, 1, "name --sso-session NAME or --profile NAME"},
		{[]string{"sso", "login", "--sso-session", "nope"}, 1, "no [sso-session nope] section"},
		{[]string{"sso", "logout", "--profile", "nope"}, 1, `no profile "nope"`},
		{[]string{"sso", "login", "--bogus"}, 2, "unknown flag --bogus"},
	}
	for _, tc := range tests {
		code, out, errOut := runCLI(tc.args...)
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("%v: exit %d, %q %q; want %d and %q", tc.args, code, out, errOut, tc.code, tc.want)
		}
	}
	if code, out, _ := runCLI("sso", "login", "--help"); code != 0 || !strings.Contains(out, "--no-browser") {
		t.Errorf("help: %d %s", code, out)
	}
}

// TestSSOPopulateCommand writes the session's accounts and roles with the binary; profiles then
// lists them as SSO profiles, and the console signs one in.
func TestSSOPopulateCommand(t *testing.T) {
	bin := hostBinary(t)
	h := newSSOHome(t)
	h.fake.SetSSO(fakeaws.SSOConfig{Accounts: []fakeaws.SSOAccount{
		{ID: "111111111111", Name: "Prod", Roles: []string{"Admin", "ReadOnly"}},
		{ID: "222222222222", Name: "Sand box", Roles: []string{"Admin"}},
		{ID: "333333333333", Name: "dev", Roles: []string{"sso"}}, // dev.sso: no clash, dev-sso is hand-written
	}})
	cfgFile := filepath.Join(h.dir, ".aws", "config")
	testaws.WriteFile(t, cfgFile, ssoTestConfig+"\n[profile Prod.Admin]\n# mine\nregion = us-east-1\n", 0o600)
	old, _ := os.ReadFile(cfgFile)
	testaws.SSOToken(t, filepath.Join(h.dir, ".aws", "sso", "cache"), "corp", testaws.SSOEntry{
		AccessToken: "CanaryPopulateAccessToken0001", ExpiresAt: time.Now().Add(time.Hour), Region: "eu-central-1", StartURL: "https://corp.awsapps.com/start"})

	out, err := runBin(t, bin, h.env(), "sso", "populate", "--sso-session", "corp", "--dry-run")
	now, _ := os.ReadFile(cfgFile)
	if err != nil || !bytes.Equal(now, old) || !strings.Contains(string(out), "+[profile Sand-box.Admin]") || !strings.Contains(string(out), "nothing written") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	t.Logf("$ aws-profile-bridge sso populate --sso-session corp --dry-run\n%s", out)
	if !strings.Contains(string(out), "note: profile Prod.Admin is defined outside") {
		t.Errorf("no note about the clash: %s", out)
	}

	out, err = runBin(t, bin, h.env(), "sso", "populate", "--sso-session", "corp")
	if err != nil || !strings.Contains(string(out), "4 profiles for sso-session corp, 4 added, 0 removed") {
		t.Fatalf("populate: %v\n%s", err, out)
	}
	now, _ = os.ReadFile(cfgFile)
	bak, _ := os.ReadFile(cfgFile + ".bak")
	if !bytes.Equal(bak, old) || !bytes.HasPrefix(now, old) {
		t.Fatal("the old file is not kept as config.bak, or the rest of the file changed")
	}
	if strings.Contains(string(out), "CanaryPopulateAccessToken0001") {
		t.Error("the token was printed")
	}
	out, err = runBin(t, bin, h.env(), "sso", "populate", "--sso-session", "corp")
	if again, _ := os.ReadFile(cfgFile); err != nil || !bytes.Equal(again, now) || !strings.Contains(string(out), "no change") {
		t.Fatalf("second populate: %v %s", err, out)
	}

	out, err = runBin(t, bin, h.env(), "profiles", "--json")
	if err != nil {
		t.Fatalf("profiles: %v %s", err, out)
	}
	var list []map[string]any
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]any{}
	for _, p := range list {
		got[p["name"].(string)] = p
	}
	for _, name := range []string{"Prod.Admin-111111111111", "Prod.ReadOnly", "Sand-box.Admin", "dev.sso"} {
		if p := got[name]; p == nil || p["is_sso"] != true || p["sso_session"] != "corp" || p["region"] != "eu-central-1" && p["region"] != nil {
			t.Errorf("profiles lists %s as %v", name, p)
		}
	}
	if got["Prod.Admin"]["is_sso"] == true {
		t.Error("the hand-written Prod.Admin changed")
	}
	out, err = runBin(t, bin, h.env(), "console", "Sand-box.Admin", "--json")
	if err != nil || !strings.Contains(string(out), `"consoleUrl"`) {
		t.Fatalf("console: %v %s", err, out)
	}
	if grc := h.fake.Find("GetRoleCredentials"); len(grc) != 1 || grc[0].Get("account_id") != "222222222222" || grc[0].Get("role_name") != "Admin" {
		t.Errorf("GetRoleCredentials %+v", grc)
	}
}
