// Package settings is the one place that knows every AWS_PROFILE_BRIDGE_* variable, its default
// and the paths derived from it. Nothing else in the project reads the environment for settings;
// the AWS SDK's own variables (AWS_CONFIG_FILE, AWS_ENDPOINT_URL_STS, ...) are honoured as the SDK
// does.
package settings

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// Var documents one environment variable.
type Var struct {
	Name    string
	Default string
	Help    string
}

// Vars lists every variable this program reads, for --help and README.md.
var Vars = []Var{
	{"AWS_PROFILE_BRIDGE_LOG_DIR", "~/.aws/logs", "directory of aws_profile_bridge.log (created 0700, file 0600, rotated 10 MB x 5)"},
	{"AWS_PROFILE_BRIDGE_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"AWS_PROFILE_BRIDGE_SIGNIN_ENDPOINT", "https://<partition sign-in host>/federation", "full URL of the federation endpoint for getSigninToken (tests point it at a local fake)"},
	{"AWS_PROFILE_BRIDGE_PORT", "10999", "TCP port of the HTTP fallback on 127.0.0.1"},
	{"AWS_PROFILE_BRIDGE_CONFIG_DIR", "$XDG_CONFIG_HOME/aws-profile-bridge or ~/.config/aws-profile-bridge", "directory of the API token store"},
	{"AWS_PROFILE_BRIDGE_CACHE_DIR", "$XDG_CACHE_HOME/aws-profile-bridge or ~/.cache/aws-profile-bridge (macOS ~/Library/Caches/aws-profile-bridge, Windows %LOCALAPPDATA%\\aws-profile-bridge\\cache)", "where the host keeps its last getProfiles reply (no secrets) to skip re-parsing unchanged files, and when it saw an AWS file empty; \"off\" disables both"},
	{"AWS_PROFILE_BRIDGE_BROWSER", "the desktop's default browser (xdg-open, open, rundll32)", "command that opens an SSO sign-in page, given the URL as its last argument (words split at spaces)"},
	{"AWS_PROFILE_BRIDGE_SSO_AUTO_LOGIN", "1", "0 stops a click on an SSO profile without a usable token from starting the sign-in (the reply then names `aws-profile-bridge sso login`)"},
	{"AWS_CONFIG_FILE", "~/.aws/config", "the AWS config file (the SDK's variable)"},
	{"AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials", "the AWS credentials file (the SDK's variable)"},
}

// Settings is everything the program needs from its environment.
type Settings struct {
	Home           string
	AWS            awsconfig.Paths
	LogDir         string
	LogLevel       string
	SigninEndpoint string
	Port           int
	ConfigDir      string
	CacheDir       string // "" when disabled
	// Browser is the command (and its first arguments) that opens SSO sign-in pages; nil for the
	// desktop's default.
	Browser []string
	// SSOAutoLogin lets a click on an SSO profile without a usable token start the sign-in.
	SSOAutoLogin bool
}

// DefaultPort is the extension's HTTP port.
const DefaultPort = 10999

// Load reads the process's environment once: what every command and the host start from.
func Load() (Settings, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return Settings{}, fmt.Errorf("cannot find your home directory (%v); set HOME", err)
	}
	return FromEnv(os.Getenv, home)
}

// FromEnv builds Settings from getenv (os.Getenv in Load) and the user's home directory.
// An invalid value is an error that names the variable.
func FromEnv(getenv func(string) string, home string) (Settings, error) {
	s := Settings{
		Home:     home,
		AWS:      awsconfig.PathsFromEnv(getenv, home),
		LogDir:   filepath.Join(home, ".aws", "logs"),
		LogLevel: "info",
		Port:     DefaultPort,
	}
	if v := getenv("AWS_PROFILE_BRIDGE_LOG_DIR"); v != "" {
		s.LogDir = awsconfig.ExpandHome(v, home)
	}
	if v := getenv("AWS_PROFILE_BRIDGE_LOG_LEVEL"); v != "" {
		switch strings.ToLower(v) {
		case "debug", "info", "warn", "error":
			s.LogLevel = strings.ToLower(v)
		default:
			return s, fmt.Errorf("AWS_PROFILE_BRIDGE_LOG_LEVEL=%q: want debug, info, warn or error", v)
		}
	}
	if v := getenv("AWS_PROFILE_BRIDGE_SIGNIN_ENDPOINT"); v != "" {
		if !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://127.0.0.1") && !strings.HasPrefix(v, "http://localhost") && !strings.HasPrefix(v, "http://[::1]") {
			return s, fmt.Errorf("AWS_PROFILE_BRIDGE_SIGNIN_ENDPOINT=%q: want an https URL (plain http only on loopback, for tests)", v)
		}
		s.SigninEndpoint = v
	}
	if v := getenv("AWS_PROFILE_BRIDGE_PORT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			return s, fmt.Errorf("AWS_PROFILE_BRIDGE_PORT=%q: want a port number 1-65535", v)
		}
		s.Port = n
	}
	switch {
	case getenv("AWS_PROFILE_BRIDGE_CONFIG_DIR") != "":
		s.ConfigDir = awsconfig.ExpandHome(getenv("AWS_PROFILE_BRIDGE_CONFIG_DIR"), home)
	case getenv("XDG_CONFIG_HOME") != "" && filepath.IsAbs(getenv("XDG_CONFIG_HOME")):
		s.ConfigDir = filepath.Join(getenv("XDG_CONFIG_HOME"), "aws-profile-bridge")
	default:
		s.ConfigDir = filepath.Join(home, ".config", "aws-profile-bridge")
	}
	s.CacheDir = cacheDir(getenv, home, runtime.GOOS)
	s.Browser = strings.Fields(getenv("AWS_PROFILE_BRIDGE_BROWSER"))
	s.SSOAutoLogin = true
	if v := getenv("AWS_PROFILE_BRIDGE_SSO_AUTO_LOGIN"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return s, fmt.Errorf("AWS_PROFILE_BRIDGE_SSO_AUTO_LOGIN=%q: want 1 or 0", v)
		}
		s.SSOAutoLogin = on
	}
	return s, nil
}

func cacheDir(getenv func(string) string, home, goos string) string {
	switch v := getenv("AWS_PROFILE_BRIDGE_CACHE_DIR"); {
	case strings.EqualFold(v, "off"):
		return ""
	case v != "":
		return awsconfig.ExpandHome(v, home)
	}
	switch goos {
	case "darwin":
		return filepath.Join(home, "Library", "Caches", "aws-profile-bridge")
	case "windows":
		if d := getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "aws-profile-bridge", "cache")
		}
		return filepath.Join(home, "AppData", "Local", "aws-profile-bridge", "cache")
	}
	if d := getenv("XDG_CACHE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "aws-profile-bridge")
	}
	return filepath.Join(home, ".cache", "aws-profile-bridge")
}
