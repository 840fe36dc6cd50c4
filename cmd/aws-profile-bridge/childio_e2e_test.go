//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// A credential_process that writes to stderr and reads its stdin to the end: the host must give it
// neither the browser's console (stderr) nor the frame stream (stdin), and keep what it wrote
// for the log at debug level only.
func TestHostKeepsCredentialProcessOffBrowserStreams(t *testing.T) {
	h := newOpenHome(t)
	const canary = "CHILD-STDERR-CANARY"
	script := testaws.WriteFile(t, filepath.Join(h.dir, ".aws", "noisy.sh"), "#!/bin/sh\necho "+canary+" >&2\ncat >/dev/null\n"+
		"echo '{\"Version\":1,\"AccessKeyId\":\""+testaws.ProcessKeyID+"\",\"SecretAccessKey\":\""+testaws.ProcessSecret+
		"\",\"SessionToken\":\""+testaws.ProcessToken+"\",\"Expiration\":\"2099-01-01T00:00:00Z\"}'\n", 0o700)
	cfg := filepath.Join(h.dir, ".aws", "config")
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("\n[profile noisy]\ncredential_process = " + script + "\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()

	for _, level := range []string{"info", "debug"} {
		t.Run(level, func(t *testing.T) {
			s := h.e2eHome.startEnv(t, append(h.env(), "AWS_PROFILE_BRIDGE_LOG_LEVEL="+level), h.firefoxManifest, testExtID)
			// With the frame stream as its stdin, `cat` would wait for the browser to close the
			// port, and the sign-in would fail on the process timeout instead.
			r := s.roundTrip(map[string]any{"action": "openProfile", "profileName": "noisy"})
			if r["action"] != "consoleUrl" {
				t.Fatalf("openProfile noisy: %v", r)
			}
			if code := s.exit(); code != 0 {
				t.Errorf("exit %d", code)
			}
			if s.stderr.Len() != 0 {
				t.Errorf("host stderr is not empty: %q", s.stderr.String())
			}
			logData, _ := os.ReadFile(filepath.Join(h.dir, ".aws", "logs", "aws_profile_bridge.log"))
			if got := strings.Count(string(logData), canary); (level == "debug") != (got > 0) {
				t.Errorf("log level %s: the child's stderr line appears %d times in the log", level, got)
			}
			if strings.Contains(string(logData), testaws.ProcessSecret) {
				t.Error("log holds the process's secret key")
			}
		})
	}
}
