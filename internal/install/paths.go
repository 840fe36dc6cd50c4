// Package install registers the native-messaging host with every browser the user has, per OS
// and scope (files on Linux and macOS; files plus registry keys on Windows), installs the HTTP
// fallback as a per-user service, removes exactly what it wrote, and diagnoses an installation
// (docs/NATIVE-MESSAGING.md). The OS is a value (Env.GOOS), not a build tag, so the tables for every
// OS are tested on any OS; only the calls into the OS live in per-OS files.
package install

import (
	"path/filepath"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
)

// RegistryKey is the key (under HKCU, or HKLM for system scope) whose default value holds the
// full path of browser's manifest on Windows.
func RegistryKey(browser string) string {
	p := map[string]string{
		layout.Firefox:  `Software\Mozilla\NativeMessagingHosts`,
		layout.Chrome:   `Software\Google\Chrome\NativeMessagingHosts`,
		layout.Chromium: `Software\Chromium\NativeMessagingHosts`,
		layout.Edge:     `Software\Microsoft\Edge\NativeMessagingHosts`,
		layout.Brave:    `Software\BraveSoftware\Brave-Browser\NativeMessagingHosts`,
		layout.Vivaldi:  `Software\Vivaldi\NativeMessagingHosts`,
	}[browser]
	if p == "" {
		return ""
	}
	return p + `\` + layout.HostName
}

// RegistryViews are the registry views browser reads on Windows: Firefox checks the 32-bit view
// first, then the 64-bit one, so both are written; the Chromium family reads the default view.
func RegistryViews(browser string) []View {
	if browser == layout.Firefox {
		return []View{View32, View64}
	}
	return []View{ViewDefault}
}

// Detection says where a browser leaves traces: profile or config directories relative to home,
// absolute application paths, and command names looked up on PATH.
type Detection struct {
	HomeDirs []string
	AppPaths []string
	Commands []string
}

// Detect returns how browser is found on goos.
func Detect(goos, browser string) Detection {
	switch goos {
	case "darwin":
		lib := filepath.Join("Library", "Application Support")
		app := map[string]string{layout.Firefox: "Firefox", layout.Chrome: "Google Chrome", layout.Chromium: "Chromium", layout.Edge: "Microsoft Edge", layout.Brave: "Brave Browser", layout.Vivaldi: "Vivaldi"}[browser]
		dir := map[string]string{layout.Firefox: "Firefox", layout.Chrome: filepath.Join("Google", "Chrome"), layout.Chromium: "Chromium", layout.Edge: "Microsoft Edge", layout.Brave: filepath.Join("BraveSoftware", "Brave-Browser"), layout.Vivaldi: "Vivaldi"}[browser]
		if app == "" {
			return Detection{}
		}
		return Detection{
			HomeDirs: []string{filepath.Join(lib, dir), filepath.Join("Applications", app+".app")},
			AppPaths: []string{"/Applications/" + app + ".app"},
		}
	case "windows":
		local := filepath.Join("AppData", "Local")
		d := map[string]string{
			layout.Firefox:  filepath.Join("AppData", "Roaming", "Mozilla", "Firefox"),
			layout.Chrome:   filepath.Join(local, "Google", "Chrome", "User Data"),
			layout.Chromium: filepath.Join(local, "Chromium", "User Data"),
			layout.Edge:     filepath.Join(local, "Microsoft", "Edge", "User Data"),
			layout.Brave:    filepath.Join(local, "BraveSoftware", "Brave-Browser", "User Data"),
			layout.Vivaldi:  filepath.Join(local, "Vivaldi", "User Data"),
		}[browser]
		if d == "" {
			return Detection{}
		}
		return Detection{HomeDirs: []string{d}}
	default:
		switch browser {
		case layout.Firefox:
			return Detection{
				HomeDirs: []string{".mozilla", filepath.Join("snap", "firefox"), filepath.Join(".var", "app", "org.mozilla.firefox")},
				AppPaths: []string{"/snap/bin/firefox", "/var/lib/flatpak/app/org.mozilla.firefox"},
				Commands: []string{"firefox", "firefox-esr"},
			}
		case layout.Chrome:
			return Detection{HomeDirs: []string{filepath.Join(".config", "google-chrome")}, Commands: []string{"google-chrome", "google-chrome-stable"}}
		case layout.Chromium:
			return Detection{HomeDirs: []string{filepath.Join(".config", "chromium")}, AppPaths: []string{"/snap/bin/chromium"}, Commands: []string{"chromium", "chromium-browser"}}
		case layout.Edge:
			return Detection{HomeDirs: []string{filepath.Join(".config", "microsoft-edge")}, Commands: []string{"microsoft-edge", "microsoft-edge-stable"}}
		case layout.Brave:
			return Detection{HomeDirs: []string{filepath.Join(".config", "BraveSoftware", "Brave-Browser")}, Commands: []string{"brave-browser", "brave"}}
		case layout.Vivaldi:
			return Detection{HomeDirs: []string{filepath.Join(".config", "vivaldi")}, Commands: []string{"vivaldi", "vivaldi-stable"}}
		}
	}
	return Detection{}
}

// Sandbox is where a Snap or Flatpak Firefox keeps its files on Linux. Such a Firefox cannot start
// a host by itself; it asks the WebExtensions portal or the Native Messaging Proxy, which read the
// host's own manifest locations (docs/NATIVE-MESSAGING.md, "Snap and Flatpak Firefox").
type Sandbox struct {
	Kind  string // "snap" or "flatpak"
	Title string // "Snap", "Flatpak"
	// AppID is the application id the portal's permission store records answers under.
	AppID    string
	HomeDirs []string // traces relative to home
	AppPaths []string // traces outside home
	// ProfileRoots (relative to home) hold the Firefox profiles, each with prefs.js and user.js.
	ProfileRoots []string
	// PortalDefault is PortalPref's value when no profile sets it: Canonical's Snap patches it
	// to 2; Mozilla's own builds (the Flatpak) keep 0.
	PortalDefault int
	// Overrides (relative to home, or absolute) are the files granting a Flatpak more bus access.
	Overrides []string
}

// Sandboxes lists the sandboxed Firefox packagings we know.
var Sandboxes = []Sandbox{
	{
		Kind: "snap", Title: "Snap", AppID: "snap.firefox",
		HomeDirs:      []string{filepath.Join("snap", "firefox")},
		AppPaths:      []string{"/snap/bin/firefox", "/snap/firefox"},
		ProfileRoots:  []string{filepath.Join("snap", "firefox", "common", ".mozilla", "firefox")},
		PortalDefault: 2,
	},
	{
		Kind: "flatpak", Title: "Flatpak", AppID: "org.mozilla.firefox",
		HomeDirs: []string{filepath.Join(".var", "app", "org.mozilla.firefox"), filepath.Join(".local", "share", "flatpak", "app", "org.mozilla.firefox")},
		AppPaths: []string{"/var/lib/flatpak/app/org.mozilla.firefox"},
		ProfileRoots: []string{
			filepath.Join(".var", "app", "org.mozilla.firefox", ".mozilla", "firefox"),
			filepath.Join(".var", "app", "org.mozilla.firefox", "config", "mozilla", "firefox"),
		},
		Overrides: []string{
			filepath.Join(".local", "share", "flatpak", "overrides", "org.mozilla.firefox"),
			"/var/lib/flatpak/overrides/org.mozilla.firefox",
			filepath.Join(".local", "share", "flatpak", "app", "org.mozilla.firefox", "current", "active", "metadata"),
			"/var/lib/flatpak/app/org.mozilla.firefox/current/active/metadata",
		},
	},
}

// Firefox prefs that send native messaging through a service outside the sandbox: 0 never, 1
// always, 2 only when Firefox runs in a Snap or Flatpak.
const (
	PortalPref = "widget.use-xdg-desktop-portal.native-messaging"
	ProxyPref  = "widget.use-xdg-desktop-portal.native-messaging-proxy"
)

// The two services, and the files their packages install (absolute, or relative to home).
const (
	PortalName = "org.freedesktop.portal.WebExtensions"
	ProxyName  = "org.freedesktop.NativeMessagingProxy"
)

var (
	// PortalFiles describe the WebExtensions interface, which only Ubuntu's xdg-desktop-portal has.
	PortalFiles = []string{
		"/usr/share/dbus-1/interfaces/" + PortalName + ".xml",
		"/usr/local/share/dbus-1/interfaces/" + PortalName + ".xml",
	}
	// PortalBinaries carry the interface name when it is compiled in (the XML above ships in a
	// -dev package on some distributions).
	PortalBinaries = []string{"/usr/libexec/xdg-desktop-portal", "/usr/lib/xdg-desktop-portal"}
	// ProxyFiles are the proxy's D-Bus activation files.
	ProxyFiles = []string{
		"/usr/share/dbus-1/services/" + ProxyName + ".service",
		"/usr/local/share/dbus-1/services/" + ProxyName + ".service",
		filepath.Join(".local", "share", "dbus-1", "services", ProxyName+".service"),
	}
	// PermissionStore is the portal's table of answers, relative to home.
	PermissionStore = filepath.Join(".local", "share", "flatpak", "db", "webextensions")
)
