package install

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
)

// fakeRun records commands; serve reports whether `<binary> serve --help` succeeds, and fail
// makes every command whose words start with a listed prefix fail.
type fakeRun struct {
	serve bool
	calls []string
	fail  []string
}

func (f *fakeRun) run(name string, args ...string) ([]byte, error) {
	line := strings.Join(append([]string{filepath.Base(name)}, args...), " ")
	f.calls = append(f.calls, line)
	if len(args) >= 1 && args[0] == "serve" {
		if f.serve {
			return nil, nil
		}
		return []byte("unknown command"), errors.New("exit status 2")
	}
	for _, p := range f.fail {
		if strings.HasPrefix(line, p) {
			return nil, errors.New("exit status 1")
		}
	}
	return nil, nil
}

// testEnv is an Env around a temporary HOME, with no browser found unless the test creates its
// traces, no commands run unless fr is given, and a fake host.
func testEnv(t *testing.T, goos string) (*Env, string) {
	t.Helper()
	home := t.TempDir()
	bin := filepath.Join(home, "bin", "aws-profile-bridge")
	if goos == "windows" {
		bin += ".exe"
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	e := &Env{
		GOOS: goos, Home: home, ConfigDir: filepath.Join(home, ".config", "aws-profile-bridge"),
		LogDir: filepath.Join(home, ".aws", "logs"), Port: 10999, UID: 501, User: `PC\alice`,
		ProgramFiles: filepath.Join(home, "Program Files"),
		Exists: func(p string) bool {
			if !strings.HasPrefix(p, home) {
				return false // the test machine's own browsers do not count
			}
			_, err := os.Stat(p)
			return err == nil
		},
		LookPath: func(string) (string, error) { return "", errors.New("not found") },
		Probe: func(bin string, args []string, req []byte) ([]byte, error) {
			return []byte(`{"action":"version","version":"1.0","commit":"abc","protocol":"1"}`), nil
		},
	}
	if goos == "windows" {
		e.Registry = &MemRegistry{}
	}
	return e, bin
}

func mustInstall(t *testing.T, e *Env, o Options) []Change {
	t.Helper()
	cs, err := e.Install(o)
	if err != nil {
		t.Fatalf("Install(%+v): %v\nchanges: %+v", o, err, cs)
	}
	return cs
}

func readJSON(t *testing.T, p string) Manifest {
	t.Helper()
	m, err := ReadManifest(p)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return m
}

func TestPathTables(t *testing.T) {
	home := "/h"
	tests := []struct {
		goos, browser, user, system, key string
	}{
		{"linux", layout.Firefox, "/h/.mozilla/native-messaging-hosts", "/usr/lib/mozilla/native-messaging-hosts", `Software\Mozilla\NativeMessagingHosts\aws_profile_bridge`},
		{"linux", layout.Chrome, "/h/.config/google-chrome/NativeMessagingHosts", "/etc/opt/chrome/native-messaging-hosts", `Software\Google\Chrome\NativeMessagingHosts\aws_profile_bridge`},
		{"linux", layout.Chromium, "/h/.config/chromium/NativeMessagingHosts", "/etc/chromium/native-messaging-hosts", `Software\Chromium\NativeMessagingHosts\aws_profile_bridge`},
		{"linux", layout.Edge, "/h/.config/microsoft-edge/NativeMessagingHosts", "/etc/opt/edge/native-messaging-hosts", `Software\Microsoft\Edge\NativeMessagingHosts\aws_profile_bridge`},
		{"linux", layout.Brave, "/h/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts", "", `Software\BraveSoftware\Brave-Browser\NativeMessagingHosts\aws_profile_bridge`},
		{"linux", layout.Vivaldi, "/h/.config/vivaldi/NativeMessagingHosts", "", `Software\Vivaldi\NativeMessagingHosts\aws_profile_bridge`},
		{"darwin", layout.Firefox, "/h/Library/Application Support/Mozilla/NativeMessagingHosts", "/Library/Application Support/Mozilla/NativeMessagingHosts", ""},
		{"darwin", layout.Chrome, "/h/Library/Application Support/Google/Chrome/NativeMessagingHosts", "/Library/Google/Chrome/NativeMessagingHosts", ""},
		{"darwin", layout.Chromium, "/h/Library/Application Support/Chromium/NativeMessagingHosts", "/Library/Application Support/Chromium/NativeMessagingHosts", ""},
		{"darwin", layout.Edge, "/h/Library/Application Support/Microsoft Edge/NativeMessagingHosts", "/Library/Microsoft/Edge/NativeMessagingHosts", ""},
		{"darwin", layout.Brave, "/h/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts", "", ""},
		{"darwin", layout.Vivaldi, "/h/Library/Application Support/Vivaldi/NativeMessagingHosts", "", ""},
		{"windows", layout.Firefox, "/h/AppData/Local/aws-profile-bridge/NativeMessagingHosts/firefox", "/PF/aws-profile-bridge/NativeMessagingHosts/firefox", ""},
		{"windows", layout.Edge, "/h/AppData/Local/aws-profile-bridge/NativeMessagingHosts/edge", "/PF/aws-profile-bridge/NativeMessagingHosts/edge", ""},
		{"linux", "opera", "", "", ""},
		{"windows", "opera", "", "", ""},
	}
	for _, tt := range tests {
		if got := filepath.ToSlash(layout.UserManifestDir(tt.goos, home, tt.browser)); got != tt.user {
			t.Errorf("UserManifestDir(%s, %s) = %q, want %q", tt.goos, tt.browser, got, tt.user)
		}
		if got := filepath.ToSlash(layout.SystemManifestDir(tt.goos, "/PF", tt.browser)); got != tt.system {
			t.Errorf("SystemManifestDir(%s, %s) = %q, want %q", tt.goos, tt.browser, got, tt.system)
		}
		if tt.key != "" && RegistryKey(tt.browser) != tt.key {
			t.Errorf("RegistryKey(%s) = %q, want %q", tt.browser, RegistryKey(tt.browser), tt.key)
		}
	}
	if got := RegistryViews(layout.Firefox); !slices.Equal(got, []View{View32, View64}) {
		t.Errorf("Firefox views = %v, want 32-bit then 64-bit", got)
	}
	if got := RegistryViews(layout.Chrome); !slices.Equal(got, []View{ViewDefault}) {
		t.Errorf("Chrome views = %v", got)
	}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		ms := layout.ChromiumManifests(goos, home)
		if len(ms) != 5 {
			t.Errorf("ChromiumManifests(%s) = %v, want 5 files", goos, ms)
		}
		for _, m := range ms {
			if filepath.Base(m) != layout.ManifestFile || strings.Contains(m, "mozilla") || strings.Contains(m, "firefox") {
				t.Errorf("ChromiumManifests(%s) has %s", goos, m)
			}
		}
	}
}

func TestDetect(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		for _, b := range layout.Browsers {
			e, _ := testEnv(t, goos)
			if ok, _ := e.Detected(b); ok {
				t.Fatalf("%s %s detected in an empty HOME", goos, b)
			}
			d := Detect(goos, b)
			if len(d.HomeDirs) == 0 {
				t.Fatalf("%s %s: no home dir to detect it by", goos, b)
			}
			if err := os.MkdirAll(filepath.Join(e.Home, d.HomeDirs[0]), 0o700); err != nil {
				t.Fatal(err)
			}
			if ok, where := e.Detected(b); !ok || !strings.HasPrefix(where, e.Home) {
				t.Errorf("%s %s not detected by %s", goos, b, d.HomeDirs[0])
			}
		}
	}
	e, _ := testEnv(t, "linux")
	e.LookPath = func(c string) (string, error) {
		if c == "chromium-browser" {
			return "/usr/bin/chromium-browser", nil
		}
		return "", errors.New("no")
	}
	if ok, where := e.Detected(layout.Chromium); !ok || where != "/usr/bin/chromium-browser" {
		t.Errorf("chromium on PATH: %v %q", ok, where)
	}
}

func TestValidation(t *testing.T) {
	e, bin := testEnv(t, "linux")
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"relative binary", Options{Binary: "bin/aws-profile-bridge"}, "absolute"},
		{"missing binary", Options{Binary: "/nonexistent/aws-profile-bridge"}, "no such file"},
		{"bad id", Options{Binary: bin, ExtensionIDs: []string{"not an id"}}, "not a Firefox add-on id"},
		{"wildcard origin", Options{Binary: bin, ChromeOrigins: []string{"chrome-extension://*/"}}, "no wildcards"},
		{"origin without slash", Options{Binary: bin, ChromeOrigins: []string{"chrome-extension://abcdefghijklmnopabcdefghijklmnop"}}, "not a Chromium extension origin"},
		{"origin with letters past p", Options{Binary: bin, ChromeOrigins: []string{"chrome-extension://zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz/"}}, "not a Chromium"},
		{"unknown browser", Options{Binary: bin, Browsers: []string{"opera"}}, "unknown browser"},
	}
	for _, tt := range tests {
		_, err := e.Install(tt.o)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := os.Stat(e.ConfigDir); err == nil {
		t.Error("a refused install wrote its state")
	}
}

func TestInstallLinuxIdempotentAndUninstall(t *testing.T) {
	e, bin := testEnv(t, "linux")
	os.MkdirAll(filepath.Join(e.Home, ".config", "google-chrome"), 0o700)
	os.MkdirAll(filepath.Join(e.Home, ".config", "vivaldi"), 0o700)
	before := tree(t, e.Home)

	// Without an origin, the Chromium family is skipped with the command to run.
	cs := mustInstall(t, e, Options{Binary: bin, ExtensionIDs: []string{"me@example.com"}})
	var skipped []string
	for _, c := range cs {
		if c.Action == "skipped" {
			skipped = append(skipped, c.Browser)
			if !strings.Contains(c.Note, "--chrome-origin chrome-extension://<id>/") {
				t.Errorf("skip note %q does not say what to run", c.Note)
			}
		}
	}
	if !slices.Equal(skipped, []string{layout.Chrome, layout.Vivaldi}) {
		t.Errorf("skipped %v, want chrome and vivaldi", skipped)
	}
	ff := filepath.Join(e.Home, ".mozilla", "native-messaging-hosts", layout.ManifestFile)
	m := readJSON(t, ff)
	wantIDs := append(slices.Clone(DefaultExtensionIDs), "me@example.com")
	if m.Name != layout.HostName || m.Type != "stdio" || m.Path != bin || !slices.Equal(m.AllowedExtensions, wantIDs) || m.AllowedOrigins != nil {
		t.Errorf("Firefox manifest = %+v", m)
	}
	origin := "chrome-extension://abcdefghijklmnopabcdefghijklmnop/"
	mustInstall(t, e, Options{Binary: bin, ChromeOrigins: []string{origin}})
	for _, d := range []string{"google-chrome", "vivaldi"} {
		p := filepath.Join(e.Home, ".config", d, "NativeMessagingHosts", layout.ManifestFile)
		m := readJSON(t, p)
		if m.Path != bin || !slices.Equal(m.AllowedOrigins, []string{origin}) || m.AllowedExtensions != nil {
			t.Errorf("%s manifest = %+v", d, m)
		}
	}
	// The id given in the first run is remembered.
	if m := readJSON(t, ff); !slices.Contains(m.AllowedExtensions, "me@example.com") {
		t.Errorf("second run dropped the remembered id: %v", m.AllowedExtensions)
	}
	if runtime.GOOS != "windows" {
		wantMode(t, ff, 0o644)
		wantMode(t, filepath.Dir(ff), 0o755)
		wantMode(t, filepath.Join(e.ConfigDir, StateFile), 0o600)
		wantMode(t, e.ConfigDir, 0o700)
	}

	// Third run: nothing changes, on disk or in the report.
	snap := tree(t, e.Home)
	cs = mustInstall(t, e, Options{Binary: bin})
	if Changed(cs) {
		t.Errorf("third install changed something: %+v", cs)
	}
	if after := tree(t, e.Home); !equalTrees(snap, after) {
		t.Errorf("third install touched files:\n%v\n%v", snap, after)
	}

	// A foreign manifest of ours by name but for another program is left alone.
	foreign := filepath.Join(e.Home, ".config", "chromium", "NativeMessagingHosts", layout.ManifestFile)
	os.MkdirAll(filepath.Dir(foreign), 0o755)
	os.WriteFile(foreign, []byte(`{"name":"aws_profile_bridge","path":"/opt/other/host.py","type":"stdio"}`), 0o644)

	cs, err := e.Uninstall(UninstallOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Errorf("uninstall removed a manifest that was not ours: %v", err)
	}
	os.RemoveAll(filepath.Join(e.Home, ".config", "chromium"))
	if after := tree(t, e.Home); !equalTrees(before, after) {
		t.Errorf("uninstall left or removed something:\nbefore %v\nafter  %v\nchanges %+v", before, after, cs)
	}
	cs, err = e.Uninstall(UninstallOptions{})
	if err != nil || Changed(cs) {
		t.Errorf("second uninstall: %v %+v", err, cs)
	}
}

func TestUninstallFindsUnrecordedManifest(t *testing.T) {
	// A manifest written by the old install.sh (no state file) is ours by name and path.
	e, bin := testEnv(t, "linux")
	p := filepath.Join(e.Home, ".mozilla", "native-messaging-hosts", layout.ManifestFile)
	os.MkdirAll(filepath.Dir(p), 0o755)
	b, _ := RenderManifest(layout.Firefox, bin, DefaultExtensionIDs, nil)
	os.WriteFile(p, b, 0o644)
	if _, err := e.Uninstall(UninstallOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err == nil {
		t.Error("unrecorded manifest of ours not removed")
	}
}

func TestUninstallNeverTouchesAWS(t *testing.T) {
	e, bin := testEnv(t, "linux")
	aws := filepath.Join(e.Home, ".aws")
	os.MkdirAll(aws, 0o700)
	os.WriteFile(filepath.Join(aws, "config"), []byte("[default]\n"), 0o600)
	mustInstall(t, e, Options{Binary: bin, HTTPService: true}) // creates ~/.aws/logs for the unit
	snap := tree(t, aws)
	if _, err := e.Uninstall(UninstallOptions{}); err != nil {
		t.Fatal(err)
	}
	if after := tree(t, aws); !equalTrees(snap, after) {
		t.Errorf("~/.aws changed: %v -> %v", snap, after)
	}
}

func TestInstallSystemScope(t *testing.T) {
	e, bin := testEnv(t, "windows")
	cs := mustInstall(t, e, Options{Binary: bin, System: true, Browsers: []string{"all"}, ChromeOrigins: []string{"chrome-extension://abcdefghijklmnopabcdefghijklmnop/"}})
	reg := e.Registry.(*MemRegistry)
	for _, k := range reg.Keys() {
		if !strings.HasPrefix(k, "HKLM|") {
			t.Errorf("system install wrote %s", k)
		}
	}
	if n := len(reg.Keys()); n != 7 {
		t.Errorf("system install wrote %d keys, want 7 (Firefox twice, five Chromium browsers): %v", n, reg.Keys())
	}
	ff := filepath.Join(e.ProgramFiles, "aws-profile-bridge", "NativeMessagingHosts", layout.Firefox, layout.ManifestFile)
	if _, err := os.Stat(ff); err != nil {
		t.Errorf("no system manifest: %v (%+v)", err, cs)
	}
	// A user-scope uninstall leaves the system registration alone.
	if _, err := e.Uninstall(UninstallOptions{}); err != nil || len(reg.Keys()) != 7 {
		t.Errorf("user uninstall touched HKLM: %v %v", err, reg.Keys())
	}
	if _, err := e.Uninstall(UninstallOptions{System: true}); err != nil || len(reg.Keys()) != 0 {
		t.Errorf("system uninstall left %v (%v)", reg.Keys(), err)
	}

	// On Linux, Brave and Vivaldi have no documented system location: skipped with a note.
	l, lbin := testEnv(t, "linux")
	cs, err := l.Install(Options{Binary: lbin, System: true, Browsers: []string{layout.Brave}, ChromeOrigins: []string{"chrome-extension://abcdefghijklmnopabcdefghijklmnop/"}})
	if err != nil || len(cs) != 1 || cs[0].Action != "skipped" || !strings.Contains(cs[0].Note, "no documented system-wide") {
		t.Errorf("brave --system: %v %+v", err, cs)
	}
}

func TestInstallWindowsRegistry(t *testing.T) {
	e, bin := testEnv(t, "windows")
	origin := "chrome-extension://abcdefghijklmnopabcdefghijklmnop/"
	mustInstall(t, e, Options{Binary: bin, Browsers: []string{layout.Firefox, layout.Edge}, ChromeOrigins: []string{origin}})
	reg := e.Registry.(*MemRegistry)
	ffPath := filepath.Join(e.Home, "AppData", "Local", "aws-profile-bridge", "NativeMessagingHosts", "firefox", layout.ManifestFile)
	edgePath := filepath.Join(e.Home, "AppData", "Local", "aws-profile-bridge", "NativeMessagingHosts", "edge", layout.ManifestFile)
	want := map[string]string{
		`HKCU|32-bit|Software\Mozilla\NativeMessagingHosts\aws_profile_bridge`:         ffPath,
		`HKCU|64-bit|Software\Mozilla\NativeMessagingHosts\aws_profile_bridge`:         ffPath,
		`HKCU|default|Software\Microsoft\Edge\NativeMessagingHosts\aws_profile_bridge`: edgePath,
	}
	if got := reg.Keys(); len(got) != len(want) {
		t.Fatalf("keys = %v", got)
	}
	for k, v := range want {
		parts := strings.SplitN(k, "|", 3)
		view := map[string]View{"32-bit": View32, "64-bit": View64, "default": ViewDefault}[parts[1]]
		got, err := reg.Default(CurrentUser, view, parts[2])
		if err != nil || got != v {
			t.Errorf("%s = %q, %v; want %q", k, got, err, v)
		}
	}
	if m := readJSON(t, edgePath); !slices.Equal(m.AllowedOrigins, []string{origin}) || m.Path != bin {
		t.Errorf("edge manifest %+v", m)
	}
	if layout.ChromiumManifests("windows", e.Home)[2] != edgePath {
		t.Errorf("the host would not read the Edge manifest we wrote: %v", layout.ChromiumManifests("windows", e.Home))
	}
	// Doctor reads the keys back.
	f := e.Doctor(DoctorOptions{Binary: bin, Protocol: "1"})
	if Broken(f) {
		t.Errorf("doctor after a Windows install: %+v", failures(f))
	}
	// Idempotent, then a key pointing elsewhere is repaired.
	if cs := mustInstall(t, e, Options{Binary: bin, Browsers: []string{layout.Firefox, layout.Edge}}); Changed(cs) {
		t.Errorf("second run changed: %+v", cs)
	}
	reg.SetDefault(CurrentUser, View32, RegistryKey(layout.Firefox), `C:\elsewhere.json`)
	if f := e.Doctor(DoctorOptions{Binary: bin}); !hasFailure(f, "registry", "not at") {
		t.Errorf("doctor missed a wrong registry key: %+v", f)
	}
	reg.DeleteKey(CurrentUser, View64, RegistryKey(layout.Firefox))
	if f := e.Doctor(DoctorOptions{Binary: bin}); !hasFailure(f, "registry", "missing") {
		t.Errorf("doctor missed a missing registry key: %+v", f)
	}
	mustInstall(t, e, Options{Binary: bin})
	if v, _ := reg.Default(CurrentUser, View32, RegistryKey(layout.Firefox)); v != ffPath {
		t.Errorf("install did not repair the key: %q", v)
	}
	// A key of someone else's is left alone by uninstall.
	reg.SetDefault(CurrentUser, ViewDefault, RegistryKey(layout.Chrome), `C:\other\host.json`)
	if _, err := e.Uninstall(UninstallOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := reg.Keys(); !slices.Equal(got, []string{`HKCU|default|Software\Google\Chrome\NativeMessagingHosts\aws_profile_bridge`}) {
		t.Errorf("after uninstall: %v", got)
	}
}

func TestInstallDarwin(t *testing.T) {
	e, bin := testEnv(t, "darwin")
	os.MkdirAll(filepath.Join(e.Home, "Library", "Application Support", "Firefox"), 0o700)
	fr := &fakeRun{serve: true}
	e.Run = fr.run
	mustInstall(t, e, Options{Binary: bin, HTTPService: true})
	ff := filepath.Join(e.Home, "Library", "Application Support", "Mozilla", "NativeMessagingHosts", layout.ManifestFile)
	if m := readJSON(t, ff); m.Path != bin {
		t.Errorf("manifest %+v", m)
	}
	plist := filepath.Join(e.Home, "Library", "LaunchAgents", "io.github.aws-profile-bridge.plist")
	b, err := os.ReadFile(plist)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<string>io.github.aws-profile-bridge</string>", "<string>" + bin + "</string>\n    <string>serve</string>", "<key>KeepAlive</key>", "<key>RunAtLoad</key>", Marker} {
		if !strings.Contains(string(b), want) {
			t.Errorf("plist lacks %q", want)
		}
	}
	wantCalls := []string{"aws-profile-bridge serve --help", "launchctl bootout gui/501/io.github.aws-profile-bridge", "launchctl bootstrap gui/501 " + plist}
	if !slices.Equal(fr.calls, wantCalls) {
		t.Errorf("calls = %q\nwant    %q", fr.calls, wantCalls)
	}
	fr.calls = nil
	if _, err := e.Uninstall(UninstallOptions{}); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(fr.calls, "launchctl bootout gui/501/io.github.aws-profile-bridge") {
		t.Errorf("uninstall did not stop the agent: %q", fr.calls)
	}
	if _, err := os.Stat(plist); err == nil {
		t.Error("plist left behind")
	}
}

func TestServiceLinux(t *testing.T) {
	e, bin := testEnv(t, "linux")
	fr := &fakeRun{serve: true}
	e.Run = fr.run
	mustInstall(t, e, Options{Binary: bin, HTTPService: true})
	unit := filepath.Join(e.Home, ".config", "systemd", "user", "aws-profile-bridge.service")
	b, err := os.ReadFile(unit)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"ExecStart=" + bin + " serve", "NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectSystem=strict",
		"ProtectHome=read-only", "ReadWritePaths=" + e.LogDir + " " + e.ConfigDir, "MemoryMax=512M",
		"CPUQuota=50%", "LimitNOFILE=1024", "Restart=on-failure", "WantedBy=default.target",
	} {
		if !strings.Contains(string(b), want+"\n") {
			t.Errorf("unit lacks %q", want)
		}
	}
	for _, d := range []string{e.LogDir, e.ConfigDir} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("ReadWritePaths dir %s not created: %v", d, err)
		}
	}
	want := []string{"aws-profile-bridge serve --help", "systemctl --user daemon-reload", "systemctl --user enable aws-profile-bridge.service", "systemctl --user restart aws-profile-bridge.service"}
	if !slices.Equal(fr.calls, want) {
		t.Errorf("calls %q, want %q", fr.calls, want)
	}
	// Again: the unit is unchanged and running, so nothing is restarted.
	fr.calls = nil
	if cs := mustInstall(t, e, Options{Binary: bin, HTTPService: true}); Changed(cs) {
		t.Errorf("second run changed: %+v", cs)
	}
	if slices.ContainsFunc(fr.calls, func(c string) bool { return strings.Contains(c, "restart") }) {
		t.Errorf("second run restarted: %q", fr.calls)
	}
	// The service failing to start is reported with the command that failed.
	os.Remove(unit)
	fr.fail = []string{"systemctl --user restart"}
	if _, err := e.Install(Options{Binary: bin, HTTPService: true}); err == nil || !strings.Contains(err.Error(), "systemctl --user restart") {
		t.Errorf("failed start: %v", err)
	}
	fr.fail = nil
	fr.calls = nil
	if _, err := e.Uninstall(UninstallOptions{ServiceOnly: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(unit); err == nil {
		t.Error("unit left behind")
	}
	if !slices.Contains(fr.calls, "systemctl --user disable --now aws-profile-bridge.service") {
		t.Errorf("uninstall calls %q", fr.calls)
	}
	if _, err := os.Stat(filepath.Join(e.Home, ".mozilla", "native-messaging-hosts", layout.ManifestFile)); err != nil {
		t.Errorf("uninstall --http-service removed the manifest: %v", err)
	}
}

func TestServiceWithoutServe(t *testing.T) {
	e, bin := testEnv(t, "linux")
	fr := &fakeRun{serve: false}
	e.Run = fr.run
	cs := mustInstall(t, e, Options{Binary: bin, HTTPService: true})
	if !slices.ContainsFunc(cs, func(c Change) bool {
		return c.Action == "not started" && strings.Contains(c.Note, "no `serve` command")
	}) {
		t.Errorf("changes %+v", cs)
	}
	if slices.ContainsFunc(fr.calls, func(c string) bool { return strings.HasPrefix(c, "systemctl") }) {
		t.Errorf("tried to start a service that cannot run: %q", fr.calls)
	}
	f := e.Doctor(DoctorOptions{Binary: bin})
	if !hasFailure(f, "service", "no `serve` command") {
		t.Errorf("doctor did not report the service honestly: %+v", f)
	}
}

func TestServiceUnitsRender(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		e, _ := testEnv(t, goos)
		e.LogDir = `/we ird/"logs"$HOME%h`
		bin := `/Applications/My Apps/aws-profile-bridge`
		path, b, err := e.ServiceUnit(bin)
		if err != nil {
			t.Fatalf("%s: %v", goos, err)
		}
		if !strings.HasPrefix(path, e.Home) {
			t.Errorf("%s unit outside HOME: %s", goos, path)
		}
		s := string(b)
		switch goos {
		case "linux":
			for _, want := range []string{`ExecStart="/Applications/My Apps/aws-profile-bridge" serve`, `"AWS_PROFILE_BRIDGE_LOG_DIR=/we ird/\"logs\"$$HOME%%h"`} {
				if !strings.Contains(s, want) {
					t.Errorf("linux unit lacks %s:\n%s", want, s)
				}
			}
		case "darwin":
			if !strings.Contains(s, "&#34;logs&#34;") {
				t.Errorf("plist not escaped:\n%s", s)
			}
		case "windows":
			if b[0] != 0xFF || b[1] != 0xFE {
				t.Fatal("task XML has no UTF-16LE BOM")
			}
			u := make([]uint16, 0, len(b)/2)
			for i := 2; i+1 < len(b); i += 2 {
				u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
			}
			text := string(utf16.Decode(u))
			for _, want := range []string{`encoding="UTF-16"`, "<Command>" + bin + "</Command>", "<Arguments>serve</Arguments>", `<UserId>PC\alice</UserId>`, "<LogonTrigger>", "<RestartOnFailure>", "\r\n"} {
				if !strings.Contains(text, want) {
					t.Errorf("task XML lacks %q", want)
				}
			}
		}
	}
	if _, err := systemdQuote("a\nb"); err == nil {
		t.Error("newline accepted in a unit")
	}
}

func TestRenderManifestIsJSON(t *testing.T) {
	bin := `C:\Users\A "quoted" \path\aws-profile-bridge.exe`
	for _, b := range layout.Browsers {
		out, err := RenderManifest(b, bin, []string{"x@y"}, []string{"chrome-extension://abcdefghijklmnopabcdefghijklmnop/"})
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("%s manifest is not JSON: %v\n%s", b, err, out)
		}
		if m["path"] != bin || m["name"] != layout.HostName || m["type"] != "stdio" {
			t.Errorf("%s: %v", b, m)
		}
		_, hasExt := m["allowed_extensions"]
		_, hasOrig := m["allowed_origins"]
		if hasExt != (b == layout.Firefox) || hasOrig == (b == layout.Firefox) {
			t.Errorf("%s: wrong allow-list key: %v", b, m)
		}
	}
}

func wantMode(t *testing.T, p string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != want {
		t.Errorf("%s has mode %o, want %o", p, fi.Mode().Perm(), want)
	}
}

// tree lists every path under root with its mode, size and modification time.
func tree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		line := rel + " " + fi.Mode().String()
		if !fi.IsDir() {
			line += " " + fi.ModTime().String()
		}
		out = append(out, line)
		return nil
	})
	return out
}

func equalTrees(a, b []string) bool { return slices.Equal(a, b) }

func failures(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Status == StatusFail {
			out = append(out, f)
		}
	}
	return out
}

func hasFailure(fs []Finding, check, text string) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool {
		return f.Status == StatusFail && f.Check == check && strings.Contains(f.Message, text) && f.Fix != ""
	})
}

// A system manifest that starts the packaged binary belongs to the .deb or .rpm: install --system
// (of another binary) and uninstall --system leave it to the package manager.
func TestPackageOwnedManifest(t *testing.T) {
	dir := t.TempDir()
	write := func(name, bin string) string {
		p := filepath.Join(dir, name)
		b, err := RenderManifest(layout.Firefox, bin, DefaultExtensionIDs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	packaged := write("packaged.json", PackagedBinary)
	local := write("local.json", "/usr/local/bin/aws-profile-bridge")
	for _, tc := range []struct {
		goos   string
		system bool
		path   string
		want   bool
	}{
		{"linux", true, packaged, true},
		{"linux", false, packaged, false},
		{"linux", true, local, false},
		{"darwin", true, packaged, false},
		{"linux", true, filepath.Join(dir, "missing.json"), false},
	} {
		if got := packageOwned(tc.goos, tc.system, tc.path); got != tc.want {
			t.Errorf("packageOwned(%s, system=%v, %s) = %v, want %v", tc.goos, tc.system, filepath.Base(tc.path), got, tc.want)
		}
	}
}
