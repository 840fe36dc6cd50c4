package settings

import (
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestFromEnvDefaults(t *testing.T) {
	home := t.TempDir()
	s, err := FromEnv(env(nil), home)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, ".aws", "logs"); s.LogDir != want {
		t.Errorf("LogDir = %q, want %q", s.LogDir, want)
	}
	if s.LogLevel != "info" || s.Port != DefaultPort || s.SigninEndpoint != "" || !s.SSOAutoLogin || len(s.Browser) != 0 {
		t.Errorf("defaults: %+v", s)
	}
	if want := filepath.Join(home, ".config", "aws-profile-bridge"); s.ConfigDir != want {
		t.Errorf("ConfigDir = %q, want %q", s.ConfigDir, want)
	}
}

func TestFromEnvOverrides(t *testing.T) {
	home := t.TempDir()
	s, err := FromEnv(env(map[string]string{
		"AWS_PROFILE_BRIDGE_LOG_DIR":         "~/logs",
		"AWS_PROFILE_BRIDGE_LOG_LEVEL":       "DEBUG",
		"AWS_PROFILE_BRIDGE_SIGNIN_ENDPOINT": "http://127.0.0.1:8080/federation",
		"AWS_PROFILE_BRIDGE_PORT":            "12000",
		"AWS_PROFILE_BRIDGE_BROWSER":         " firefox  --new-tab ",
		"AWS_PROFILE_BRIDGE_SSO_AUTO_LOGIN":  "0",
		"XDG_CONFIG_HOME":                    "/xdg",
	}), home)
	if err != nil {
		t.Fatal(err)
	}
	if s.LogDir != filepath.Join(home, "logs") || s.LogLevel != "debug" || s.Port != 12000 ||
		s.SigninEndpoint != "http://127.0.0.1:8080/federation" || s.ConfigDir != filepath.Join("/xdg", "aws-profile-bridge") ||
		s.SSOAutoLogin || strings.Join(s.Browser, "|") != "firefox|--new-tab" {
		t.Errorf("overrides not applied: %+v", s)
	}
	s, err = FromEnv(env(map[string]string{"AWS_PROFILE_BRIDGE_CONFIG_DIR": "/cfg", "XDG_CONFIG_HOME": "/xdg"}), home)
	if err != nil || s.ConfigDir != "/cfg" {
		t.Errorf("AWS_PROFILE_BRIDGE_CONFIG_DIR should win: %q %v", s.ConfigDir, err)
	}
}

func TestFromEnvRejects(t *testing.T) {
	for _, tc := range []struct{ k, v string }{
		{"AWS_PROFILE_BRIDGE_LOG_LEVEL", "loud"},
		{"AWS_PROFILE_BRIDGE_PORT", "0"},
		{"AWS_PROFILE_BRIDGE_PORT", "70000"},
		{"AWS_PROFILE_BRIDGE_PORT", "http"},
		{"AWS_PROFILE_BRIDGE_SIGNIN_ENDPOINT", "http://evil.example/federation"},
		{"AWS_PROFILE_BRIDGE_SSO_AUTO_LOGIN", "maybe"},
	} {
		_, err := FromEnv(env(map[string]string{tc.k: tc.v}), t.TempDir())
		if err == nil || !strings.Contains(err.Error(), tc.k) {
			t.Errorf("%s=%s: want an error naming the variable, got %v", tc.k, tc.v, err)
		}
	}
}

func TestCacheDir(t *testing.T) {
	home := "/home/u"
	for _, tc := range []struct {
		env  map[string]string
		goos string
		want string
	}{
		{nil, "linux", filepath.Join(home, ".cache", "aws-profile-bridge")},
		{map[string]string{"XDG_CACHE_HOME": "/xdg-cache"}, "linux", filepath.Join("/xdg-cache", "aws-profile-bridge")},
		{map[string]string{"XDG_CACHE_HOME": "relative"}, "linux", filepath.Join(home, ".cache", "aws-profile-bridge")},
		{nil, "darwin", filepath.Join(home, "Library", "Caches", "aws-profile-bridge")},
		{map[string]string{"LOCALAPPDATA": "/lad"}, "windows", filepath.Join("/lad", "aws-profile-bridge", "cache")},
		{map[string]string{"AWS_PROFILE_BRIDGE_CACHE_DIR": "off"}, "linux", ""},
		{map[string]string{"AWS_PROFILE_BRIDGE_CACHE_DIR": "OFF"}, "darwin", ""},
		{map[string]string{"AWS_PROFILE_BRIDGE_CACHE_DIR": "~/c"}, "linux", filepath.Join(home, "c")},
	} {
		if got := cacheDir(env(tc.env), home, tc.goos); got != tc.want {
			t.Errorf("%v on %s: %q, want %q", tc.env, tc.goos, got, tc.want)
		}
	}
}
