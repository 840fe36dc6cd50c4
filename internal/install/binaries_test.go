package install

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
)

// The rule that says which file a manifest names, per OS, with each OS's own paths.
func TestBinaryRulePerOS(t *testing.T) {
	for _, tc := range []struct {
		goos, bin, lean string
	}{
		{"linux", "/home/a/.local/bin/aws-profile-bridge", "/home/a/.local/bin/aws-profile-bridge-host"},
		{"linux", "/usr/bin/aws-profile-bridge", "/usr/bin/aws-profile-bridge-host"},
		{"darwin", "/Users/a/Library/Application Support/aws-profile-bridge/bin/aws-profile-bridge",
			"/Users/a/Library/Application Support/aws-profile-bridge/bin/aws-profile-bridge-host"},
		{"darwin", "/opt/homebrew/Cellar/aws-profile-bridge/1.0/bin/aws-profile-bridge", "/opt/homebrew/Cellar/aws-profile-bridge/1.0/bin/aws-profile-bridge-host"},
		{"windows", `C:\Users\a\AppData\Local\aws-profile-bridge\bin\aws-profile-bridge.exe`, `C:\Users\a\AppData\Local\aws-profile-bridge\bin\aws-profile-bridge-host.exe`},
		{"windows", `C:\Program Files\aws-profile-bridge\bin\aws-profile-bridge.exe`, `C:\Program Files\aws-profile-bridge\bin\aws-profile-bridge-host.exe`},
		{"windows", `C:/scoop/apps/aws-profile-bridge/1.0/aws-profile-bridge.exe`, `C:/scoop/apps/aws-profile-bridge/1.0/aws-profile-bridge-host.exe`},
	} {
		if got := layout.LeanHostBeside(tc.goos, tc.bin); got != tc.lean {
			t.Errorf("LeanHostBeside(%s, %s) = %s, want %s", tc.goos, tc.bin, got, tc.lean)
		}
		if got := layout.FullBinaryBeside(tc.goos, tc.lean); got != tc.bin {
			t.Errorf("FullBinaryBeside(%s, %s) = %s, want %s", tc.goos, tc.lean, got, tc.bin)
		}
		there := func(p string) bool { return p == tc.lean }
		if got := layout.ManifestBinary(tc.goos, tc.bin, there); got != tc.lean {
			t.Errorf("ManifestBinary(%s, %s) with the lean host beside = %s, want it", tc.goos, tc.bin, got)
		}
		if got := layout.ManifestBinary(tc.goos, tc.bin, func(string) bool { return false }); got != tc.bin {
			t.Errorf("ManifestBinary(%s, %s) without the lean host = %s, want the binary itself", tc.goos, tc.bin, got)
		}
		if !layout.IsLeanHost(tc.lean) || layout.IsLeanHost(tc.bin) || !isOurBinaryName(tc.lean) || !isOurBinaryName(tc.bin) {
			t.Errorf("%s: IsLeanHost/isOurBinaryName wrong for %s or %s", tc.goos, tc.lean, tc.bin)
		}
	}
	// A Windows file name is not a Linux path separator's business.
	if got := layout.LeanHostBeside("linux", `/odd\dir/aws-profile-bridge`); got != `/odd\dir/aws-profile-bridge-host` {
		t.Errorf("linux path with a backslash: %s", got)
	}
	for _, p := range []string{"/opt/other/host.py", `C:\x\aws-profile-bridge-hostile.exe`, "/usr/bin/aws-profile-bridge-host.sh"} {
		if isOurBinaryName(p) {
			t.Errorf("isOurBinaryName(%s) = true", p)
		}
	}
	if PackagedHost != layout.LeanHostBeside("linux", PackagedBinary) {
		t.Errorf("PackagedHost %s is not the lean host beside %s", PackagedHost, PackagedBinary)
	}
}

// withLeanHost puts a lean host beside bin, as `make build` and the releases do.
func withLeanHost(t *testing.T, e *Env, bin string) string {
	t.Helper()
	lean := layout.LeanHostBeside(e.GOOS, bin)
	if err := os.WriteFile(lean, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return lean
}

// Install names the lean host beside the binary in every manifest, user and system scope, on
// every OS (Windows: the registry points at those manifests); the service still runs the binary.
func TestInstallNamesTheLeanHost(t *testing.T) {
	origin := "chrome-extension://abcdefghijklmnopabcdefghijklmnop/"
	// The system scope writes absolute directories on Linux and macOS, which a test cannot; on
	// Windows it writes under ProgramFiles and HKLM, which testEnv puts in the test's HOME.
	for _, tc := range []struct {
		goos   string
		system bool
	}{{"linux", false}, {"darwin", false}, {"windows", false}, {"windows", true}} {
		goos, system := tc.goos, tc.system
		e, bin := testEnv(t, goos)
		lean := withLeanHost(t, e, bin)
		fr := &fakeRun{serve: true}
		e.Run = fr.run
		cs := mustInstall(t, e, Options{Binary: bin, System: system, Browsers: []string{"all"}, ChromeOrigins: []string{origin}, HTTPService: !system, NoStart: true})
		n := 0
		for _, b := range layout.Browsers {
			d := e.ManifestDir(b, system)
			if d == "" {
				continue
			}
			m := readJSON(t, filepath.Join(d, layout.ManifestFile))
			if m.Path != lean {
				t.Errorf("%s system=%v %s manifest names %s, want the lean host %s", goos, system, b, m.Path, lean)
			}
			n++
		}
		if n < 4 {
			t.Errorf("%s system=%v: only %d manifests checked", goos, system, n)
		}
		if slices.ContainsFunc(cs, func(c Change) bool { return c.What == "host" }) {
			t.Errorf("%s: a note about a missing lean host, with the lean host there: %+v", goos, cs)
		}
		if goos == "windows" {
			reg := e.Registry.(*MemRegistry)
			root := CurrentUser
			if system {
				root = LocalMachine
			}
			for _, b := range layout.Browsers {
				for _, v := range RegistryViews(b) {
					p, err := reg.Default(root, v, RegistryKey(b))
					if err != nil || readJSON(t, p).Path != lean {
						t.Errorf("windows system=%v %s %v: key %q (%v) does not lead to a manifest naming %s", system, b, v, p, err, lean)
					}
				}
			}
		}
		if !system {
			path, _, _ := e.ServiceUnit(bin)
			unit, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if goos == "windows" {
				unit = []byte(strings.ReplaceAll(string(unit), "\x00", ""))
			}
			if !strings.Contains(string(unit), bin) || strings.Contains(string(unit), layout.LeanHostName) {
				t.Errorf("%s: the service unit must run %s serve, not the lean host:\n%s", goos, bin, unit)
			}
		}
		// Doctor sees its own install, and asks both binaries for their version.
		var probed []string
		e.Probe = func(b string, args []string, req []byte) ([]byte, error) {
			probed = append(probed, b)
			return []byte(`{"action":"version","version":"1.0","commit":"abc","protocol":"1"}`), nil
		}
		f := e.Doctor(DoctorOptions{Binary: bin, Protocol: "1"})
		if Broken(f) || slices.ContainsFunc(f, func(x Finding) bool { return x.Status == StatusWarn && x.Check == "manifest" }) {
			t.Errorf("%s system=%v: doctor after install: %+v", goos, system, f)
		}
		if !slices.Contains(probed, lean) || !slices.Contains(probed, bin) {
			t.Errorf("%s: doctor probed %v, want the lean host and, for its hand-off, %s", goos, probed, bin)
		}
		// Uninstall recognises manifests naming the lean host as ours.
		if _, err := e.Uninstall(UninstallOptions{System: system}); err != nil {
			t.Fatal(err)
		}
		for _, b := range layout.Browsers {
			if d := e.ManifestDir(b, system); d != "" {
				if _, err := os.Stat(filepath.Join(d, layout.ManifestFile)); err == nil {
					t.Errorf("%s system=%v: uninstall left the %s manifest naming the lean host", goos, system, b)
				}
			}
		}
		if goos == "windows" {
			if keys := e.Registry.(*MemRegistry).Keys(); len(keys) != 0 {
				t.Errorf("windows system=%v: uninstall left %v", system, keys)
			}
		}
	}
}

// Without the lean host (a `go install`), install names the binary itself and says what that
// costs and how to get the lean host; once the lean host is beside it, install switches to it.
func TestInstallWithoutTheLeanHost(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		e, bin := testEnv(t, goos)
		cs := mustInstall(t, e, Options{Binary: bin, Browsers: []string{layout.Firefox}})
		ff := filepath.Join(e.ManifestDir(layout.Firefox, false), layout.ManifestFile)
		if m := readJSON(t, ff); m.Path != bin {
			t.Errorf("%s: manifest names %s, want %s", goos, m.Path, bin)
		}
		i := slices.IndexFunc(cs, func(c Change) bool { return c.What == "host" })
		if i < 0 || cs[i].Action != "note" || !strings.Contains(cs[i].Note, "slower") || !strings.Contains(cs[i].Note, "make build") ||
			!strings.Contains(cs[i].Note, layout.ExeName(goos, layout.LeanHostName)) {
			t.Errorf("%s: no note on the missing lean host: %+v", goos, cs)
		}
		// Doctor says so too, and does not fail for it.
		f := e.Doctor(DoctorOptions{Binary: bin})
		if Broken(f) || !slices.ContainsFunc(f, func(x Finding) bool { return x.Check == "binary" && strings.Contains(x.Message, "make build") }) {
			t.Errorf("%s: doctor without the lean host: %+v", goos, f)
		}
		lean := withLeanHost(t, e, bin)
		// Doctor now points at the faster host that install would register.
		if f := e.Doctor(DoctorOptions{Binary: bin}); !slices.ContainsFunc(f, func(x Finding) bool {
			return x.Check == "manifest" && x.Status == StatusWarn && strings.Contains(x.Message, "not the lean host") && strings.Contains(x.Fix, "install --browser firefox")
		}) {
			t.Errorf("%s: doctor did not suggest the lean host beside the binary: %+v", goos, f)
		}
		cs = mustInstall(t, e, Options{Binary: bin, Browsers: []string{layout.Firefox}})
		if m := readJSON(t, ff); m.Path != lean || !Changed(cs) {
			t.Errorf("%s: with the lean host beside it, install wrote %s (%+v)", goos, m.Path, cs)
		}
	}
}

func TestInstallRefusesTheLeanHostAsBinary(t *testing.T) {
	e, bin := testEnv(t, "linux")
	lean := withLeanHost(t, e, bin)
	_, err := e.Install(Options{Binary: lean})
	if err == nil || !strings.Contains(err.Error(), "--binary "+bin) {
		t.Errorf("install --binary <lean host>: %v, want a refusal naming --binary %s", err, bin)
	}
}

// A manifest naming a lean host with no aws-profile-bridge beside it lists profiles but fails
// every sign-in: doctor fails it, with the fix.
func TestDoctorLeanHostWithoutCLI(t *testing.T) {
	for _, tc := range []struct {
		name      string
		break_    func(t *testing.T, e *Env, bin, lean string) (cli string)
		text, fix string
	}{
		{"this install, binary gone", func(t *testing.T, e *Env, bin, lean string) string {
			os.Remove(bin)
			return bin
		}, "there is none at", " install --browser firefox"},
		{"elsewhere, lean host alone", func(t *testing.T, e *Env, bin, lean string) string {
			other := filepath.Join(e.Home, "other", filepath.Base(lean))
			os.MkdirAll(filepath.Dir(other), 0o755)
			os.WriteFile(other, []byte("#!/bin/sh\n"), 0o755)
			ff := filepath.Join(e.ManifestDir(layout.Firefox, false), layout.ManifestFile)
			rewrite(t, ff, lean, other)
			return layout.FullBinaryBeside(e.GOOS, other)
		}, "there is none at", " install --browser firefox"},
		{"not executable", func(t *testing.T, e *Env, bin, lean string) string {
			os.Chmod(bin, 0o644)
			return bin
		}, "not an executable file", "chmod +x "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "not executable" && !fsafe.ModesApply {
				t.Skip("Windows has no execute bit")
			}
			e, bin := testEnv(t, "linux")
			lean := withLeanHost(t, e, bin)
			mustInstall(t, e, Options{Binary: bin})
			var probed []string
			e.Probe = func(b string, args []string, req []byte) ([]byte, error) {
				probed = append(probed, b)
				return []byte(`{"action":"version","version":"1.0","commit":"abc","protocol":"1"}`), nil
			}
			cli := tc.break_(t, e, bin, lean)
			f := e.Doctor(DoctorOptions{Binary: bin, Protocol: "1"})
			i := slices.IndexFunc(f, func(x Finding) bool {
				return x.Status == StatusFail && x.Check == "manifest" && x.Browser == layout.Firefox
			})
			if i < 0 {
				t.Fatalf("doctor did not fail the manifest: %+v", f)
			}
			if x := f[i]; !strings.Contains(x.Message, "lean host") || !strings.Contains(x.Message, cli) || !strings.Contains(x.Message, tc.text) ||
				!strings.Contains(x.Message, "sign-in") || !strings.Contains(x.Fix, tc.fix) {
				t.Errorf("finding %+v; want it to name %s, %q and the fix %q", x, cli, tc.text, tc.fix)
			}
			if len(probed) != 0 {
				t.Errorf("doctor started %v for a host that cannot sign in", probed)
			}
		})
	}
}

// Doctor starts aws-profile-bridge the way the lean host hands it a sign-in: a failure there, or
// a build other than the lean host's, is reported.
func TestDoctorHandOffProbe(t *testing.T) {
	e, bin := testEnv(t, "linux")
	lean := withLeanHost(t, e, bin)
	mustInstall(t, e, Options{Binary: bin})
	m := filepath.Join(e.ManifestDir(layout.Firefox, false), layout.ManifestFile)
	answer := map[string]string{lean: `{"action":"version","version":"2.0","commit":"new","protocol":"1"}`}
	var argv []string
	e.Probe = func(b string, args []string, req []byte) ([]byte, error) {
		if b == bin {
			argv = args
		}
		if a, ok := answer[b]; ok {
			return []byte(a), nil
		}
		return nil, os.ErrNotExist
	}
	f := e.Doctor(DoctorOptions{Binary: bin, Protocol: "1"})
	if !hasFailure(f, "handoff", bin) {
		t.Errorf("doctor did not fail a hand-off that cannot start: %+v", f)
	}
	if want := []string{m, "aws-profile-containers@yourname.local"}; !slices.Equal(argv, want) {
		t.Errorf("hand-off probe argv %q, want the browser's %q", argv, want)
	}
	answer[bin] = `{"action":"version","version":"1.0","commit":"old","protocol":"1"}`
	f = e.Doctor(DoctorOptions{Binary: bin, Protocol: "1"})
	if Broken(f) || !slices.ContainsFunc(f, func(x Finding) bool {
		return x.Check == "handoff" && x.Status == StatusWarn && strings.Contains(x.Message, "different builds") && x.Fix != ""
	}) {
		t.Errorf("doctor did not warn about two builds: %+v", f)
	}
	answer[bin] = answer[lean]
	if f := e.Doctor(DoctorOptions{Binary: bin, Protocol: "1"}); Broken(f) || !slices.ContainsFunc(f, func(x Finding) bool {
		return x.Check == "handoff" && x.Status == StatusOK
	}) {
		t.Errorf("doctor with a matching hand-off: %+v", f)
	}
}

// A packaged manifest names the lean host now, the packaged binary before: both are the
// package's.
func TestPackageOwnsLeanHostManifest(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, layout.ManifestFile)
	b, _ := RenderManifest(layout.Firefox, PackagedHost, DefaultExtensionIDs, nil)
	os.WriteFile(p, b, 0o644)
	if !packageOwned("linux", true, p) || packageOwned("linux", false, p) || !IsOurManifest(p) {
		t.Errorf("a system manifest naming %s: packageOwned %v, ours %v", PackagedHost, packageOwned("linux", true, p), IsOurManifest(p))
	}
}
