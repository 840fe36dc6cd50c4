package layout

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The host checks a Chromium-family caller against every Chromium browser's user manifest, and
// never Firefox's, on every OS.
func TestChromiumManifests(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows", "freebsd"} {
		got := ChromiumManifests(goos, "/h")
		if len(got) != len(Browsers)-1 {
			t.Errorf("%s: %d manifests, want one per Chromium browser: %v", goos, len(got), got)
		}
		for _, p := range got {
			if filepath.Base(p) != ManifestFile || !strings.HasPrefix(p, "/h") || strings.Contains(strings.ToLower(p), "mozilla") {
				t.Errorf("%s: %s", goos, p)
			}
		}
		if want := filepath.Join(UserManifestDir(goos, "/h", Chrome), ManifestFile); !slices.Contains(got, want) {
			t.Errorf("%s: Chrome's %s missing from %v", goos, want, got)
		}
	}
}

func TestBinaryBase(t *testing.T) {
	for p, want := range map[string]string{
		"/usr/bin/aws-profile-bridge-host":                                 LeanHostName,
		`C:\Program Files\x\AWS-Profile-Bridge.EXE`:                        CLIName,
		"aws-profile-bridge":                                               CLIName,
		`C:/scoop/apps/aws-profile-bridge/1.0/aws-profile-bridge-host.exe`: LeanHostName,
	} {
		if got := BinaryBase(p); got != want {
			t.Errorf("BinaryBase(%s) = %s, want %s", p, got, want)
		}
	}
}
