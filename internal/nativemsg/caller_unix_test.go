//go:build unix

package nativemsg

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// TestCheckSpecialManifest: a manifest path naming a FIFO (whose open blocked the host), a
// device or a directory is refused at once, as any unreadable manifest is.
func TestCheckSpecialManifest(t *testing.T) {
	for _, sf := range testaws.SpecialFiles() {
		t.Run(sf.Name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "aws_profile_bridge.json")
			sf.Make(t, p)
			var err error
			testaws.Returns(t, "Check", func() {
				err = Caller{Browser: Firefox, ManifestPath: p, ExtensionID: geckoID}.Check(nil)
			})
			if !errors.Is(err, ErrCallerNotAllowed) || !strings.Contains(err.Error(), sf.Says) {
				t.Fatalf("err = %v, want ErrCallerNotAllowed saying %q", err, sf.Says)
			}
		})
	}
}
