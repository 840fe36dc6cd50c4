package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestInstallScriptFromRelease runs install/install.sh --from on a release archive laid out as
// `make dist` lays it out, with no Go on PATH: a good sum installs both binaries and registers the
// lean host; a wrong sum, a missing line and a missing SHA256SUMS are refused with nothing
// installed. An archive from before the lean host installs aws-profile-bridge alone, and takes
// away a lean host of another build that sat beside it.
func TestInstallScriptFromRelease(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("install.sh is for Linux and macOS")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not found")
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	hostBin, leanBin := hostBinary(t), leanHostBinary(t)
	home := t.TempDir()
	if r, err := filepath.EvalSymlinks(home); err == nil {
		home = r
	}
	dl := filepath.Join(home, "Downloads")
	os.MkdirAll(dl, 0o755)
	top := "aws-profile-bridge_9.9.9_" + runtime.GOOS + "_" + runtime.GOARCH
	archive := filepath.Join(dl, top+".tar.gz")
	writeTestArchive(t, archive, top, hostBin, leanBin)
	sum := fileSHA256(t, archive)
	other := strings.Repeat("ab", 32) + "  aws-profile-bridge_9.9.9_other.zip\n"

	bindir := filepath.Join(home, "bin")
	bin := filepath.Join(bindir, "aws-profile-bridge")
	lean := filepath.Join(bindir, "aws-profile-bridge-host")
	manifest := filepath.Join(home, ".mozilla", "native-messaging-hosts", "aws_profile_bridge.json")
	if runtime.GOOS == "darwin" {
		manifest = filepath.Join(home, "Library", "Application Support", "Mozilla", "NativeMessagingHosts", "aws_profile_bridge.json")
	}
	script := func(sums string, write bool) (string, int) {
		t.Helper()
		p := filepath.Join(dl, "SHA256SUMS")
		os.Remove(p)
		if write {
			os.WriteFile(p, []byte(sums), 0o644)
		}
		env := []string{"HOME=" + home, "PATH=/usr/bin:/bin"} // no Go
		return runScript(t, env, home, bash, filepath.Join(root, "install", "install.sh"), "--from", archive, "--bin-dir", bindir)
	}
	noInstall := func(what string) {
		t.Helper()
		for _, p := range []string{bin, lean, manifest} {
			if _, err := os.Stat(p); err == nil {
				t.Errorf("%s: %s was installed", what, p)
			}
		}
	}

	for _, tc := range []struct {
		name, sums string
		write      bool
		want       string
	}{
		{"wrong sum", strings.Repeat("0", 64) + "  " + top + ".tar.gz\n" + other, true, "does not match SHA256SUMS"},
		{"no line", other, true, "has no sum for " + top + ".tar.gz"},
		{"no SHA256SUMS", "", false, "no SHA256SUMS beside"},
	} {
		out, code := script(tc.sums, tc.write)
		if code == 0 || !strings.Contains(out, tc.want) {
			t.Errorf("%s: exit %d, want a refusal saying %q:\n%s", tc.name, code, tc.want, out)
		}
		noInstall(tc.name)
	}

	out, code := script(other+sum+"  "+top+".tar.gz\n", true)
	if code != 0 || !strings.Contains(out, "Checked "+top+".tar.gz against SHA256SUMS") || !strings.Contains(out, "Installed "+bin) {
		t.Fatalf("install.sh --from (%d):\n%s", code, out)
	}
	if fileSHA256(t, bin) != fileSHA256(t, hostBin) || fileSHA256(t, lean) != fileSHA256(t, leanBin) || !strings.Contains(out, "Installed "+lean) {
		t.Errorf("%s and %s are not the archive's binaries:\n%s", bin, lean, out)
	}
	manifestPath := func() string {
		var m struct{ Path string }
		b, err := os.ReadFile(manifest)
		if err != nil || json.Unmarshal(b, &m) != nil {
			t.Errorf("manifest after --from: %s %v", b, err)
		}
		return m.Path
	}
	if p := manifestPath(); p != lean {
		t.Errorf("manifest after --from names %s, want the lean host %s", p, lean)
	}

	// A release from before the lean host: the lean host of the other build goes, and the
	// manifest names aws-profile-bridge itself.
	writeTestArchive(t, archive, top, hostBin, "")
	out, code = script(other+fileSHA256(t, archive)+"  "+top+".tar.gz\n", true)
	if code != 0 || !strings.Contains(out, "Removed "+lean) {
		t.Fatalf("install.sh --from an archive without the lean host (%d):\n%s", code, out)
	}
	if _, err := os.Stat(lean); err == nil {
		t.Errorf("%s of another build stayed beside the new binary", lean)
	}
	if p := manifestPath(); p != bin {
		t.Errorf("manifest names %s, want %s", p, bin)
	}
}

// writeTestArchive writes a .tar.gz holding top/aws-profile-bridge (bin), top/README.md and,
// unless lean is "", top/aws-profile-bridge-host (lean).
func writeTestArchive(t *testing.T, path, top, bin, lean string) {
	t.Helper()
	exe, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	files := []struct {
		name string
		mode int64
		body []byte
	}{{"aws-profile-bridge", 0o755, exe}, {"README.md", 0o644, []byte("readme\n")}}
	if lean != "" {
		b, err := os.ReadFile(lean)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, struct {
			name string
			mode int64
			body []byte
		}{"aws-profile-bridge-host", 0o755, b})
	}
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: top + "/" + f.name, Mode: f.mode, Size: int64(len(f.body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(f.body)
	}
	tw.Close()
	gz.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(fmt.Errorf("hashing: %w", err))
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
