// Package install registers the native-messaging host with every browser the user has, per OS
// and scope (files on Linux and macOS; files plus registry keys on Windows), installs the HTTP
// fallback as a per-user service, removes exactly what it wrote, and diagnoses an installation
// (docs/NATIVE-MESSAGING.md). The OS is a value (Env.GOOS), not a build tag, so the tables for every
// OS are tested on any OS; only the calls into the OS live in per-OS files.
package install

import "path/filepath"

// HostName is the native-messaging host name the extension connects to.
const HostName = "aws_profile_bridge"

// ManifestFile is the file name of every host manifest we write.
const ManifestFile = HostName + ".json"

// Browser names.
const (
	Firefox  = "firefox"
	Chrome   = "chrome"
	Chromium = "chromium"
	Edge     = "edge"
	Brave    = "brave"
	Vivaldi  = "vivaldi"
)

// Browsers lists every browser we register for, Firefox first.
var Browsers = []string{Firefox, Chrome, Chromium, Edge, Brave, Vivaldi}

// Titles are the names people know the browsers by.
var Titles = map[string]string{
	Firefox: "Firefox", Chrome: "Google Chrome", Chromium: "Chromium", Edge: "Microsoft Edge",
	Brave: "Brave", Vivaldi: "Vivaldi",
}

// IsFirefox tells the Firefox family (allowed_extensions) from the Chromium family
// (allowed_origins).
func IsFirefox(browser string) bool { return browser == Firefox }

// windowsManifestDir is where we keep manifest files on Windows, where the registry points at
// them: under %LOCALAPPDATA% as the default profile layout has it (home\AppData\Local).
func windowsManifestDir(home, browser string) string {
	return filepath.Join(home, "AppData", "Local", "aws-profile-bridge", "NativeMessagingHosts", browser)
}

// UserManifestDir returns the user-scope directory holding browser's host manifest on goos
// ("linux", "darwin", "windows"), or "" for an unknown browser. On Windows the browser finds the
// file through a registry key (RegistryKey) and the directory is ours.
func UserManifestDir(goos, home, browser string) string {
	var rel map[string]string
	switch goos {
	case "darwin":
		lib := filepath.Join("Library", "Application Support")
		rel = map[string]string{
			Firefox:  filepath.Join(lib, "Mozilla", "NativeMessagingHosts"),
			Chrome:   filepath.Join(lib, "Google", "Chrome", "NativeMessagingHosts"),
			Chromium: filepath.Join(lib, "Chromium", "NativeMessagingHosts"),
			Edge:     filepath.Join(lib, "Microsoft Edge", "NativeMessagingHosts"),
			Brave:    filepath.Join(lib, "BraveSoftware", "Brave-Browser", "NativeMessagingHosts"),
			Vivaldi:  filepath.Join(lib, "Vivaldi", "NativeMessagingHosts"),
		}
	case "windows":
		if _, ok := Titles[browser]; !ok {
			return ""
		}
		return windowsManifestDir(home, browser)
	default: // linux and the BSDs
		rel = map[string]string{
			Firefox:  filepath.Join(".mozilla", "native-messaging-hosts"),
			Chrome:   filepath.Join(".config", "google-chrome", "NativeMessagingHosts"),
			Chromium: filepath.Join(".config", "chromium", "NativeMessagingHosts"),
			Edge:     filepath.Join(".config", "microsoft-edge", "NativeMessagingHosts"),
			Brave:    filepath.Join(".config", "BraveSoftware", "Brave-Browser", "NativeMessagingHosts"),
			Vivaldi:  filepath.Join(".config", "vivaldi", "NativeMessagingHosts"),
		}
	}
	r, ok := rel[browser]
	if !ok {
		return ""
	}
	return filepath.Join(home, r)
}

// SystemManifestDir returns the system-scope directory of browser's host manifest on goos, or ""
// when the browser has no documented system location there. programFiles is %ProgramFiles% on
// Windows (ignored elsewhere).
func SystemManifestDir(goos, programFiles, browser string) string {
	switch goos {
	case "darwin":
		return map[string]string{
			Firefox:  "/Library/Application Support/Mozilla/NativeMessagingHosts",
			Chrome:   "/Library/Google/Chrome/NativeMessagingHosts",
			Chromium: "/Library/Application Support/Chromium/NativeMessagingHosts",
			Edge:     "/Library/Microsoft/Edge/NativeMessagingHosts",
		}[browser]
	case "windows":
		if _, ok := Titles[browser]; !ok || programFiles == "" {
			return ""
		}
		// Under Program Files, writable by administrators only (unlike ProgramData).
		return filepath.Join(programFiles, "aws-profile-bridge", "NativeMessagingHosts", browser)
	default:
		return map[string]string{
			Firefox:  "/usr/lib/mozilla/native-messaging-hosts",
			Chrome:   "/etc/opt/chrome/native-messaging-hosts",
			Chromium: "/etc/chromium/native-messaging-hosts",
			Edge:     "/etc/opt/edge/native-messaging-hosts",
		}[browser]
	}
}

// RegistryKey is the key (under HKCU, or HKLM for system scope) whose default value holds the
// full path of browser's manifest on Windows.
func RegistryKey(browser string) string {
	p := map[string]string{
		Firefox:  `Software\Mozilla\NativeMessagingHosts`,
		Chrome:   `Software\Google\Chrome\NativeMessagingHosts`,
		Chromium: `Software\Chromium\NativeMessagingHosts`,
		Edge:     `Software\Microsoft\Edge\NativeMessagingHosts`,
		Brave:    `Software\BraveSoftware\Brave-Browser\NativeMessagingHosts`,
		Vivaldi:  `Software\Vivaldi\NativeMessagingHosts`,
	}[browser]
	if p == "" {
		return ""
	}
	return p + `\` + HostName
}

// RegistryViews are the registry views browser reads on Windows: Firefox checks the 32-bit view
// first, then the 64-bit one, so both are written; the Chromium family reads the default view.
func RegistryViews(browser string) []View {
	if browser == Firefox {
		return []View{View32, View64}
	}
	return []View{ViewDefault}
}

// ChromiumManifests returns the user-scope manifest files of every Chromium-family browser: the
// one source of truth for which chrome-extension:// origins may start the host.
func ChromiumManifests(goos, home string) []string {
	var out []string
	for _, b := range Browsers {
		if b == Firefox {
			continue
		}
		if d := UserManifestDir(goos, home, b); d != "" {
			out = append(out, filepath.Join(d, ManifestFile))
		}
	}
	return out
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
		app := map[string]string{Firefox: "Firefox", Chrome: "Google Chrome", Chromium: "Chromium", Edge: "Microsoft Edge", Brave: "Brave Browser", Vivaldi: "Vivaldi"}[browser]
		dir := map[string]string{Firefox: "Firefox", Chrome: filepath.Join("Google", "Chrome"), Chromium: "Chromium", Edge: "Microsoft Edge", Brave: filepath.Join("BraveSoftware", "Brave-Browser"), Vivaldi: "Vivaldi"}[browser]
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
			Firefox:  filepath.Join("AppData", "Roaming", "Mozilla", "Firefox"),
			Chrome:   filepath.Join(local, "Google", "Chrome", "User Data"),
			Chromium: filepath.Join(local, "Chromium", "User Data"),
			Edge:     filepath.Join(local, "Microsoft", "Edge", "User Data"),
			Brave:    filepath.Join(local, "BraveSoftware", "Brave-Browser", "User Data"),
			Vivaldi:  filepath.Join(local, "Vivaldi", "User Data"),
		}[browser]
		if d == "" {
			return Detection{}
		}
		return Detection{HomeDirs: []string{d}}
	default:
		switch browser {
		case Firefox:
			return Detection{
				HomeDirs: []string{".mozilla", filepath.Join("snap", "firefox"), filepath.Join(".var", "app", "org.mozilla.firefox")},
				AppPaths: []string{"/snap/bin/firefox", "/var/lib/flatpak/app/org.mozilla.firefox"},
				Commands: []string{"firefox", "firefox-esr"},
			}
		case Chrome:
			return Detection{HomeDirs: []string{filepath.Join(".config", "google-chrome")}, Commands: []string{"google-chrome", "google-chrome-stable"}}
		case Chromium:
			return Detection{HomeDirs: []string{filepath.Join(".config", "chromium")}, AppPaths: []string{"/snap/bin/chromium"}, Commands: []string{"chromium", "chromium-browser"}}
		case Edge:
			return Detection{HomeDirs: []string{filepath.Join(".config", "microsoft-edge")}, Commands: []string{"microsoft-edge", "microsoft-edge-stable"}}
		case Brave:
			return Detection{HomeDirs: []string{filepath.Join(".config", "BraveSoftware", "Brave-Browser")}, Commands: []string{"brave-browser", "brave"}}
		case Vivaldi:
			return Detection{HomeDirs: []string{filepath.Join(".config", "vivaldi")}, Commands: []string{"vivaldi", "vivaldi-stable"}}
		}
	}
	return Detection{}
}

// SandboxedFirefox lists where a Snap or Flatpak Firefox leaves traces on Linux: such a Firefox
// cannot start a host from the usual files by itself; it asks the XDG WebExtensions portal.
var SandboxedFirefox = []struct {
	Kind     string // "snap" or "flatpak"
	HomeDir  string // relative to home
	AppPaths []string
}{
	{"snap", filepath.Join("snap", "firefox"), []string{"/snap/bin/firefox", "/snap/firefox"}},
	{"flatpak", filepath.Join(".var", "app", "org.mozilla.firefox"), []string{"/var/lib/flatpak/app/org.mozilla.firefox"}},
}
