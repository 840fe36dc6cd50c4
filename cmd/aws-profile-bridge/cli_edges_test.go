package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

var allCommands = []string{"profiles", "console", "serve", "token", "install", "uninstall", "doctor", "version"}

// TestUnknownFlagIsOneLine: a mistyped flag gets one line that names the command and where help
// is, not the whole usage.
func TestUnknownFlagIsOneLine(t *testing.T) {
	cliHome(t)
	for _, cmd := range allCommands {
		args := []string{cmd, "--no-such-flag"}
		if cmd == "token" {
			args = []string{"token", "list", "--no-such-flag"}
		}
		code, out, errOut := runCLI(args...)
		lines := strings.Split(strings.TrimRight(errOut, "\n"), "\n")
		if code != 2 || out != "" || len(lines) != 1 ||
			!strings.HasPrefix(lines[0], "aws-profile-bridge "+args[0]) || !strings.Contains(lines[0], ": unknown flag --no-such-flag") || !strings.Contains(lines[0], "--no-such-flag") || !strings.Contains(lines[0], "--help") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and one line \"aws-profile-bridge %s…: … --no-such-flag … --help\"", args, code, out, errOut, args[0])
		}
	}
}

// TestHelpFitsIn100Columns: every help text, as printed by --help, wraps at 100 columns.
func TestHelpFitsIn100Columns(t *testing.T) {
	cliHome(t)
	for _, cmd := range append([]string{"help"}, allCommands...) {
		code, out, _ := runCLI(cmd, "--help")
		if code != 0 || out == "" {
			t.Errorf("%s --help: exit %d, %q", cmd, code, out)
			continue
		}
		for i, line := range strings.Split(out, "\n") {
			if n := utf8.RuneCountInString(line); n > 100 {
				t.Errorf("%s --help, line %d has %d columns: %q", cmd, i+1, n, line)
			}
		}
	}
}

// TestUnknownCommandIsOneLine: the same for a mistyped command.
func TestUnknownCommandIsOneLine(t *testing.T) {
	code, out, errOut := runCLI("profile")
	if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, `unknown command "profile"`) || !strings.Contains(errOut, "--help") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, out, _ := runCLI("help", "--help"); code != 0 || !strings.Contains(out, "Usage:") {
		t.Errorf("help --help: exit %d %q", code, out)
	}
}

// TestProfilesNoSSOSaysTokenUnknown: without reading the token cache, an SSO profile is not
// "ready": its token state is unknown.
func TestProfilesNoSSOSaysTokenUnknown(t *testing.T) {
	fake := cliHome(t)
	testaws.Home(t, os.Getenv("HOME"), fake) // dev-sso has a valid cached token
	for _, tc := range []struct {
		flag, want string
	}{{"--no-sso", "sso token unknown"}, {"", "ready"}} {
		args := []string{"profiles"}
		if tc.flag != "" {
			args = append(args, tc.flag)
		}
		code, out, errOut := runCLI(args...)
		if code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, errOut)
		}
		var line string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "dev-sso ") {
				line = l
			}
		}
		if !strings.HasSuffix(strings.TrimSpace(line), tc.want) {
			t.Errorf("%v: dev-sso line %q, want state %q", args, line, tc.want)
		}
	}
}

// TestConsoleRefusesWhatCannotWork: a duration outside the console's range, a mistyped service
// and an MFA role without a terminal each get one line that says what to do, before any call.
func TestConsoleRefusesWhatCannotWork(t *testing.T) {
	fake := cliHome(t)
	for _, tc := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"console", "prod-admin", "--duration", "5m"}, 2, []string{"aws-profile-bridge console: --duration 5m", "15m0s to 12h0m0s", "900 to 43200"}},
		{[]string{"console", "prod-admin", "--duration", "13h"}, 2, []string{"900 to 43200"}},
		{[]string{"console", "prod-admin", "--service", "cloudwach"}, 2, []string{"aws-profile-bridge console: --service cloudwach", "did you mean cloudwatch?", "--path"}},
		{[]string{"console", "prod-admin", "--service", "zzzzzzzz"}, 2, []string{"known: ", "s3"}},
		{[]string{"console", "mfa"}, 1, []string{"aws-profile-bridge console: profile mfa needs an MFA code", "--mfa-code"}},
	} {
		fake.Reset()
		code, out, errOut := runCLI(tc.args...)
		ok := code == tc.code && out == "" && strings.Count(errOut, "\n") == 1
		for _, w := range tc.want {
			ok = ok && strings.Contains(errOut, w)
		}
		if !ok {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.args, code, out, errOut, tc.code, tc.want)
		}
		if tc.code == 2 && len(fake.Requests()) != 0 {
			t.Errorf("%v: called AWS before refusing: %v", tc.args, fake.Names())
		}
	}
	// The edges of the range are fine.
	for _, d := range []string{"15m", "12h", "900"} {
		if code, _, errOut := runCLI("console", "prod-admin", "--duration", d, "--service", "s3"); code != 0 {
			t.Errorf("--duration %s: exit %d %s", d, code, errOut)
		}
	}
}

// TestProfileNameNotUTF8: a profile whose name is not valid UTF-8 is listed with a warning and
// opens by the name the list shows.
func TestProfileNameNotUTF8(t *testing.T) {
	cliHome(t)
	home := os.Getenv("HOME")
	f, err := os.OpenFile(filepath.Join(home, ".aws", "config"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\n[profile caf\xe9]\nrole_arn = arn:aws:iam::111122223333:role/Admin\nsource_profile = base\n")
	f.Close()
	code, out, errOut := runCLI("profiles")
	if code != 0 || !strings.Contains(out, "caf\uFFFD ") || !strings.Contains(errOut, "not valid UTF-8") {
		t.Fatalf("profiles: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runCLI("console", "caf\uFFFD")
	if code != 0 || !strings.HasPrefix(out, "https://") {
		t.Errorf("console by the shown name: exit %d %q %q", code, out, errOut)
	}
}

// TestMFAWithStdinFromDevNull: /dev/null is a character device but no terminal: no prompt that
// waits for nothing, the message says to pass --mfa-code.
func TestMFAWithStdinFromDevNull(t *testing.T) {
	cliHome(t)
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	var out, errOut strings.Builder
	code := run([]string{"console", "mfa"}, null, &out, &errOut)
	if code != 1 || strings.Contains(errOut.String(), "MFA code for") || !strings.Contains(errOut.String(), "--mfa-code") {
		t.Errorf("exit %d, stderr %q; want no prompt and a message naming --mfa-code", code, errOut.String())
	}
}

// TestProfilesIncompleteSSOCannotSignIn: an SSO profile without a role is not "sso login
// needed": no login would make it work.
func TestProfilesIncompleteSSOCannotSignIn(t *testing.T) {
	cliHome(t)
	f, err := os.OpenFile(filepath.Join(os.Getenv("HOME"), ".aws", "config"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\n[profile half]\nsso_session = corp\nsso_account_id = 111122223333\n")
	f.Close()
	code, out, errOut := runCLI("profiles")
	var line string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "half ") {
			line = l
		}
	}
	if code != 0 || !strings.HasSuffix(strings.TrimSpace(line), "cannot sign in") || !strings.Contains(errOut, "sso_role_name") {
		t.Errorf("exit %d, line %q, stderr %q", code, line, errOut)
	}
}
