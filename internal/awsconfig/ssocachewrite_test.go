package awsconfig

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestWriteSSOCacheEntry(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sso", "cache")
	if err := os.MkdirAll(dir, 0o755); err != nil { // as the AWS CLI may leave it
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := CacheFile(dir, "corp")
	exp := time.Date(2030, 1, 2, 3, 4, 5, 600, time.FixedZone("x", 3600))
	e := &SSOCacheEntry{StartURL: "https://corp.awsapps.com/start", Region: "eu-west-1", AccessToken: "CANARY-ACCESS",
		ExpiresAt: FormatTime(exp), ClientID: "cid", ClientSecret: "CANARY-SECRET", RegistrationExpiresAt: FormatTime(exp.Add(time.Hour)),
		RefreshToken: "CANARY-REFRESH"}
	for range 2 { // the second write replaces the first
		if err := WriteSSOCacheEntry(file, e); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"expiresAt":"2030-01-02T02:04:05Z"`, `"registrationExpiresAt":"2030-01-02T03:04:05Z"`, `"startUrl":"https://corp.awsapps.com/start"`, `"refreshToken":"CANARY-REFRESH"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("file %s lacks %s", data, want)
		}
	}
	got, err := ReadSSOCacheEntry(file)
	if err != nil || *got != *e {
		t.Fatalf("read back %+v, %v; want %+v", got, err, e)
	}
	tok, err := ReadSSOToken(dir, "corp", "")
	if err != nil || !tok.Refreshable || !tok.CanRefresh(exp) || tok.CanRefresh(exp.Add(2*time.Hour)) {
		t.Fatalf("ReadSSOToken: %+v, %v", tok, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
			t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
		}
		if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
			t.Errorf("dir mode %v, want 0700", fi.Mode().Perm())
		}
	}
}

func TestSSOTokenRefreshable(t *testing.T) {
	now := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		file string
		want bool
	}{
		{"session-v2.json", true},     // refresh token, client, registration until March
		{"legacy-oldcli.json", false}, // no refresh token
		{"client-registration.json", false},
	}
	for _, tc := range tests {
		data, err := os.ReadFile(filepath.Join("testdata", "sso", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		tok, err := decodeSSOToken(tc.file, data)
		if err != nil {
			if tc.want {
				t.Fatalf("%s: %v", tc.file, err)
			}
			continue
		}
		if got := tok.CanRefresh(now); got != tc.want {
			t.Errorf("%s: CanRefresh = %v, want %v", tc.file, got, tc.want)
		}
	}
	data, _ := os.ReadFile(filepath.Join("testdata", "sso", "session-v2.json"))
	tok, _ := decodeSSOToken("f", data)
	if tok.CanRefresh(time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)) {
		t.Error("CanRefresh after the registration expired")
	}
}
