//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// TestHostSpecialConfigFile: a ~/.aws/config that is a FIFO (which made the host block forever),
// a symlink to /dev/zero (which grew it to gigabytes) or a directory gets a config_error frame
// that names the file and says what to do; the host then exits cleanly.
func TestHostSpecialConfigFile(t *testing.T) {
	for _, sf := range testaws.SpecialFiles() {
		t.Run(sf.Name, func(t *testing.T) {
			h := newE2EHome(t)
			p := filepath.Join(h.dir, ".aws", "config")
			os.Remove(p)
			sf.Make(t, p)
			s := h.firefox(t)
			r := s.roundTrip(map[string]any{"action": "getProfiles"})
			msg, _ := r["message"].(string)
			if r["action"] != "error" || r["code"] != "config_error" || !strings.Contains(msg, sf.Says) ||
				!strings.Contains(msg, "~/.aws/config") || !strings.Contains(msg, "AWS_CONFIG_FILE") {
				t.Fatalf("reply %v", r)
			}
			if code := s.exit(); code != 0 {
				t.Fatalf("exit %d", code)
			}
		})
	}
}

// TestProfilesSpecialConfigFile: `profiles` with such a ~/.aws/config fails at once, saying what
// the file is and what to do.
func TestProfilesSpecialConfigFile(t *testing.T) {
	for _, sf := range testaws.SpecialFiles() {
		t.Run(sf.Name, func(t *testing.T) {
			cliHome(t)
			p := filepath.Join(os.Getenv("HOME"), ".aws", "config")
			os.Remove(p)
			sf.Make(t, p)
			var code int
			var errOut string
			testaws.Returns(t, "profiles", func() { code, _, errOut = runCLI("profiles") })
			if code == 0 || !strings.Contains(errOut, sf.Says) || !strings.Contains(errOut, "AWS_CONFIG_FILE") {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
		})
	}
}
