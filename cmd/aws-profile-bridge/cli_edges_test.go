package main

import (
	"os"
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
