package install

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
)

// writeTree writes files (path relative to the fake home, or absolute under SysRoot) with content.
func writeTree(t *testing.T, e *Env, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := e.sandboxPath(p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func sandboxEnv(t *testing.T) (*Env, string) {
	t.Helper()
	e, bin := testEnv(t, "linux")
	e.SysRoot = filepath.Join(e.Home, "sysroot") // under home, so testEnv's Exists sees it
	return e, bin
}

const (
	snapProfile     = "snap/firefox/common/.mozilla/firefox/abcd.default"
	flatpakProfile  = ".var/app/org.mozilla.firefox/.mozilla/firefox/wxyz.default-release"
	portalXML       = "/usr/share/dbus-1/interfaces/org.freedesktop.portal.WebExtensions.xml"
	proxyService    = "/usr/share/dbus-1/services/org.freedesktop.NativeMessagingProxy.service"
	flatpakOverride = ".local/share/flatpak/overrides/org.mozilla.firefox"
)

func TestCheckSandbox(t *testing.T) {
	type want struct{ status, msg, fix string }
	userJS := func(profile, pref string, v string) string {
		return "echo 'user_pref(\"" + pref + "\", " + v + ");' >> " + profile + "/user.js"
	}
	tests := []struct {
		name  string
		files map[string]string
		want  []want
	}{
		{"snap, no service", map[string]string{snapProfile + "/prefs.js": ""},
			[]want{{StatusWarn, "neither service is installed, so this Snap Firefox", "apt install xdg-desktop-portal"}, {StatusWarn, "", "--http-service"}}},
		{"flatpak, no service", map[string]string{flatpakProfile + "/prefs.js": ""},
			[]want{{StatusWarn, "Flatpak Firefox cannot start any native host", "xdg-native-messaging-proxy"}}},
		{"snap, Ubuntu's portal, default pref", map[string]string{snapProfile + "/prefs.js": `user_pref("browser.startup.page", 3);`, portalXML: "<node/>"},
			[]want{{StatusOK, "profile abcd.default: " + PortalPref + " is 2, so Firefox asks the WebExtensions portal", ""}}},
		{"snap, portal found in the binary", map[string]string{snapProfile + "/prefs.js": "", "/usr/libexec/xdg-desktop-portal": "\x7fELF...org.freedesktop.portal.WebExtensions\x00..."},
			[]want{{StatusOK, "Firefox asks the WebExtensions portal", ""}}},
		{"snap, a binary without the portal", map[string]string{snapProfile + "/prefs.js": "", "/usr/libexec/xdg-desktop-portal": "\x7fELF...org.freedesktop.portal.FileChooser\x00"},
			[]want{{StatusWarn, "neither service is installed", ""}}},
		{"snap, pref turned off", map[string]string{snapProfile + "/prefs.js": `user_pref("` + PortalPref + `", 0);`, portalXML: ""},
			[]want{{StatusWarn, PortalPref + " is 0", userJS(snapProfile, PortalPref, "2") + "; then restart Firefox"}}},
		{"snap, user.js wins over prefs.js", map[string]string{snapProfile + "/prefs.js": `user_pref("` + PortalPref + `", 0);`, snapProfile + "/user.js": `user_pref("` + PortalPref + `", 2);`, portalXML: ""},
			[]want{{StatusOK, PortalPref + " is 2", ""}}},
		{"snap, no profile yet", map[string]string{"snap/firefox/common/.keep": "", portalXML: ""},
			[]want{{StatusOK, "profile (no profile yet)", ""}}},
		{"snap, refused in the permission store", map[string]string{snapProfile + "/prefs.js": "", portalXML: "",
			PermissionStore: "GVariant\x00\x00aws_profile_bridge\x00\x00snap.firefox\x00no\x00\x0d"},
			[]want{{StatusOK, "WebExtensions portal", ""}, {StatusWarn, `remembers "no" for snap.firefox`, "flatpak permission-remove webextensions aws_profile_bridge"}}},
		{"snap, allowed in the permission store", map[string]string{snapProfile + "/prefs.js": "", portalXML: "",
			PermissionStore: "GVariant\x00\x00aws_profile_bridge\x00\x00snap.firefox\x00yes\x00\x0d"},
			[]want{{StatusOK, "WebExtensions portal", ""}}},
		{"snap, another host refused", map[string]string{snapProfile + "/prefs.js": "", portalXML: "",
			PermissionStore: "GVariant\x00\x00org.keepassxc.keepassxc_browser\x00\x00snap.firefox\x00no\x00\x0d"},
			[]want{{StatusOK, "WebExtensions portal", ""}}},
		{"flatpak, proxy but no bus access and no pref", map[string]string{flatpakProfile + "/prefs.js": "", proxyService: ""},
			[]want{{StatusWarn, ProxyPref + " is 0", "flatpak override --user --talk-name=org.freedesktop.NativeMessagingProxy org.mozilla.firefox && " + userJS(flatpakProfile, ProxyPref, "1")}}},
		{"flatpak, proxy granted and enabled", map[string]string{flatpakProfile + "/user.js": `user_pref("` + ProxyPref + `", 1);`, proxyService: "",
			flatpakOverride: "[Session Bus Policy]\norg.freedesktop.NativeMessagingProxy=talk\n"},
			[]want{{StatusOK, "asks the Native Messaging Proxy", ""}}},
		{"flatpak, proxy granted, pref missing", map[string]string{flatpakProfile + "/prefs.js": "", proxyService: "",
			flatpakOverride: "[Session Bus Policy]\norg.freedesktop.NativeMessagingProxy=talk\n"},
			[]want{{StatusWarn, ProxyPref + " is 0", userJS(flatpakProfile, ProxyPref, "1")}}},
		{"flatpak, proxy enabled without bus access", map[string]string{flatpakProfile + "/user.js": `user_pref("` + ProxyPref + `", 1);`, proxyService: ""},
			[]want{{StatusWarn, ProxyPref + " is 1", "flatpak override --user --talk-name=org.freedesktop.NativeMessagingProxy"}}},
		{"flatpak on Ubuntu, portal pref unset", map[string]string{flatpakProfile + "/prefs.js": "", portalXML: ""},
			[]want{{StatusWarn, PortalPref + " is 0", userJS(flatpakProfile, PortalPref, "1")}}},
		{"flatpak on Ubuntu, portal pref set", map[string]string{flatpakProfile + "/prefs.js": `user_pref("` + PortalPref + `", 1);`, portalXML: ""},
			[]want{{StatusOK, "asks the WebExtensions portal", ""}}},
		{"flatpak, portal pref without a portal", map[string]string{flatpakProfile + "/prefs.js": `user_pref("` + PortalPref + `", 1);`, proxyService: ""},
			[]want{{StatusWarn, "portal that is not installed, so native messaging fails for every extension", ProxyPref}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, bin := sandboxEnv(t)
			writeTree(t, e, tt.files)
			mustInstall(t, e, Options{Binary: bin})
			var got []Finding
			for _, f := range e.Doctor(DoctorOptions{Binary: bin}) {
				if f.Check == "sandbox" {
					got = append(got, f)
				}
			}
			if len(got) == 0 || got[0].Status != StatusInfo || !strings.Contains(got[0].Message, "Firefox is a") {
				t.Fatalf("no sandbox presence finding first: %+v", got)
			}
			warns := 0
			for _, f := range got {
				if f.Status == StatusWarn {
					warns++
				}
			}
			wantWarns := 0
			for _, w := range tt.want {
				if w.status == StatusWarn && w.msg != "" {
					wantWarns++
				}
				found := false
				for _, f := range got {
					if f.Status == w.status && strings.Contains(f.Message, w.msg) && strings.Contains(strings.ReplaceAll(f.Fix, e.Home+"/", ""), w.fix) {
						found = true
					}
				}
				if !found {
					t.Errorf("no %s finding with %q and fix %q in:\n%s", w.status, w.msg, w.fix, dump(got))
				}
			}
			if warns != wantWarns {
				t.Errorf("%d warnings, want %d:\n%s", warns, wantWarns, dump(got))
			}
		})
	}
}

func dump(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Status + " " + f.Message + "\n    fix: " + f.Fix + "\n")
	}
	return b.String()
}

func TestPrefValue(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{``, 0, false},
		{`user_pref("` + PortalPref + `", 1);`, 1, true},
		{`  user_pref("` + PortalPref + `",2) ;`, 2, true},
		{`user_pref("` + PortalPref + `", 1);` + "\n" + `user_pref("` + PortalPref + `", 0);`, 0, true},
		{`user_pref("` + ProxyPref + `", 1);`, 0, false}, // the longer name is another pref
		{`// user_pref("` + PortalPref + `", 1);`, 0, false},
		{`user_pref("` + PortalPref + `", "1");`, 0, false},
	}
	for _, tt := range tests {
		got, ok := prefValue([]byte(tt.in), PortalPref)
		if got != tt.want || ok != tt.ok {
			t.Errorf("prefValue(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPermissionAnswer(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"aws_profile_bridge\x00snap.firefox\x00no\x00", "no"},
		{"aws_profile_bridge\x00snap.firefox\x00yes\x00", "yes"},
		{"aws_profile_bridge\x00snap.firefox\x00yes\x00other\x00snap.firefox\x00no\x00", "stored"},
		{"other_host\x00snap.firefox\x00no\x00", ""},
		{"aws_profile_bridge\x00org.mozilla.firefox\x00no\x00", "stored"}, // nothing for the Snap
	}
	for _, tt := range tests {
		if got := permissionAnswer([]byte(tt.in), layout.HostName, "snap.firefox"); got != tt.want {
			t.Errorf("permissionAnswer(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Install writes only the standard manifest for a sandboxed Firefox, nothing inside the sandbox's
// folders, and says what the user still has to do.
func TestInstallSandboxNotes(t *testing.T) {
	e, bin := sandboxEnv(t)
	writeTree(t, e, map[string]string{snapProfile + "/prefs.js": `user_pref("` + PortalPref + `", 0);`, portalXML: ""})
	before := tree(t, filepath.Join(e.Home, "snap"))
	cs := mustInstall(t, e, Options{Binary: bin})
	if after := tree(t, filepath.Join(e.Home, "snap")); !equalTrees(before, after) {
		t.Errorf("install wrote inside the Snap's folder:\n%v\n%v", before, after)
	}
	if _, err := os.Stat(filepath.Join(e.Home, ".mozilla", "native-messaging-hosts", layout.ManifestFile)); err != nil {
		t.Errorf("the manifest the portal reads is missing: %v", err)
	}
	var presence, fix bool
	for _, c := range cs {
		if c.What != "sandbox" {
			continue
		}
		if c.Action != "note" || c.Browser != layout.Firefox {
			t.Errorf("sandbox change is not a Firefox note: %+v", c)
		}
		presence = presence || strings.Contains(c.Note, "Firefox is a Snap here")
		fix = fix || strings.Contains(c.Note, `to fix: echo 'user_pref("`+PortalPref+`", 2);'`)
	}
	if !presence || !fix {
		t.Errorf("presence %v, fix %v in %+v", presence, fix, cs)
	}
	if Changed(cs[len(cs)-1:]) {
		t.Errorf("a note counts as a change: %+v", cs[len(cs)-1])
	}

	// Chosen browsers without Firefox get no Firefox notes; neither do other OSes.
	if cs := mustInstall(t, e, Options{Binary: bin, Browsers: []string{layout.Chromium}}); hasWhat(cs, "sandbox") {
		t.Errorf("notes without Firefox: %+v", cs)
	}
	for _, goos := range []string{"darwin", "windows"} {
		e, bin := testEnv(t, goos)
		e.SysRoot = filepath.Join(e.Home, "sysroot")
		writeTree(t, e, map[string]string{snapProfile + "/prefs.js": "", portalXML: ""})
		if cs := mustInstall(t, e, Options{Binary: bin}); hasWhat(cs, "sandbox") {
			t.Errorf("%s: sandbox notes: %+v", goos, cs)
		}
		for _, f := range e.Doctor(DoctorOptions{Binary: bin}) {
			if f.Check == "sandbox" {
				t.Errorf("%s: sandbox finding %+v", goos, f)
			}
		}
	}
}

func hasWhat(cs []Change, what string) bool {
	for _, c := range cs {
		if c.What == what {
			return true
		}
	}
	return false
}
