// Package layout is where the native host's files are: the host manifest's name and directory for
// every browser on every OS, and the two binaries side by side (aws-profile-bridge and the lean
// host aws-profile-bridge-host; docs/DESIGN.md, "Two binaries"). install writes there, the host
// checks its callers against it and finds aws-profile-bridge with it, the packages follow it. A
// leaf of data and path arithmetic, so that the lean host links no installer. The OS is a value
// (goos), so the tables for every OS are tested on any OS.
package layout

import (
	"path/filepath"
	"strings"
)

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

// The two binaries `make build`, the scripts, the archives and the packages put side by side:
// aws-profile-bridge, the command line (and a complete host), and aws-profile-bridge-host, the
// lean native host the manifests name, which links no AWS SDK and hands each sign-in to
// aws-profile-bridge beside it (internal/host/handoff.go).
const (
	CLIName      = "aws-profile-bridge"
	LeanHostName = "aws-profile-bridge-host"
)

// ExeName is name as a file on goos.
func ExeName(goos, name string) string {
	if goos == "windows" {
		return name + ".exe"
	}
	return name
}

// beside is the file name on goos in p's directory. Windows paths split at either slash, so the
// rule is the same when a test on Linux gives it C:\… paths.
func beside(goos, p, name string) string {
	seps := "/"
	if goos == "windows" {
		seps = `\/`
	}
	return p[:strings.LastIndexAny(p, seps)+1] + ExeName(goos, name)
}

// LeanHostBeside is where the lean host of the aws-profile-bridge at bin sits on goos: in the
// same directory.
func LeanHostBeside(goos, bin string) string { return beside(goos, bin, LeanHostName) }

// FullBinaryBeside is where the lean host at host finds aws-profile-bridge on goos: in the same
// directory (what cmd/aws-profile-bridge-host runs for a sign-in).
func FullBinaryBeside(goos, host string) string { return beside(goos, host, CLIName) }

// ManifestBinary is the program a host manifest names for the aws-profile-bridge at bin: the
// lean host beside it when isFile says it is there, else bin itself (a `go install` builds only
// bin), a complete host that starts slower. Install, doctor and the packages' manifest
// (scripts/sysmanifest) all follow it.
func ManifestBinary(goos, bin string, isFile func(string) bool) string {
	if h := LeanHostBeside(goos, bin); isFile(h) {
		return h
	}
	return bin
}

// IsLeanHost reports whether p names the lean host (by its file name, on any OS).
func IsLeanHost(p string) bool { return BinaryBase(p) == LeanHostName }

// BinaryBase is p's file name, lower case, without .exe, whichever slashes it uses.
func BinaryBase(p string) string {
	base := strings.ToLower(p[strings.LastIndexAny(p, `\/`)+1:])
	return strings.TrimSuffix(base, ".exe")
}
