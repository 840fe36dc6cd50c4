package main

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/install"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
)

func TestSystemManifest(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"--binary", "/usr/bin/aws-profile-bridge"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var m struct {
		Name, Path, Type  string
		AllowedExtensions []string `json:"allowed_extensions"`
	}
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	// The lean host the packages install beside aws-profile-bridge, which the installer's
	// package check knows as the package's (install.PackagedHost).
	if install.PackagedHost != "/usr/bin/aws-profile-bridge-host" {
		t.Errorf("install.PackagedHost = %s", install.PackagedHost)
	}
	if m.Name != layout.HostName || m.Path != install.PackagedHost || m.Type != "stdio" ||
		!slices.Equal(m.AllowedExtensions, install.DefaultExtensionIDs) {
		t.Errorf("manifest: %s", out.String())
	}
	out.Reset()
	if code := run([]string{"--dir"}, &out, &errb); code != 0 || strings.TrimSpace(out.String()) != "/usr/lib/mozilla/native-messaging-hosts/aws_profile_bridge.json" {
		t.Errorf("--dir: %d %q", code, out.String())
	}
}
