//go:build linux

package e2e

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// strangerKey is the public key of a second test extension, one the host manifest and serve do
// not allow (the first one's key is in e2e/extension/manifest.chromium.json).
const strangerKey = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnOFwSUf9YIsux/TFWt/73gKcl8IEHHQY8J0Ow2pGw1Fk/hc9Yhtsv4rrSsXMlAkef5qlBWWoEVbgNX8eVlLFQfGfVaSW4kBtaztZnIpGdc9lAmXizTOW5NGmEYbMQuN5UbX092juyVnCu/sXCeH2XuaKjJajOH1Cg/nVDDG1PLyqKmAt+1YNOGN8PAcgWuQFI85s2eIMenXOENXkbVt/gjwqxar9ISixCRNK1eZKlIj8uBcxtNp43cb9c3WNke32oQyQjqBscErDYwCRr6FgHsQ44uS0pNk0hgJkrme+T9ZgYacbufPJ5mkp6uB5jd3Svq/Zg1/WlUM4wNNylgHPGwIDAQAB"

// chromiumFlags start Chromium headless and offline: without the background-networking flags it
// keeps trying the network, which a closed CI network refuses. --no-sandbox: CI runs as root, and
// containers often lack the user namespaces the sandbox needs.
var chromiumFlags = []string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--no-default-browser-check", "--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--password-store=basic"}

// chromeID is the id Chromium gives an extension whose manifest has this key: the first 128 bits
// of the SHA-256 of the key, in hex with the digits 0-f written a-p.
func chromeID(t *testing.T, key string) string {
	t.Helper()
	der, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		t.Fatalf("extension key is not base64: %v", err)
	}
	sum := sha256.Sum256(der)
	return strings.Map(func(r rune) rune {
		if r <= '9' {
			return 'a' + r - '0'
		}
		return 'k' + r - 'a'
	}, hex.EncodeToString(sum[:16]))
}

// TestChromiumEndToEnd: a real Chromium, headless, loads the test extension (e2e/extension,
// Manifest V3 with a service worker, as the Chromium build of the extension is) unpacked, with a
// key so its id is known here, and it drives the host that install/install.sh registered for
// Chromium: the same requests and checks as TestFirefoxEndToEnd. A second extension, which the
// manifest and serve do not allow, must be refused by both.
func TestChromiumEndToEnd(t *testing.T) {
	exe := requireBrowser(t, "APB_E2E_CHROMIUM", "APB_CHROMIUM", "chromium",
		"install it with: sudo apt-get install -y chromium   (CI: .ci/run does this; set APB_CHROMIUM=/path to use another Chromium build)")
	t.Logf("browser: %s", exe)
	repo := repoRoot(t)
	manifest, err := os.ReadFile(filepath.Join(repo, "e2e", "extension", "manifest.chromium.json"))
	if err != nil {
		t.Fatal(err)
	}
	var mf map[string]any
	if err := json.Unmarshal(manifest, &mf); err != nil {
		t.Fatalf("e2e/extension/manifest.chromium.json: %v", err)
	}
	key, _ := mf["key"].(string)
	br := browser{
		name:   "Chromium",
		extID:  chromeID(t, key),
		scheme: "chrome-extension://",
		noHost: "Specified native messaging host not found.",
		// Allowed by serve (below), never bound to the token.
		otherOrigin: "chrome-extension://" + strings.Repeat("a", 32),
		stranger:    "chrome-extension://" + chromeID(t, strangerKey) + "/",
		refused:     "Access to the specified native messaging host is forbidden.",
	}
	origin := "chrome-extension://" + br.extID + "/"
	s := newSession(t, br, []string{"--browser", "chromium", "--chrome-origin", origin},
		[]string{"--chrome-origin", origin, "--chrome-origin", br.otherOrigin + "/"})
	// With --user-data-dir at the default place, Chromium reads exactly the manifest the
	// installer wrote for it.
	userData := filepath.Join(s.home, ".config", "chromium")
	hostManifest := filepath.Join(userData, "NativeMessagingHosts", "aws_profile_bridge.json")
	checkHostManifest(t, hostManifest, s.host, "allowed_origins", origin)
	if data, _ := os.ReadFile(hostManifest); strings.Contains(string(data), br.stranger) {
		t.Fatalf("the host manifest allows the stranger extension: %s", data)
	}

	ext := unpackChromium(t, repo, filepath.Join(s.tmp, "ext"), mf, s.extensionConfig(""))
	mf["key"], mf["name"] = strangerKey, "aws-profile-bridge e2e stranger"
	stranger := unpackChromium(t, repo, filepath.Join(s.tmp, "stranger"), mf, s.extensionConfig("stranger"))

	args := append(append([]string(nil), chromiumFlags...), "--user-data-dir="+userData,
		"--load-extension="+ext+","+stranger, "about:blank")
	s.run(t, exe, args, nil, []string{"done", "page:done", "stranger:done"}, nil)
	s.check(t)
}

// unpackChromium writes the test extension, unpacked, to dir: manifest mf, the shared
// background.js and its service-worker loader, and config. It returns dir.
func unpackChromium(t *testing.T, repo, dir string, mf map[string]any, config []byte) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	manifest, _ := json.MarshalIndent(mf, "", "  ")
	files := map[string][]byte{"manifest.json": manifest, "config.js": config}
	for _, name := range []string{"background.js", "service_worker.js"} {
		b, err := os.ReadFile(filepath.Join(repo, "e2e", "extension", name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
