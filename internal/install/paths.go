// Package install knows where each browser looks for native-messaging host manifests, per OS,
// and writes, checks and removes them (native-messaging.md).
package install

import "path/filepath"

// HostName is the native-messaging host name the extension connects to.
const HostName = "aws_profile_bridge"

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

// UserManifestDir returns the user-scope directory where browser looks for host manifests on
// goos ("linux", "darwin"); "" when the browser reads manifests only through the registry
// (windows) or is unknown.
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
		return ""
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

// ChromiumManifests returns the user-scope manifest files of every Chromium-family browser: the
// one source of truth for which chrome-extension:// origins may start the host.
func ChromiumManifests(goos, home string) []string {
	var out []string
	for _, b := range Browsers {
		if b == Firefox {
			continue
		}
		if d := UserManifestDir(goos, home, b); d != "" {
			out = append(out, filepath.Join(d, HostName+".json"))
		}
	}
	return out
}
