package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	"github.com/goreleaser/nfpm/v2/files"
	_ "github.com/goreleaser/nfpm/v2/rpm" // registers the rpm packager
)

// The packages register the host system-wide, where `aws-profile-bridge install --system`
// would: both binaries side by side in /usr/bin and the Firefox manifest, naming the lean host,
// in Firefox's system directory. The rpm adds /usr/lib64, where Firefox on 64-bit rpm-based
// systems looks. Nothing in a package writes outside its own files (no scripts), so removing it
// leaves nothing and an upgrade never touches a user's tokens, settings or logs; the HTTP service
// stays per-user (`aws-profile-bridge install --http-service`).
const pkgDir = "/usr/bin/"

// systemManifest renders the Firefox host manifest for the packaged binaries with the installer's
// own template, default ids and rule for the binary it names (the lean host beside
// /usr/bin/aws-profile-bridge), and says where the installer's --system puts it
// (/usr/lib/mozilla/native-messaging-hosts/aws_profile_bridge.json): scripts/sysmanifest does it
// in the product's module, so this module needs none of the product's dependencies. A manifest
// naming a file the packages do not hold fails the build.
func (r *release) systemManifest() (content []byte, dest string, err error) {
	gen := func(args ...string) ([]byte, error) {
		cmd := exec.Command("go", append([]string{"run", "./scripts/sysmanifest", "--binary", pkgDir + name}, args...)...)
		cmd.Dir = r.root
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("rendering the system manifest (go run ./scripts/sysmanifest): %w", err)
		}
		return out, nil
	}
	if content, err = gen(); err != nil {
		return nil, "", err
	}
	if err := namesPackaged(content); err != nil {
		return nil, "", err
	}
	d, err := gen("--dir")
	return content, strings.TrimSpace(string(d)), err
}

// namesPackaged checks that the manifest starts one of the binaries the packages install.
func namesPackaged(manifest []byte) error {
	var m struct{ Path string }
	if err := json.Unmarshal(manifest, &m); err != nil {
		return fmt.Errorf("the system manifest from scripts/sysmanifest is not JSON: %w", err)
	}
	for _, b := range binaries {
		if m.Path == pkgDir+b {
			return nil
		}
	}
	return fmt.Errorf("the system manifest names %q, which the packages do not install (%s%s)", m.Path, pkgDir, strings.Join(binaries, ", "+pkgDir))
}

// firefoxManifests are where a package puts the manifest: the installer's system path and, for
// rpm, its /usr/lib64 twin.
func firefoxManifests(format, dest string) []string {
	if format != "rpm" {
		return []string{dest}
	}
	return []string{dest, strings.Replace(dest, "/usr/lib/", "/usr/lib64/", 1)}
}

// pkgVersion splits the release version for the packagers: a pre-release's dashes become dots,
// so the deb version has no Debian revision (0.0.0~20261207025500.0ac01fd12345) and both deb
// and rpm sort it before any tagged release.
func pkgVersion(v string) (version, pre string) {
	version, pre, _ = strings.Cut(v, "-")
	return version, strings.ReplaceAll(pre, "-", ".")
}

func (r *release) pkg(format, goarch string, bins []string) (string, error) {
	dest := r.manifestDest
	manifest := filepath.Join(r.work, path.Base(dest))
	if err := os.WriteFile(manifest, r.manifest, 0o644); err != nil {
		return "", err
	}
	file := func(src, dst string, mode os.FileMode, typ string) *files.Content {
		return &files.Content{Source: src, Destination: dst, Type: typ,
			FileInfo: &files.ContentFileInfo{Owner: "root", Group: "root", Mode: mode, MTime: r.mtime}}
	}
	dir := func(dst string) *files.Content {
		c := file("", dst, 0o755, files.TypeDir)
		c.Packager = "rpm" // dpkg owns the parents of its files by itself; rpm needs them named
		return c
	}
	docDir := "/usr/share/doc/" + name
	contents := files.Contents{dir(docDir)}
	for _, b := range bins {
		contents = append(contents, file(b, pkgDir+path.Base(b), 0o755, ""))
	}
	for _, m := range firefoxManifests(format, dest) {
		d := path.Dir(m)
		contents = append(contents, file(manifest, m, 0o644, ""), dir(path.Dir(d)), dir(d))
	}
	for _, d := range docs {
		typ := "" // a doc or license type would drop the file from the deb
		if format == "rpm" {
			typ = files.TypeRPMDoc
			if d == "LICENSE" {
				typ = files.TypeRPMLicense
			}
		}
		contents = append(contents, file(filepath.Join(r.root, d), docDir+"/"+d, 0o644, typ))
	}
	version, pre := pkgVersion(r.version)
	info := &nfpm.Info{
		Name:          name,
		Arch:          goarch,
		Platform:      "linux",
		Version:       version,
		Prerelease:    pre,
		VersionSchema: "none",
		Release:       "1",
		Section:       "utils",
		Priority:      "optional",
		Maintainer:    "aws-profile-bridge maintainers <aws-profile-bridge@users.noreply.github.com>",
		Description: "AWS profiles and console sign-in for the AWS Profile Containers Firefox extension\n" +
			"The native-messaging host of the AWS Profile Containers extension, registered\n" +
			"system-wide for Firefox. It lists the profiles in ~/.aws and signs each in to\n" +
			"the AWS Console. Firefox starts the lean host aws-profile-bridge-host, which\n" +
			"hands sign-ins to aws-profile-bridge. Run `aws-profile-bridge install\n" +
			"--http-service` as a user for the optional HTTP fallback.",
		Vendor:   "aws-profile-bridge",
		Homepage: "https://github.com/aws-profile-bridge/aws-profile-bridge",
		License:  "MIT",
		MTime:    r.mtime,
		Overridables: nfpm.Overridables{
			Contents: contents,
			Umask:    0o022,
			RPM:      nfpm.RPM{BuildHost: "aws-profile-bridge", Summary: "AWS profiles and console sign-in for the AWS Profile Containers extension"},
		},
	}
	info = nfpm.WithDefaults(info)
	if err := nfpm.PrepareForPackager(info, format); err != nil {
		return "", fmt.Errorf("%s/%s package: %w", format, goarch, err)
	}
	p, err := nfpm.Get(format)
	if err != nil {
		return "", err
	}
	out := p.ConventionalFileName(info)
	f, err := os.Create(filepath.Join(r.out, out))
	if err != nil {
		return "", err
	}
	if err := p.Package(info, f); err != nil {
		f.Close()
		return "", fmt.Errorf("%s: %w", out, err)
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return out, os.Chtimes(filepath.Join(r.out, out), r.mtime, r.mtime)
}
