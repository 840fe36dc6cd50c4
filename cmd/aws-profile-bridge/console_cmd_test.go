package main

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// cliHome sets HOME and the fake AWS for an in-process run of the command line.
func cliHome(t *testing.T) *fakeaws.Server {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, k := range []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION"} {
		t.Setenv(k, "")
	}
	fake := fakeaws.Start(t)
	fake.Setenv(t)
	t.Setenv("AWS_PROFILE_BRIDGE_SIGNIN_ENDPOINT", fake.FederationURL())
	dir := filepath.Join(home, ".aws")
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "config"), []byte(`[profile prod-admin]
role_arn = arn:aws:iam::111122223333:role/Admin
source_profile = base
region = eu-west-1

[profile mfa]
role_arn = arn:aws:iam::111122223333:role/Admin
source_profile = base
mfa_serial = arn:aws:iam::111122223333:mfa/alice
`), 0o600)
	os.WriteFile(filepath.Join(dir, "credentials"), []byte("[base]\naws_access_key_id = "+testaws.AccessKeyID+"\naws_secret_access_key = "+testaws.SecretKey+"\n"), 0o600)
	return fake
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, strings.NewReader(""), &o, &e)
	return code, o.String(), e.String()
}

func TestConsoleCommandPrintsTheURLAlone(t *testing.T) {
	fake := cliHome(t)
	code, out, errOut := runCLI("console", "prod-admin", "--service", "s3", "--duration", "2h")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("stdout must be the URL alone, got %q", out)
	}
	u, err := url.Parse(lines[0])
	if err != nil || u.Host != "signin.aws.amazon.com" || u.Query().Get("SigninToken") == "" || !strings.Contains(u.Query().Get("Destination"), "s3") {
		t.Errorf("URL %q", lines[0])
	}
	ar := fake.Find("AssumeRole")
	if len(ar) != 1 || ar[0].Params.Get("DurationSeconds") != "7200" {
		t.Errorf("AssumeRole: %+v", ar)
	}
	for _, c := range []string{testaws.AccessKeyID, testaws.SecretKey} {
		if strings.Contains(errOut, c) || strings.Contains(out, c) {
			t.Errorf("output holds a secret %q", c)
		}
	}
}

func TestConsoleCommandContainerAndOpen(t *testing.T) {
	cliHome(t)
	var opened, signin string
	openBrowser = func(u string) error { opened = u; signin = followOpened(t, u); return nil }
	defer func() { openBrowser = openURL }()
	code, out, errOut := runCLI("console", "--container", "--open", "prod-admin")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if out != "" {
		t.Errorf("--open printed the URL on stdout: %q", out)
	}
	if !strings.HasPrefix(opened, "ext+granted-containers:name=prod-admin&url=") || !strings.HasSuffix(opened, "&color=red&icon=briefcase") {
		t.Errorf("container URL %q", opened)
	}
	// The container opens the sign-in URL (on Linux through the one-shot hand-off, handoff.go).
	if !strings.HasPrefix(signin, "https://signin.aws.amazon.com/federation?Action=login") {
		t.Errorf("the container URL leads to %q, not to the sign-in URL", signin)
	}
	if !strings.Contains(errOut, "Opened prod-admin") {
		t.Errorf("stderr: %q", errOut)
	}
}

func TestConsoleCommandErrors(t *testing.T) {
	cliHome(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"console"}, 2, "name a profile"},
		{[]string{"console", "nope"}, 1, "no profile \"nope\""},
		{[]string{"console", "mfa"}, 1, "MFA"},
		{[]string{"console", "prod-admin", "--service", "s3", "--path", "/ec2"}, 2, "not both"},
		{[]string{"console", "prod-admin", "--duration", "soon"}, 2, "--duration"},
		{[]string{"console", "prod-admin", "--path", "https://evil.example/"}, 1, "console"},
		{[]string{"console", "a", "b"}, 2, "unexpected argument"},
	} {
		code, out, errOut := runCLI(tc.args...)
		if code != tc.code || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.args, code, out, errOut, tc.code, tc.want)
		}
	}
	code, out, _ := runCLI("console", "--help")
	if code != 0 || !strings.Contains(out, "--container") || !strings.Contains(out, "--mfa-code") {
		t.Errorf("--help: %d %q", code, out)
	}
}

func TestConsoleCommandMFACode(t *testing.T) {
	fake := cliHome(t)
	fake.MFACode = "654321"
	code, out, errOut := runCLI("console", "mfa", "--mfa-code", "654321")
	if code != 0 || !strings.HasPrefix(out, "https://signin.aws.amazon.com/federation?") {
		t.Fatalf("exit %d: %q %q", code, out, errOut)
	}
	ar := fake.Find("AssumeRole")
	if len(ar) != 1 || ar[0].Params.Get("TokenCode") != "654321" || ar[0].Params.Get("SerialNumber") != "arn:aws:iam::111122223333:mfa/alice" {
		t.Errorf("AssumeRole MFA params: %+v", ar)
	}
}

// With --json a failure is the protocol's error object on stdout (what the native host would
// send), and the message for people on stderr.
func TestJSONFailuresPrintTheErrorObject(t *testing.T) {
	cliHome(t)
	tests := []struct {
		args []string
		code string
	}{
		{[]string{"console", "nope", "--json"}, "profile_not_found"},
		{[]string{"console", "mfa", "--json"}, "mfa_required"},
	}
	for _, tc := range tests {
		code, out, errOut := runCLI(tc.args...)
		var v struct{ Action, Code, Message string }
		if err := json.Unmarshal([]byte(out), &v); err != nil || code != 1 {
			t.Fatalf("%v: exit %d, stdout %q: %v", tc.args, code, out, err)
		}
		if v.Action != "error" || v.Code != tc.code || v.Message == "" || !strings.Contains(errOut, v.Message) {
			t.Errorf("%v: stdout %s, stderr %q", tc.args, out, errOut)
		}
	}
	os.WriteFile(filepath.Join(os.Getenv("HOME"), ".aws", "config"), []byte("[profile x\n"), 0o600)
	code, out, _ := runCLI("profiles", "--json")
	if code != 1 || !strings.Contains(out, `"code":"config_error"`) {
		t.Errorf("profiles --json on a broken config: exit %d, stdout %q", code, out)
	}
}
