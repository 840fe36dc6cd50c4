package main

// End-to-end tests of install, doctor and uninstall: the built binary under a temporary HOME,
// doctor starting the registered host the way Firefox does, and install/install.sh itself.

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

type instHome struct {
	dir, bin string
	lean     string // the lean host beside bin, which install registers
	env      []string
}

// newInstHome copies the built binaries into a fresh HOME side by side, as `make build` leaves
// them (so a test can delete one), and gives Firefox a profile directory so it is "found".
func newInstHome(t *testing.T) *instHome {
	t.Helper()
	built := hostBinary(t)
	home := t.TempDir()
	if r, err := filepath.EvalSymlinks(home); err == nil {
		home = r
	}
	bin := filepath.Join(home, "bin", filepath.Base(built))
	instCopy(t, built, bin)
	lean := filepath.Join(home, "bin", filepath.Base(leanHostBinary(t)))
	instCopy(t, leanHostBinary(t), lean)
	for _, d := range []string{".mozilla", ".aws"} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(home, ".aws", "config"), []byte("[profile dev]\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return &instHome{dir: home, bin: bin, lean: lean, env: []string{"HOME=" + home, "USERPROFILE=" + home, "PATH=" + os.Getenv("PATH"), "AWS_EC2_METADATA_DISABLED=true"}}
}

func instCopy(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

func (h *instHome) run(t *testing.T, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = h.env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %v: %v", bin, args, err)
	}
	return o.String(), e.String(), code
}

type doctorReport struct {
	OK       bool `json:"ok"`
	Findings []struct {
		Check, Browser, Status, Path, Message, Fix string
	} `json:"findings"`
}

func (h *instHome) doctor(t *testing.T) doctorReport {
	t.Helper()
	out, errOut, code := h.run(t, h.bin, "doctor", "--json")
	var r doctorReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("doctor --json: %v\n%s\n%s", err, out, errOut)
	}
	if (code == 0) != r.OK {
		t.Errorf("doctor exit %d but ok=%v", code, r.OK)
	}
	return r
}

// named reports whether a failed finding of check mentions text and says what to run.
func (r doctorReport) named(check, text string) bool {
	for _, f := range r.Findings {
		if f.Status == "fail" && f.Check == check && strings.Contains(f.Message, text) && f.Fix != "" {
			return true
		}
	}
	return false
}

// instTree lists paths under root (outside skip) with mode, and size and mtime for files.
func instTree(t *testing.T, root string, skip ...string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if slices.Contains(skip, rel) {
			return filepath.SkipDir
		}
		line := rel + " " + fi.Mode().String()
		if !fi.IsDir() {
			line += " " + fi.ModTime().String()
		}
		out = append(out, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestInstallDoctorUninstallE2E(t *testing.T) {
	h := newInstHome(t)
	firefoxDir := map[string]string{
		"linux":   filepath.Join(h.dir, ".mozilla", "native-messaging-hosts"),
		"darwin":  filepath.Join(h.dir, "Library", "Application Support", "Mozilla", "NativeMessagingHosts"),
		"windows": filepath.Join(h.dir, "AppData", "Local", "aws-profile-bridge", "NativeMessagingHosts", "firefox"),
	}[runtime.GOOS]
	if runtime.GOOS == "windows" {
		t.Skip("writes HKCU on Windows; the registry is covered through the fake in internal/install")
	}
	manifest := filepath.Join(firefoxDir, "aws_profile_bridge.json")
	before := instTree(t, h.dir, ".aws")
	awsBefore := instTree(t, filepath.Join(h.dir, ".aws"))

	// Before install, doctor says what is missing and what to run.
	if r := h.doctor(t); r.OK || !r.named("manifest", "no Firefox host manifest") {
		t.Fatalf("doctor on a fresh HOME: %+v", r)
	}

	// --no-start: a test must never start (or stop) a real user service on this machine.
	out, errOut, code := h.run(t, h.bin, "install", "--extension-id", "me@example.com", "--http-service", "--no-start")
	if code != 0 {
		t.Fatalf("install: %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "created") || !strings.Contains(out, manifest) || !strings.Contains(out, "doctor") {
		t.Errorf("install output:\n%s", out)
	}
	var m struct {
		Name, Path, Type  string
		AllowedExtensions []string `json:"allowed_extensions"`
	}
	b, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	wantIDs := []string{"aws-profile-containers@yourname.local", "aws-profile-containers@samfakhreddine.dev", "{b2568b5f-4d45-421c-bac0-88ca342573b9}", "me@example.com"}
	if m.Name != "aws_profile_bridge" || m.Type != "stdio" || m.Path != h.lean || !slices.Equal(m.AllowedExtensions, wantIDs) {
		t.Errorf("manifest: %+v, want the lean host %s", m, h.lean)
	}
	if strings.Contains(out, "slower") {
		t.Errorf("install with the lean host beside it says the host is slow:\n%s", out)
	}
	state := filepath.Join(h.dir, ".config", "aws-profile-bridge", "install-state.json")
	unit := filepath.Join(h.dir, ".config", "systemd", "user", "aws-profile-bridge.service")
	if runtime.GOOS == "darwin" {
		unit = filepath.Join(h.dir, "Library", "LaunchAgents", "io.github.aws-profile-bridge.plist")
	}
	for p, want := range map[string]os.FileMode{manifest: 0o644, firefoxDir: 0o755, state: 0o600, filepath.Dir(state): 0o700, unit: 0o644} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
		} else if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %o, want %o", p, fi.Mode().Perm(), want)
		}
	}
	if u, _ := os.ReadFile(unit); !bytes.Contains(u, []byte(h.bin+" serve")) && !bytes.Contains(u, []byte(h.bin+"</string>")) || bytes.Contains(u, []byte("aws-profile-bridge-host")) {
		t.Errorf("service unit does not run `%s serve`:\n%s", h.bin, u)
	}
	if !strings.Contains(out, "not started") || !strings.Contains(out, "--no-start: start it with `systemctl --user daemon-reload") && runtime.GOOS == "linux" {
		t.Errorf("install did not say how to start the service it did not start:\n%s", out)
	}

	// Again: nothing changes, and it says so.
	snap := instTree(t, h.dir, ".aws")
	out, _, code = h.run(t, h.bin, "install", "--http-service", "--no-start")
	if code != 0 || !strings.Contains(out, "Nothing changed") {
		t.Errorf("second install (%d):\n%s", code, out)
	}
	if after := instTree(t, h.dir, ".aws"); !slices.Equal(snap, after) {
		t.Errorf("second install touched files:\n%q\n%q", snap, after)
	}

	// Doctor: the service is reported honestly, then (without it) everything is healthy, and the
	// host answered a version frame started through the manifest.
	if r := h.doctor(t); r.OK || !r.named("service", "not running") {
		t.Errorf("doctor with a service that is not running: %+v", r)
	}
	if _, _, code := h.run(t, h.bin, "uninstall", "--http-service"); code != 0 {
		t.Fatal("uninstall --http-service failed")
	}
	if _, err := os.Stat(unit); err == nil {
		t.Error("uninstall --http-service left the unit")
	}
	r := h.doctor(t)
	if !r.OK {
		t.Fatalf("doctor after install: %+v", r)
	}
	// Through the lean host, and aws-profile-bridge beside it as the lean host starts it.
	for check, path := range map[string]string{"host": h.lean, "handoff": h.bin} {
		ok := slices.ContainsFunc(r.Findings, func(f struct{ Check, Browser, Status, Path, Message, Fix string }) bool {
			return f.Check == check && f.Status == "ok" && f.Path == path && strings.Contains(f.Message, "version 9.9.9-e2e")
		})
		if !ok {
			t.Errorf("doctor did not start %s (%s): %+v", path, check, r)
		}
	}
	text, _, code := h.run(t, h.bin, "doctor")
	if code != 0 || !strings.Contains(text, "Nothing is broken.") {
		t.Errorf("doctor text (%d):\n%s", code, text)
	}

	// Break one thing at a time; doctor names it; the fix it prints repairs it.
	orig, _ := os.ReadFile(manifest)
	repair := func() {
		t.Helper()
		if _, _, code := h.run(t, h.bin, "install"); code != 0 {
			t.Fatal("repairing install failed")
		}
		if r := h.doctor(t); !r.OK {
			t.Fatalf("not repaired: %+v", r)
		}
	}
	t.Run("wrong id", func(t *testing.T) {
		os.WriteFile(manifest, bytes.Replace(orig, []byte("aws-profile-containers@samfakhreddine.dev"), []byte("someone@else.example"), 1), 0o644)
		if r := h.doctor(t); !r.named("manifest", "lacks aws-profile-containers@samfakhreddine.dev") {
			t.Errorf("%+v", r)
		}
		repair()
	})
	t.Run("bad JSON", func(t *testing.T) {
		os.WriteFile(manifest, orig[:len(orig)/2], 0o644)
		if r := h.doctor(t); !r.named("manifest", "not valid JSON") {
			t.Errorf("%+v", r)
		}
		repair()
	})
	t.Run("missing binary", func(t *testing.T) {
		other := filepath.Join(h.dir, "moved", "aws-profile-bridge")
		instCopy(t, h.bin, other)
		if _, _, code := h.run(t, other, "install"); code != 0 {
			t.Fatal("install from the other copy failed")
		}
		os.RemoveAll(filepath.Dir(other))
		r := h.doctor(t)
		if !r.named("manifest", other+", which does not exist") {
			t.Errorf("%+v", r)
		}
		for _, f := range r.Findings {
			if f.Status == "fail" && !strings.Contains(f.Fix, h.bin+" install") {
				t.Errorf("fix %q does not say to run this binary's install", f.Fix)
			}
		}
		repair()
	})
	t.Run("lean host without aws-profile-bridge", func(t *testing.T) {
		// Registered from another directory, from which aws-profile-bridge then went away.
		dir := filepath.Join(h.dir, "lonely")
		instCopy(t, h.bin, filepath.Join(dir, filepath.Base(h.bin)))
		instCopy(t, h.lean, filepath.Join(dir, filepath.Base(h.lean)))
		if _, _, code := h.run(t, filepath.Join(dir, filepath.Base(h.bin)), "install"); code != 0 {
			t.Fatal("install from the other directory failed")
		}
		os.Remove(filepath.Join(dir, filepath.Base(h.bin)))
		r := h.doctor(t)
		if !r.named("manifest", "every sign-in would fail") || !r.named("manifest", filepath.Join(dir, filepath.Base(h.bin))) {
			t.Errorf("%+v", r)
		}
		for _, f := range r.Findings {
			if f.Status == "fail" && !strings.Contains(f.Fix, h.bin+" install") {
				t.Errorf("fix %q does not say to run this binary's install", f.Fix)
			}
		}
		os.RemoveAll(dir)
		repair()
	})
	t.Run("loose permissions", func(t *testing.T) {
		os.Chmod(manifest, 0o666)
		logDir := filepath.Join(h.dir, ".aws", "logs")
		os.Chmod(logDir, 0o755)
		r := h.doctor(t)
		if !r.named("manifest", "mode 666") || !r.named("logs", "mode 755") {
			t.Errorf("%+v", r)
		}
		os.Chmod(logDir, 0o700)
		repair()
	})

	out, errOut, code = h.run(t, h.bin, "uninstall")
	if code != 0 || !strings.Contains(out, "removed") {
		t.Fatalf("uninstall (%d):\n%s\n%s", code, out, errOut)
	}
	if after := instTree(t, h.dir, ".aws"); !slices.Equal(before, after) {
		t.Errorf("uninstall did not restore HOME:\nbefore %q\nafter  %q", before, after)
	}
	// ~/.aws: only the host's own log (from doctor's runs) was added; the config is untouched.
	awsAfter := instTree(t, filepath.Join(h.dir, ".aws"), "logs")
	if !slices.Equal(awsBefore, awsAfter) {
		t.Errorf("~/.aws changed: %q -> %q", awsBefore, awsAfter)
	}
	out, _, code = h.run(t, h.bin, "uninstall")
	if code != 0 || !strings.Contains(out, "Nothing to remove") {
		t.Errorf("second uninstall (%d): %s", code, out)
	}
}

// Without the lean host beside it (a `go install`), install registers this binary, a complete
// host, and says that it starts slower and how to get the lean host; doctor finds no fault.
func TestInstallWithoutLeanHostE2E(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("writes HKCU on Windows; the registry is covered through the fake in internal/install")
	}
	h := newInstHome(t)
	os.Remove(h.lean)
	out, errOut, code := h.run(t, h.bin, "install", "--browser", "firefox")
	if code != 0 {
		t.Fatalf("install: %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "no aws-profile-bridge-host beside "+h.bin) || !strings.Contains(out, "slower") || !strings.Contains(out, "make build") {
		t.Errorf("install without the lean host does not say what it costs and what to do:\n%s", out)
	}
	manifest := filepath.Join(h.dir, ".mozilla", "native-messaging-hosts", "aws_profile_bridge.json")
	if runtime.GOOS == "darwin" {
		manifest = filepath.Join(h.dir, "Library", "Application Support", "Mozilla", "NativeMessagingHosts", "aws_profile_bridge.json")
	}
	var m struct{ Path string }
	if b, err := os.ReadFile(manifest); err != nil || json.Unmarshal(b, &m) != nil || m.Path != h.bin {
		t.Errorf("manifest %s names %q, want %s (%v)", manifest, m.Path, h.bin, err)
	}
	if r := h.doctor(t); !r.OK {
		t.Errorf("doctor: %+v", r)
	}
	// `install --binary` of the lean host is refused with the path to give instead.
	instCopy(t, leanHostBinary(t), h.lean)
	if _, errOut, code := h.run(t, h.bin, "install", "--binary", h.lean); code == 0 || !strings.Contains(errOut, "--binary "+h.bin) {
		t.Errorf("install --binary <lean host>: %d %s", code, errOut)
	}
}

func TestInstallRefusals(t *testing.T) {
	h := newInstHome(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"install", "--chrome-origin", "chrome-extension://*/"}, "no wildcards"},
		{[]string{"install", "--extension-id", "has space"}, "not a Firefox add-on id"},
		{[]string{"install", "--browser", "opera"}, "unknown browser"},
		{[]string{"install", "--binary", "/nonexistent/aws-profile-bridge"}, "nonexistent"},
		{[]string{"install", "--system", "--http-service"}, "per-user service"},
		{[]string{"install", "extra"}, "unexpected argument"},
	}
	for _, tt := range tests {
		_, errOut, code := h.run(t, h.bin, tt.args...)
		if code == 0 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", tt.args, code, errOut, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(h.dir, ".config")); err == nil {
		t.Error("a refused install wrote something")
	}
}

func TestInstallHelp(t *testing.T) {
	h := newInstHome(t)
	for _, c := range []struct {
		cmd   string
		flags []string
	}{
		{"install", []string{"--browser", "--system", "--extension-id", "--chrome-origin", "--http-service", "--binary"}},
		{"uninstall", []string{"--system", "--browser", "--http-service"}},
		{"doctor", []string{"--json"}},
	} {
		for _, args := range [][]string{{c.cmd, "--help"}, {"help", c.cmd}} {
			out, _, code := h.run(t, h.bin, args...)
			if code != 0 || !strings.HasPrefix(out, "Usage: aws-profile-bridge "+c.cmd) {
				t.Errorf("%v: exit %d\n%s", args, code, out)
			}
			for _, f := range c.flags {
				if !strings.Contains(out, "-"+strings.TrimLeft(f, "-")) {
					t.Errorf("%v does not document %s", args, f)
				}
			}
		}
	}
}

// TestInstallScriptE2E runs install/install.sh as a user would, under a temporary HOME.
func TestInstallScriptE2E(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("install.sh is for Linux and macOS")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not found")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not on PATH")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	home := t.TempDir()
	if r, err := filepath.EvalSymlinks(home); err == nil {
		home = r
	}
	goenv := func(k string) string {
		out, err := exec.Command(goBin, "env", k).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	env := []string{
		"HOME=" + home, "PATH=" + filepath.Dir(goBin) + ":/usr/bin:/bin",
		"GOCACHE=" + goenv("GOCACHE"), "GOMODCACHE=" + goenv("GOMODCACHE"), "GOPATH=" + goenv("GOPATH"),
		"GOFLAGS=" + goenv("GOFLAGS"), "GOTOOLCHAIN=local", "GOPROXY=off", "VERSION=7.7.7-script",
	}
	bindir := filepath.Join(home, ".local", "bin")
	manifest := filepath.Join(home, ".mozilla", "native-messaging-hosts", "aws_profile_bridge.json")
	if runtime.GOOS == "darwin" {
		bindir = filepath.Join(home, "Library", "Application Support", "aws-profile-bridge", "bin")
		manifest = filepath.Join(home, "Library", "Application Support", "Mozilla", "NativeMessagingHosts", "aws_profile_bridge.json")
	}
	bin := filepath.Join(bindir, "aws-profile-bridge")
	lean := filepath.Join(bindir, "aws-profile-bridge-host")
	script := func(args ...string) (string, int) {
		t.Helper()
		return runScript(t, env, home, bash, append([]string{filepath.Join(root, "install", "install.sh")}, args...)...)
	}

	out, code := script("--help")
	if code != 0 || !strings.Contains(out, "Usage: install/install.sh") {
		t.Fatalf("--help (%d):\n%s", code, out)
	}
	out, code = script("--extension-id=me@example.com")
	if code != 0 {
		t.Fatalf("install.sh (%d):\n%s", code, out)
	}
	if !strings.Contains(out, "Installed "+bin) || !strings.Contains(out, "Installed "+lean) || !strings.Contains(out, "is not on your PATH") {
		t.Errorf("install.sh output:\n%s", out)
	}
	var m struct {
		Path              string
		AllowedExtensions []string `json:"allowed_extensions"`
	}
	b, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatalf("no manifest: %v\n%s", err, out)
	}
	json.Unmarshal(b, &m)
	if m.Path != lean || !slices.Contains(m.AllowedExtensions, "me@example.com") {
		t.Errorf("manifest %s, want it to name the lean host %s", b, lean)
	}
	for _, p := range []string{bin, lean} {
		v, err := exec.Command(p, "version").Output()
		if err != nil || !strings.Contains(string(v), "7.7.7-script") {
			t.Errorf("installed %s version: %s %v", p, v, err)
		}
	}

	// Safe to re-run: same binary, nothing changed.
	out, code = script()
	if code != 0 || !strings.Contains(out, "Unchanged: "+bin) || !strings.Contains(out, "Unchanged: "+lean) || !strings.Contains(out, "Nothing changed") {
		t.Errorf("second run (%d):\n%s", code, out)
	}
	cmd := exec.Command(bin, "doctor")
	cmd.Env = env
	if dout, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("doctor after install.sh: %v\n%s", err, dout)
	}

	out, code = script("--uninstall")
	if code != 0 || !strings.Contains(out, "Removed "+bin) {
		t.Errorf("--uninstall (%d):\n%s", code, out)
	}
	for _, p := range []string{bin, lean, manifest, filepath.Join(home, ".config", "aws-profile-bridge")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s left behind", p)
		}
	}
	_ = io.Discard
}

// runScript runs name with args in dir with exactly env, and returns its output (stdout and
// stderr together) and exit code.
func runScript(t *testing.T, env []string, dir, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = env
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), 0
}
