package install

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
)

func TestDoctorFindings(t *testing.T) {
	type setup func(t *testing.T, e *Env, manifest, bin string)
	tests := []struct {
		name        string
		unixOnly    bool
		break_      setup
		check, text string
	}{
		{"healthy", false, nil, "", ""},
		{"missing manifest", false, func(t *testing.T, e *Env, m, _ string) { os.Remove(m) }, "manifest", "no Firefox host manifest"},
		{"bad JSON", false, func(t *testing.T, e *Env, m, _ string) { os.WriteFile(m, []byte("{not json"), 0o644) }, "manifest", "not valid JSON"},
		{"wrong name", false, func(t *testing.T, e *Env, m, bin string) {
			rewrite(t, m, `"name": "aws_profile_bridge"`, `"name": "other_host"`)
		}, "manifest", `name is "other_host"`},
		{"wrong type", false, func(t *testing.T, e *Env, m, _ string) { rewrite(t, m, `"type": "stdio"`, `"type": "pipe"`) }, "manifest", `type is "pipe"`},
		{"relative path", false, func(t *testing.T, e *Env, m, bin string) { rewrite(t, m, bin, "aws-profile-bridge") }, "manifest", "not absolute"},
		{"missing binary", false, func(t *testing.T, e *Env, _, bin string) { os.Remove(bin) }, "manifest", "does not exist"},
		{"binary not executable", true, func(t *testing.T, e *Env, _, bin string) { os.Chmod(bin, 0o644) }, "manifest", "not an executable"},
		{"wrong id", false, func(t *testing.T, e *Env, m, _ string) {
			rewrite(t, m, "aws-profile-containers@samfakhreddine.dev", "someone@else")
		}, "manifest", "allowed_extensions lacks aws-profile-containers@samfakhreddine.dev"},
		{"remembered id dropped", false, func(t *testing.T, e *Env, m, _ string) { rewrite(t, m, `,"me@example.com"`, "") }, "manifest", "lacks me@example.com"},
		{"manifest writable by others", true, func(t *testing.T, e *Env, m, _ string) { os.Chmod(m, 0o666) }, "manifest", "mode 666"},
		{"manifest dir writable by others", true, func(t *testing.T, e *Env, m, _ string) { os.Chmod(filepath.Dir(m), 0o777) }, "manifest", "mode 777"},
		{"log dir readable by others", true, func(t *testing.T, e *Env, _, _ string) { os.Chmod(e.LogDir, 0o755) }, "logs", "mode 755"},
		{"log file readable by others", true, func(t *testing.T, e *Env, _, _ string) {
			os.Chmod(filepath.Join(e.LogDir, "aws_profile_bridge.log"), 0o644)
		}, "logs", "mode 644"},
		{"token dir readable by others", true, func(t *testing.T, e *Env, _, _ string) { os.Chmod(e.ConfigDir, 0o750) }, "tokens", "mode 750"},
		{"host does not start", false, func(t *testing.T, e *Env, _, _ string) {
			e.Probe = func(string, []string, []byte) ([]byte, error) { return nil, errors.New("exec format error") }
		}, "host", "exec format error"},
		{"host refuses", false, func(t *testing.T, e *Env, _, _ string) {
			e.Probe = func(string, []string, []byte) ([]byte, error) {
				return []byte(`{"action":"error","code":"caller_not_allowed","message":"extension x is not allowed"}`), nil
			}
		}, "host", "caller_not_allowed"},
		{"old host", false, func(t *testing.T, e *Env, _, _ string) {
			e.Probe = func(string, []string, []byte) ([]byte, error) { return []byte(`{"action":"error2"}`), nil }
		}, "host", "too old"},
		{"other protocol", false, func(t *testing.T, e *Env, _, _ string) {
			e.Probe = func(string, []string, []byte) ([]byte, error) {
				return []byte(`{"action":"version","protocol":"2"}`), nil
			}
		}, "host", `protocol "2"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.unixOnly && !fsafe.ModesApply {
				t.Skip("file modes are not checked on Windows")
			}
			e, bin := testEnv(t, "linux")
			mustInstall(t, e, Options{Binary: bin, ExtensionIDs: []string{"me@example.com"}})
			os.MkdirAll(e.LogDir, 0o700)
			os.WriteFile(filepath.Join(e.LogDir, "aws_profile_bridge.log"), nil, 0o600)
			m := filepath.Join(e.Home, ".mozilla", "native-messaging-hosts", layout.ManifestFile)
			var probed []string
			e.Probe = func(b string, args []string, req []byte) ([]byte, error) {
				probed = append(probed, b+" "+strings.Join(args, " ")+" "+string(req))
				return []byte(`{"action":"version","version":"1.0","commit":"abc","protocol":"1"}`), nil
			}
			if tt.break_ == nil {
				f := e.Doctor(DoctorOptions{Binary: bin, Protocol: "1"})
				if Broken(f) {
					t.Fatalf("healthy install reported broken: %+v", failures(f))
				}
				want := bin + " " + m + " aws-profile-containers@yourname.local " + `{"action":"version"}`
				if len(probed) != 1 || probed[0] != want {
					t.Errorf("probe = %q, want %q (Firefox-style argv)", probed, want)
				}
				return
			}
			tt.break_(t, e, m, bin)
			f := e.Doctor(DoctorOptions{Binary: bin, Protocol: "1"})
			if !hasFailure(f, tt.check, tt.text) {
				t.Errorf("doctor did not name %q under %s: %+v", tt.text, tt.check, f)
			}
		})
	}
}

func rewrite(t *testing.T, p, old, new string) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), old, new, 1)
	if s == string(b) {
		t.Fatalf("%q not in %s:\n%s", old, p, b)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDoctorChromiumAndSandbox(t *testing.T) {
	e, bin := testEnv(t, "linux")
	os.MkdirAll(filepath.Join(e.Home, ".config", "chromium"), 0o700)
	os.MkdirAll(filepath.Join(e.Home, "snap", "firefox"), 0o700)
	os.MkdirAll(filepath.Join(e.Home, ".var", "app", "org.mozilla.firefox"), 0o700)
	mustInstall(t, e, Options{Binary: bin})
	f := e.Doctor(DoctorOptions{Binary: bin})
	var chromium, snap, flatpak bool
	for _, x := range f {
		switch {
		case x.Browser == layout.Chromium && x.Status == StatusInfo && strings.Contains(x.Fix, "--chrome-origin"):
			chromium = true
		case x.Check == "sandbox" && strings.Contains(x.Message, "Snap Firefox cannot start") && strings.Contains(x.Fix, "--http-service"):
			snap = true
		case x.Check == "sandbox" && strings.Contains(x.Message, "Flatpak Firefox cannot start") && strings.Contains(x.Fix, "--http-service"):
			flatpak = true
		}
	}
	if !chromium || !snap || !flatpak {
		t.Errorf("chromium %v snap %v flatpak %v: %+v", chromium, snap, flatpak, f)
	}
	if Broken(f) {
		t.Errorf("a sandboxed Firefox or an unregistered Chromium is not broken: %+v", failures(f))
	}

	// With an origin, the Chromium manifest is probed with the origin as argv.
	origin := "chrome-extension://abcdefghijklmnopabcdefghijklmnop/"
	mustInstall(t, e, Options{Binary: bin, ChromeOrigins: []string{origin}})
	var args [][]string
	e.Probe = func(b string, a []string, req []byte) ([]byte, error) {
		args = append(args, a)
		return []byte(`{"action":"version","protocol":"1"}`), nil
	}
	if f := e.Doctor(DoctorOptions{Binary: bin, Protocol: "1"}); Broken(f) {
		t.Errorf("broken: %+v", failures(f))
	}
	if len(args) != 2 || len(args[1]) != 1 || args[1][0] != origin {
		t.Errorf("probe args %q", args)
	}
	// An empty allowed_origins is useless and said so.
	m := filepath.Join(e.Home, ".config", "chromium", "NativeMessagingHosts", layout.ManifestFile)
	rewrite(t, m, `["`+origin+`"]`, `[]`)
	if f := e.Doctor(DoctorOptions{Binary: bin}); !hasFailure(f, "manifest", "allowed_origins is empty") {
		t.Errorf("empty origins not reported: %+v", f)
	}
}

func TestDoctorOtherBinaryWarns(t *testing.T) {
	e, bin := testEnv(t, "linux")
	mustInstall(t, e, Options{Binary: bin})
	other := filepath.Join(e.Home, "other-aws-profile-bridge")
	os.WriteFile(other, []byte("x"), 0o755)
	f := e.Doctor(DoctorOptions{Binary: other})
	found := false
	for _, x := range f {
		if x.Status == StatusWarn && strings.Contains(x.Message, "not this binary") && strings.Contains(x.Fix, other+" install") {
			found = true
		}
	}
	if !found || Broken(f) {
		t.Errorf("%+v", f)
	}
}

func TestDoctorWindowsFollowsRegistry(t *testing.T) {
	e, bin := testEnv(t, "windows")
	other := filepath.Join(e.Home, "old-installer", "host.json")
	os.MkdirAll(filepath.Dir(other), 0o755)
	os.WriteFile(other, []byte(`{"name":"aws_profile_bridge","path":"C:\\old\\host.bat","type":"stdio","allowed_extensions":["x@y"]}`), 0o644)
	e.Registry.SetDefault(CurrentUser, View32, RegistryKey(layout.Firefox), other)
	f := e.Doctor(DoctorOptions{Binary: bin})
	if !slices.ContainsFunc(f, func(x Finding) bool {
		return x.Status == StatusFail && x.Path == other && strings.Contains(x.Message, "does not exist")
	}) {
		t.Errorf("doctor did not check the manifest the registry names: %+v", f)
	}
}
