package nativemsg

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	geckoID   = "aws-profile-containers@yourname.local"
	storeID   = "{b2568b5f-4d45-421c-bac0-88ca342573b9}"
	chromeID  = "abcdefghijklmnopabcdefghijklmnop"
	chromeOrg = "chrome-extension://" + chromeID + "/"
)

func TestParseCaller(t *testing.T) {
	abs := filepath.Join(t.TempDir(), "aws_profile_bridge.json")
	tests := []struct {
		name string
		args []string
		want Caller
		ok   bool
	}{
		{"firefox", []string{abs, geckoID}, Caller{Browser: Firefox, ManifestPath: abs, ExtensionID: geckoID}, true},
		{"firefox store uuid id", []string{abs, storeID}, Caller{Browser: Firefox, ManifestPath: abs, ExtensionID: storeID}, true},
		{"firefox upper-case .JSON", []string{strings.TrimSuffix(abs, ".json") + ".JSON", geckoID}, Caller{Browser: Firefox, ManifestPath: strings.TrimSuffix(abs, ".json") + ".JSON", ExtensionID: geckoID}, true},
		{"chromium", []string{chromeOrg}, Caller{Browser: Chromium, ExtensionID: chromeID, Origin: chromeOrg}, true},
		{"chromium parent-window after", []string{chromeOrg, "--parent-window=0"}, Caller{Browser: Chromium, ExtensionID: chromeID, Origin: chromeOrg}, true},
		{"chromium parent-window before", []string{"--parent-window=1234", chromeOrg}, Caller{Browser: Chromium, ExtensionID: chromeID, Origin: chromeOrg}, true},

		{"no args", nil, Caller{}, false},
		{"cli profiles --json", []string{"profiles", "--json"}, Caller{}, false},
		{"cli serve", []string{"serve"}, Caller{}, false},
		{"cli install --extension-id", []string{"install", "--extension-id"}, Caller{}, false},
		{"relative manifest", []string{"aws_profile_bridge.json", geckoID}, Caller{}, false},
		{"dot-relative manifest", []string{"./aws_profile_bridge.json", geckoID}, Caller{}, false},
		{"absolute non-json", []string{strings.TrimSuffix(abs, ".json") + ".txt", geckoID}, Caller{}, false},
		{"firefox bad id", []string{abs, "not an id"}, Caller{}, false},
		{"firefox empty id", []string{abs, ""}, Caller{}, false},
		{"firefox id with newline", []string{abs, "a@b\nc"}, Caller{}, false},
		{"firefox extra arg", []string{abs, geckoID, "x"}, Caller{}, false},
		{"firefox only manifest", []string{abs}, Caller{}, false},
		{"chromium short id", []string{"chrome-extension://abc/"}, Caller{}, false},
		{"chromium letters beyond p", []string{"chrome-extension://" + strings.Repeat("z", 32) + "/"}, Caller{}, false},
		{"chromium upper-case", []string{"chrome-extension://" + strings.ToUpper(chromeID) + "/"}, Caller{}, false},
		{"chromium no slash", []string{"chrome-extension://" + chromeID}, Caller{}, false},
		{"chromium path", []string{chromeOrg + "x"}, Caller{}, false},
		{"chromium bad parent-window", []string{chromeOrg, "--parent-window=x"}, Caller{}, false},
		{"chromium other flag", []string{chromeOrg, "--json"}, Caller{}, false},
		{"chromium twice", []string{chromeOrg, chromeOrg}, Caller{}, false},
		{"moz-extension origin", []string{"moz-extension://0b1c2d3e-0000-0000-0000-000000000000/"}, Caller{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseCaller(tt.args)
			if ok != tt.ok || got != tt.want {
				t.Fatalf("ParseCaller(%q) = %+v, %v; want %+v, %v", tt.args, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckFirefox(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.json", `{"name":"aws_profile_bridge","description":"d","path":"/x","type":"stdio","allowed_extensions":["`+geckoID+`","`+storeID+`"]}`)
	oldName := writeFile(t, dir, "old.json", `{"name":"com.samfakhreddine.aws_profile_bridge","type":"stdio","allowed_extensions":["`+geckoID+`"]}`)
	wrongName := writeFile(t, dir, "wrongname.json", `{"name":"other_host","type":"stdio","allowed_extensions":["`+geckoID+`"]}`)
	wrongType := writeFile(t, dir, "wrongtype.json", `{"name":"aws_profile_bridge","type":"pipe","allowed_extensions":["`+geckoID+`"]}`)
	badJSON := writeFile(t, dir, "bad.json", `{"name":"aws_profile_bridge",`)
	notObject := writeFile(t, dir, "array.json", `["`+geckoID+`"]`)
	missing := filepath.Join(dir, "missing.json")
	tests := []struct {
		name     string
		manifest string
		id       string
		ok       bool
	}{
		{"right id", good, geckoID, true},
		{"store id", good, storeID, true},
		{"old host name", oldName, geckoID, true},
		{"wrong id", good, "evil@example.com", false},
		{"id differing in case", good, strings.ToUpper(geckoID), false},
		{"manifest missing", missing, geckoID, false},
		{"bad JSON", badJSON, geckoID, false},
		{"not an object", notObject, geckoID, false},
		{"wrong name", wrongName, geckoID, false},
		{"wrong type", wrongType, geckoID, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Caller{Browser: Firefox, ManifestPath: tt.manifest, ExtensionID: tt.id}
			err := c.Check(nil)
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ce *CallerError
			if !errors.Is(err, ErrCallerNotAllowed) || !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *CallerError matching ErrCallerNotAllowed", err)
			}
			fix := "aws-profile-bridge install --extension-id " + tt.id
			if !strings.Contains(err.Error(), fix) || !strings.Contains(ce.Hint(), fix) {
				t.Fatalf("error does not say what to run: %v", err)
			}
			if strings.Contains(ce.Hint(), dir) {
				t.Fatalf("hint leaks a path: %s", ce.Hint())
			}
		})
	}
}

func TestCheckChromium(t *testing.T) {
	dir := t.TempDir()
	other := "chrome-extension://" + strings.Repeat("b", 32) + "/"
	chrome := writeFile(t, dir, "chrome.json", `{"name":"aws_profile_bridge","type":"stdio","allowed_origins":["`+other+`"]}`)
	edge := writeFile(t, dir, "edge.json", `{"name":"aws_profile_bridge","type":"stdio","allowed_origins":["`+chromeOrg+`"]}`)
	bad := writeFile(t, dir, "bad.json", `not json`)
	wrongName := writeFile(t, dir, "wrongname.json", `{"name":"x","type":"stdio","allowed_origins":["`+chromeOrg+`"]}`)
	missing := filepath.Join(dir, "missing.json")
	tests := []struct {
		name  string
		files []string
		ok    bool
	}{
		{"in second file", []string{chrome, edge}, true},
		{"missing and bad files skipped", []string{missing, bad, edge}, true},
		{"not in any", []string{chrome}, false},
		{"only in a wrongly named manifest", []string{wrongName, chrome}, false},
		{"all missing", []string{missing}, false},
		{"no files", nil, false},
		{"only bad", []string{bad}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := ParseCaller([]string{chromeOrg})
			if !ok {
				t.Fatal("parse")
			}
			err := c.Check(tt.files)
			if tt.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if err != nil {
				var ce *CallerError
				fix := "aws-profile-bridge install --chrome-origin " + chromeOrg
				if !errors.Is(err, ErrCallerNotAllowed) || !errors.As(err, &ce) || !strings.Contains(err.Error(), fix) || !strings.Contains(ce.Hint(), fix) {
					t.Fatalf("err = %v: does not say what to run (%s)", err, fix)
				}
				if strings.Contains(ce.Hint(), dir) || strings.Contains(ce.Hint(), "--extension-id") {
					t.Fatalf("hint leaks a path or names Firefox's flag: %s", ce.Hint())
				}
			}
		})
	}
}

func TestCheckUnknownBrowser(t *testing.T) {
	if err := (Caller{}).Check(nil); !errors.Is(err, ErrCallerNotAllowed) {
		t.Fatalf("zero Caller: err = %v", err)
	}
}
