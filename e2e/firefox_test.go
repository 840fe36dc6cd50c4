//go:build linux

// Package e2e drives real browsers (Debian's firefox-esr and chromium, headless) against the host
// installed by install/install.sh into a temporary HOME. See docs/TESTING.md.
package e2e

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const extID = "aws-profile-bridge-e2e@aws-profile-bridge.test"

var firefox = browser{
	name:        "Firefox",
	extID:       extID,
	scheme:      "moz-extension://",
	noHost:      "No such native application",
	otherOrigin: "moz-extension://00000000-0000-4000-8000-000000000000",
}

// TestFirefoxEndToEnd: a real Firefox ESR, headless, loads the test extension (e2e/extension),
// which drives the host installed by install/install.sh over native messaging, and the HTTP
// fallback (serve) with a token made by `token create`; a web page in the same browser tries
// the server too. Every reply is reported to this test and checked. The manifest names the lean
// host, which links no AWS SDK: every consoleUrl it answers came through its hand-off to
// aws-profile-bridge beside it.
func TestFirefoxEndToEnd(t *testing.T) {
	ffPath := requireBrowser(t, "APB_E2E_FIREFOX", "APB_FIREFOX", "firefox-esr",
		"install it with: sudo apt-get install -y firefox-esr   (CI: .ci/run does this; set APB_FIREFOX=/path to use another ESR build)")
	t.Logf("browser: %s", ffPath)
	s := newSession(t, firefox, []string{"--extension-id", extID}, nil)
	checkHostManifest(t, filepath.Join(s.home, ".mozilla", "native-messaging-hosts", "aws_profile_bridge.json"), s.host,
		"allowed_extensions", extID, "aws-profile-containers@yourname.local", "aws-profile-containers@samfakhreddine.dev", "{b2568b5f-4d45-421c-bac0-88ca342573b9}")

	profile := filepath.Join(s.tmp, "ffprofile")
	xpi := packExtension(t, s.repo, profile, s.extensionConfig(""))
	t.Logf("extension packed: %s", xpi)

	// HOME and the fake AWS endpoints are in Firefox's environment: it passes them on to the host.
	s.run(t, ffPath, []string{"--headless", "--no-remote", "--profile", profile, "about:blank"},
		[]string{"MOZ_HEADLESS=1", "MOZ_CRASHREPORTER_DISABLE=1"},
		[]string{"done", "page:done"}, // the extension's, the page's
		func() string {
			ext, _ := os.ReadFile(filepath.Join(profile, "extensions.json"))
			return fmt.Sprintf("%s/extensions.json:\n%s", profile, addonState(ext))
		})
	s.check(t)
}

// packExtension makes a fresh Firefox profile that loads the test extension: user.js with the
// two prefs an unsigned add-on needs, and the .xpi (with config, the generated config.js) under
// extensions/<gecko id>.xpi. It returns the .xpi's path.
func packExtension(t *testing.T, repo, profile string, config []byte) string {
	t.Helper()
	src := filepath.Join(repo, "e2e", "extension")
	manifest, err := os.ReadFile(filepath.Join(src, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var mf struct {
		BSS struct {
			Gecko struct{ ID string } `json:"gecko"`
		} `json:"browser_specific_settings"`
	}
	if err := json.Unmarshal(manifest, &mf); err != nil || mf.BSS.Gecko.ID != extID {
		t.Fatalf("e2e/extension/manifest.json: gecko id %q, want %q (%v)", mf.BSS.Gecko.ID, extID, err)
	}
	background, err := os.ReadFile(filepath.Join(src, "background.js"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(profile, "extensions"), 0o700); err != nil {
		t.Fatal(err)
	}
	prefs := []string{
		// Both are needed: the first alone leaves the add-on installed but disabled.
		`user_pref("xpinstall.signatures.required", false);`,
		`user_pref("extensions.autoDisableScopes", 0);`,
		// Quiet, offline start.
		`user_pref("browser.shell.checkDefaultBrowser", false);`,
		`user_pref("browser.startup.homepage_override.mstone", "ignore");`,
		`user_pref("datareporting.policy.dataSubmissionEnabled", false);`,
		`user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);`,
		`user_pref("app.update.disabledForTesting", true);`,
		`user_pref("extensions.update.enabled", false);`,
		`user_pref("extensions.getAddons.cache.enabled", false);`,
		`user_pref("browser.safebrowsing.update.enabled", false);`,
		`user_pref("network.captive-portal-service.enabled", false);`,
		`user_pref("network.connectivity-service.enabled", false);`,
	}
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(strings.Join(prefs, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	xpi := filepath.Join(profile, "extensions", extID+".xpi")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct {
		name string
		data []byte
	}{{"manifest.json", manifest}, {"background.js", background}, {"config.js", config}} {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(xpi, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return xpi
}

// addonState summarises <profile>/extensions.json for the test add-on.
func addonState(data []byte) string {
	if len(data) == 0 {
		return "(no extensions.json: Firefox did not get as far as scanning add-ons)"
	}
	var doc struct {
		Addons []map[string]any `json:"addons"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return tail(data, 4000)
	}
	for _, a := range doc.Addons {
		if a["id"] == extID {
			var b strings.Builder
			for _, k := range []string{"id", "active", "userDisabled", "appDisabled", "softDisabled", "signedState", "location", "path"} {
				fmt.Fprintf(&b, "  %s: %v\n", k, a[k])
			}
			return b.String()
		}
	}
	return "(the test add-on is not in extensions.json)\n" + tail(data, 4000)
}
