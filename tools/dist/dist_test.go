package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPkgVersion(t *testing.T) {
	for _, tc := range []struct{ in, version, pre string }{
		{"0.3.0", "0.3.0", ""},
		{"0.0.0-20261207025822-c7d5fc170182", "0.0.0", "20261207025822.c7d5fc170182"},
		{"1.2.0-rc.1", "1.2.0", "rc.1"},
	} {
		if v, pre := pkgVersion(tc.in); v != tc.version || pre != tc.pre {
			t.Errorf("pkgVersion(%q) = %q, %q; want %q, %q", tc.in, v, pre, tc.version, tc.pre)
		}
	}
}

// testRelease has a source tree with the files an archive takes, and the two fake binaries.
func testRelease(t *testing.T) (*release, []string) {
	t.Helper()
	root := t.TempDir()
	for _, f := range append(append([]string{}, docs...), scripts...) {
		p := filepath.Join(root, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("content of "+f+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var bins []string
	for _, b := range binaries {
		bin := filepath.Join(root, "bin", b)
		os.MkdirAll(filepath.Dir(bin), 0o755)
		os.WriteFile(bin, []byte("\x7fELF fake "+b), 0o700)
		bins = append(bins, bin)
	}
	return &release{root: root, out: t.TempDir(), version: "1.2.3", mtime: time.Unix(1700000000, 0).UTC(),
		baseURL: "https://example.com/v1.2.3"}, bins
}

func TestTarGzIsReproducible(t *testing.T) {
	r, bins := testRelease(t)
	var a, b bytes.Buffer
	if err := r.writeTarGz(&a, "top", r.entries(bins)); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(bins[0], time.Now(), time.Now()) // the source files' times must not matter
	if err := r.writeTarGz(&b, "top", r.entries(bins)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two archives of the same files differ")
	}
	gz, err := gzip.NewReader(&a)
	if err != nil {
		t.Fatal(err)
	}
	if !gz.ModTime.IsZero() || gz.Name != "" {
		t.Errorf("gzip header carries a time or name: %v %q", gz.ModTime, gz.Name)
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "root" || h.Gname != "root" || !h.ModTime.Equal(r.mtime) {
			t.Errorf("%s: owner %d/%d %s/%s, time %v", h.Name, h.Uid, h.Gid, h.Uname, h.Gname, h.ModTime)
		}
		want := int64(0o644)
		if h.Typeflag == tar.TypeDir || h.Name == "top/aws-profile-bridge" || h.Name == "top/aws-profile-bridge-host" || strings.HasPrefix(h.Name, "top/install/") {
			want = 0o755
		}
		if h.Mode != want {
			t.Errorf("%s: mode %o, want %o", h.Name, h.Mode, want)
		}
	}
	want := "top/ top/install/ top/CHANGELOG.md top/LICENSE top/README.md top/aws-profile-bridge top/aws-profile-bridge-host top/install/install.ps1 top/install/install.sh"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("entries:\n got %s\nwant %s", got, want)
	}
}

func TestZipIsReproducible(t *testing.T) {
	r, bins := testRelease(t)
	var a, b bytes.Buffer
	if err := r.writeZip(&a, "top", r.entries(bins)); err != nil {
		t.Fatal(err)
	}
	if err := r.writeZip(&b, "top", r.entries(bins)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two zips of the same files differ")
	}
	zr, err := zip.NewReader(bytes.NewReader(a.Bytes()), int64(a.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if !f.Modified.Equal(r.mtime) {
			t.Errorf("%s: time %v", f.Name, f.Modified)
		}
	}
	if zr.File[len(zr.File)-1].Name != "top/install/install.sh" {
		t.Errorf("entries not sorted: last is %s", zr.File[len(zr.File)-1].Name)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if !slices.Contains(names, "top/aws-profile-bridge") || !slices.Contains(names, "top/aws-profile-bridge-host") {
		t.Errorf("the zip lacks a binary: %v", names)
	}
}

func TestFormulasNameArchivesAndSums(t *testing.T) {
	r, _ := testRelease(t)
	archives, sums := map[string]string{}, map[string]string{}
	for _, tg := range targets {
		ext := ".tar.gz"
		if tg.goos == "windows" {
			ext = ".zip"
		}
		f := r.archiveBase(tg.goos, tg.goarch) + ext
		archives[tg.goos+"/"+tg.goarch] = f
		sums[f] = strings.Repeat(tg.goarch[:1], 64)
	}
	rb := string(r.homebrew(archives, sums))
	if !strings.Contains(rb, `bin.install "aws-profile-bridge", "aws-profile-bridge-host"`) || !strings.Contains(rb, `#{bin}/aws-profile-bridge-host version`) {
		t.Errorf("the formula does not install and test both binaries:\n%s", rb)
	}
	for _, k := range []string{"darwin/amd64", "darwin/arm64", "linux/amd64", "linux/arm64"} {
		f := archives[k]
		if !strings.Contains(rb, "url \"https://example.com/v1.2.3/"+f+"\"\n      sha256 \""+sums[f]+"\"") {
			t.Errorf("formula lacks %s with its sum:\n%s", f, rb)
		}
	}
	var m struct {
		Version      string
		Architecture map[string]struct{ URL, Hash, Extract_dir string }
	}
	if err := json.Unmarshal(r.scoop(archives, sums), &m); err != nil {
		t.Fatal(err)
	}
	for arch, goarch := range map[string]string{"64bit": "amd64", "arm64": "arm64"} {
		a, f := m.Architecture[arch], archives["windows/"+goarch]
		if m.Version != "1.2.3" || a.URL != "https://example.com/v1.2.3/"+f || a.Hash != sums[f] || a.Extract_dir != strings.TrimSuffix(f, ".zip") {
			t.Errorf("scoop %s: %+v", arch, a)
		}
	}
}

func TestRPMAddsTheLib64Manifest(t *testing.T) {
	m := "/usr/lib/mozilla/native-messaging-hosts/aws_profile_bridge.json"
	if got := firefoxManifests("rpm", m); len(got) != 2 || got[0] != m || got[1] != "/usr/lib64/mozilla/native-messaging-hosts/aws_profile_bridge.json" {
		t.Errorf("rpm manifests: %v", got)
	}
	if got := firefoxManifests("deb", m); len(got) != 1 || got[0] != m {
		t.Errorf("deb manifests: %v", got)
	}
}

// The packages' manifest must start a binary they install: the lean host (or, as before it, the
// command itself); anything else fails the build.
func TestSystemManifestNamesAPackagedBinary(t *testing.T) {
	for path, ok := range map[string]bool{
		"/usr/bin/aws-profile-bridge-host": true, "/usr/bin/aws-profile-bridge": true,
		"/usr/local/bin/aws-profile-bridge-host": false, "/usr/bin/other": false,
	} {
		m, _ := json.Marshal(map[string]string{"name": "aws_profile_bridge", "path": path})
		if err := namesPackaged(m); (err == nil) != ok {
			t.Errorf("namesPackaged(%s) = %v, want ok=%v", path, err, ok)
		}
	}
	if err := namesPackaged([]byte("not json")); err == nil {
		t.Error("namesPackaged accepted a manifest that is not JSON")
	}
}
