package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestProfilesJSONSettings: `profiles --json` gives every profile a "settings" object, empty
// when the profile has only secret keys, with sub-properties nested as the SDK reads them, and
// never a secret.
func TestProfilesJSONSettings(t *testing.T) {
	const keyID, secret, token, subSecret = "AKIACANARY0000000001", "canary-secret-value", "canary-session-token", "canary-sub-secret"
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, k := range []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE"} {
		t.Setenv(k, "")
	}
	dir := filepath.Join(home, ".aws")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := "[profile tuned]\nregion = eu-west-1\ns3 =\n  max_concurrent_requests = 10\n  Addressing_Style = path\n" +
		"  client_secret = " + subSecret + "\nec2 =\n[profile tuned]\noutput = json\n"
	cred := "[keys-only]\naws_access_key_id = " + keyID + "\naws_secret_access_key = " + secret + "\naws_session_token = " + token + "\n"
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte(cred), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI("profiles", "--json", "--no-sso")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, s := range []string{keyID, secret, token, subSecret} {
		if strings.Contains(out+errOut, s) {
			t.Fatalf("output shows the secret %q:\n%s\n%s", s, out, errOut)
		}
	}
	var list []struct {
		Name     string          `json:"name"`
		Settings json.RawMessage `json:"settings"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := map[string]any{
		"tuned": map[string]any{"region": "eu-west-1", "output": "json", "ec2": "",
			"s3": map[string]any{"max_concurrent_requests": "10", "addressing_style": "path"}},
		"keys-only": map[string]any{},
	}
	if len(list) != len(want) {
		t.Fatalf("%d profiles, want %d: %s", len(list), len(want), out)
	}
	for _, p := range list {
		var got any
		if err := json.Unmarshal(p.Settings, &got); err != nil || !reflect.DeepEqual(got, want[p.Name]) {
			t.Errorf("%s: settings = %s, want %v", p.Name, p.Settings, want[p.Name])
		}
	}
}
