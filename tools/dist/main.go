// Command dist builds the release files of aws-profile-bridge into one directory (`make dist`):
// an archive per OS and architecture holding both binaries side by side (aws-profile-bridge and
// the lean native host aws-profile-bridge-host), .deb and .rpm packages for Linux, the install scripts,
// a Homebrew formula, a Scoop manifest and SHA256SUMS over all of them. Two runs on one commit
// give the same bytes: binaries are built with -trimpath and an empty build id, the build date
// is the commit's time, and every archive entry has that time, fixed owners and a sorted place.
//
// It lives in its own module (tools/go.mod) so the packager (nfpm) never enters the product's
// module graph; the packages' host manifest comes from scripts/sysmanifest, which renders the
// installer's own template, so they carry exactly what `aws-profile-bridge install --system` writes.
package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

const name = "aws-profile-bridge"

// binaries are the commands built for every target and shipped side by side: the command line,
// and the lean native host the manifests name, which hands sign-ins to the first beside it.
var binaries = []string{name, name + "-host"}

// targets are the OS/architecture pairs released; Linux ones also get .deb and .rpm packages.
var targets = []struct{ goos, goarch string }{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// docs go into every archive (at its top) and every package (under /usr/share/doc).
var docs = []string{"README.md", "LICENSE", "CHANGELOG.md"}

// scripts go into every archive (under install/, as in the source tree) and beside the archives.
var scripts = []string{"install/install.sh", "install/install.ps1"}

type release struct {
	root, out, version, commit, baseURL string
	mtime                               time.Time
	work                                string // binaries and the rendered manifest
	manifest                            []byte // the packages' Firefox host manifest
	manifestDest                        string // its path on the installed system
}

func main() {
	r := release{}
	var epoch string
	flag.StringVar(&r.root, "root", "..", "the source tree")
	flag.StringVar(&r.out, "out", "../dist", "where to write the release (emptied first)")
	flag.StringVar(&r.version, "version", "", "the version, without a leading v (scripts/version.sh)")
	flag.StringVar(&r.commit, "commit", "", "the commit, abbreviated")
	flag.StringVar(&epoch, "source-date-epoch", os.Getenv("SOURCE_DATE_EPOCH"), "the commit's time in Unix seconds: build date and every file time")
	flag.StringVar(&r.baseURL, "url", "https://github.com/aws-profile-bridge/aws-profile-bridge/releases/download/v{{version}}", "where the release files are downloaded from ({{version}} is replaced)")
	flag.Parse()
	if err := r.init(epoch); err != nil {
		fmt.Fprintf(os.Stderr, "dist: %v\n", err)
		os.Exit(2)
	}
	if err := r.run(); err != nil {
		fmt.Fprintf(os.Stderr, "dist: %v\n", err)
		os.Exit(1)
	}
}

func (r *release) init(epoch string) error {
	if r.version == "" || r.commit == "" || epoch == "" {
		return fmt.Errorf("--version, --commit and --source-date-epoch (or SOURCE_DATE_EPOCH) are needed; run it through `make dist`")
	}
	sec, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil {
		return fmt.Errorf("--source-date-epoch %q: %w", epoch, err)
	}
	r.mtime = time.Unix(sec, 0).UTC()
	r.baseURL = strings.ReplaceAll(r.baseURL, "{{version}}", r.version)
	if r.root, err = filepath.Abs(r.root); err != nil {
		return err
	}
	r.out, err = filepath.Abs(r.out)
	return err
}

func (r *release) run() error {
	if err := os.RemoveAll(r.out); err != nil {
		return err
	}
	if err := os.MkdirAll(r.out, 0o755); err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "apb-dist-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	r.work = work
	if r.manifest, r.manifestDest, err = r.systemManifest(); err != nil {
		return err
	}

	sums := map[string]string{} // release file name → sha256
	archives := map[string]string{}
	for _, t := range targets {
		var bins []string
		for _, cmd := range binaries {
			bin, err := r.build(t.goos, t.goarch, cmd)
			if err != nil {
				return err
			}
			bins = append(bins, bin)
		}
		file, err := r.archive(t.goos, t.goarch, bins)
		if err != nil {
			return err
		}
		archives[t.goos+"/"+t.goarch] = file
		if t.goos == "linux" {
			for _, format := range []string{"deb", "rpm"} {
				if _, err := r.pkg(format, t.goarch, bins); err != nil {
					return err
				}
			}
		}
	}
	for _, s := range scripts {
		if err := copyFile(filepath.Join(r.root, s), filepath.Join(r.out, path.Base(s)), 0o755); err != nil {
			return err
		}
	}
	// The formula and the manifest name the archives' checksums, so they come after them.
	for _, f := range sortedFiles(r.out) {
		if sums[f], err = fileSum(filepath.Join(r.out, f)); err != nil {
			return err
		}
	}
	if err := r.writeFile(name+".rb", r.homebrew(archives, sums)); err != nil {
		return err
	}
	if err := r.writeFile(name+".json", r.scoop(archives, sums)); err != nil {
		return err
	}
	var b strings.Builder
	for _, f := range sortedFiles(r.out) {
		sum, err := fileSum(filepath.Join(r.out, f))
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", sum, f)
	}
	return r.writeFile("SHA256SUMS", []byte(b.String()))
}

// build compiles ./cmd/<cmd> for goos/goarch as `make build` does, plus what makes it
// reproducible: no VCS stamp (the commit is set explicitly) and an empty build id.
func (r *release) build(goos, goarch, cmdName string) (string, error) {
	exe := cmdName
	if goos == "windows" {
		exe += ".exe"
	}
	out := filepath.Join(r.work, goos+"_"+goarch, exe)
	ldflags := fmt.Sprintf("-s -w -buildid= -X main.version=%s -X main.commit=%s -X main.date=%s",
		r.version, r.commit, r.mtime.Format(time.RFC3339))
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags, "-o", out, "./cmd/"+cmdName)
	cmd.Dir = r.root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch, "GOFLAGS=-mod=readonly")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	fmt.Fprintf(os.Stderr, "dist: building %s for %s/%s\n", cmdName, goos, goarch)
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building %s for %s/%s: %w", cmdName, goos, goarch, err)
	}
	return out, nil
}

// entry is one file of an archive.
type entry struct {
	name string // slash path inside the archive's top directory
	src  string
	mode int64
}

// entries are an archive's files: the binaries side by side at its top, the docs, the scripts.
func (r *release) entries(bins []string) []entry {
	var es []entry
	for _, b := range bins {
		es = append(es, entry{filepath.Base(b), b, 0o755})
	}
	for _, d := range docs {
		es = append(es, entry{d, filepath.Join(r.root, d), 0o644})
	}
	for _, s := range scripts {
		es = append(es, entry{s, filepath.Join(r.root, s), 0o755})
	}
	sort.Slice(es, func(i, j int) bool { return es[i].name < es[j].name })
	return es
}

// archiveBase is an archive's file name without extension, and its top directory.
func (r *release) archiveBase(goos, goarch string) string {
	return fmt.Sprintf("%s_%s_%s_%s", name, r.version, goos, goarch)
}

func (r *release) archive(goos, goarch string, bins []string) (string, error) {
	base := r.archiveBase(goos, goarch)
	var buf bytes.Buffer
	var err error
	file := base + ".tar.gz"
	if goos == "windows" {
		file = base + ".zip"
		err = r.writeZip(&buf, base, r.entries(bins))
	} else {
		err = r.writeTarGz(&buf, base, r.entries(bins))
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	return file, r.writeFile(file, buf.Bytes())
}

// dirsOf lists the directories an archive needs before its files, parents first.
func dirsOf(top string, es []entry) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range es {
		d := path.Dir(top + "/" + e.name)
		var chain []string
		for ; d != "." && !seen[d]; d = path.Dir(d) {
			seen[d] = true
			chain = append([]string{d}, chain...)
		}
		out = append(out, chain...)
	}
	sort.Strings(out)
	return out
}

func (r *release) writeTarGz(w io.Writer, top string, es []entry) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	hdr := func(name string, mode, size int64, typ byte) *tar.Header {
		return &tar.Header{Name: name, Mode: mode, Size: size, Typeflag: typ, ModTime: r.mtime,
			Uid: 0, Gid: 0, Uname: "root", Gname: "root", Format: tar.FormatPAX}
	}
	for _, d := range dirsOf(top, es) {
		if err := tw.WriteHeader(hdr(d+"/", 0o755, 0, tar.TypeDir)); err != nil {
			return err
		}
	}
	for _, e := range es {
		b, err := os.ReadFile(e.src)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(hdr(top+"/"+e.name, e.mode, int64(len(b)), tar.TypeReg)); err != nil {
			return err
		}
		if _, err := tw.Write(b); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func (r *release) writeZip(w io.Writer, top string, es []entry) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	for _, d := range dirsOf(top, es) {
		h := &zip.FileHeader{Name: d + "/", Method: zip.Store, Modified: r.mtime}
		h.SetMode(fs.ModeDir | 0o755)
		if _, err := zw.CreateHeader(h); err != nil {
			return err
		}
	}
	for _, e := range es {
		b, err := os.ReadFile(e.src)
		if err != nil {
			return err
		}
		h := &zip.FileHeader{Name: top + "/" + e.name, Method: zip.Deflate, Modified: r.mtime}
		h.SetMode(fs.FileMode(e.mode))
		f, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := f.Write(b); err != nil {
			return err
		}
	}
	return zw.Close()
}

func (r *release) writeFile(name string, b []byte) error {
	p := filepath.Join(r.out, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		return err
	}
	return os.Chtimes(p, r.mtime, r.mtime)
}

func copyFile(src, dst string, mode fs.FileMode) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, mode)
}

func fileSum(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func sortedFiles(dir string) []string {
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		if e.Type().IsRegular() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}
