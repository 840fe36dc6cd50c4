//go:build unix

package install

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// TestDoctorSpecialFiles: a FIFO, a device or a directory where the manifest goes (a FIFO's open
// blocked doctor) is a failure named at once; a token directory of another user is named as
// such, with the chown.
func TestDoctorSpecialFiles(t *testing.T) {
	type breakCase struct {
		name        string
		root        bool
		break_      func(t *testing.T, e *Env, manifest string)
		check, text string
	}
	tests := []breakCase{
		{"token dir of another user", true, func(t *testing.T, e *Env, _ string) {
			os.MkdirAll(e.ConfigDir, 0o700)
			os.Chown(e.ConfigDir, 12345, 12345)
		}, "tokens", "belongs to uid 12345"},
	}
	for _, sf := range testaws.SpecialFiles() {
		tests = append(tests, breakCase{"manifest is a " + sf.Name, false,
			func(t *testing.T, e *Env, m string) { os.Remove(m); sf.Make(t, m) }, "manifest", sf.Says})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.root && os.Geteuid() != 0 {
				t.Skip("needs root to chown")
			}
			e, bin := testEnv(t, "linux")
			mustInstall(t, e, Options{Binary: bin, ExtensionIDs: []string{"me@example.com"}})
			m := filepath.Join(e.Home, ".mozilla", "native-messaging-hosts", layout.ManifestFile)
			e.Probe = func(string, []string, []byte) ([]byte, error) {
				return []byte(`{"action":"version","version":"1.0","commit":"abc","protocol":"1"}`), nil
			}
			tt.break_(t, e, m)
			var f []Finding
			testaws.Returns(t, "doctor", func() { f = e.Doctor(DoctorOptions{Binary: bin, Protocol: "1"}) })
			if !hasFailure(f, tt.check, tt.text) {
				t.Errorf("doctor did not name %q under %s: %+v", tt.text, tt.check, f)
			}
		})
	}
}
