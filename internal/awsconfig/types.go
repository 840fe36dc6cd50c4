// Package awsconfig reads ~/.aws/config and ~/.aws/credentials with the semantics of
// aws-sdk-go-v2 (see docs/AWS-CONFIG.md) and reads the SSO token cache.
//
// It never writes to either file and never reads environment variables itself: callers pass
// Paths in (see PathsFromEnv).
package awsconfig

import (
	"strconv"
	"strings"
	"time"
)

// Paths says where the shared files and the SSO token cache live.
type Paths struct {
	ConfigFile      string // ~/.aws/config or $AWS_CONFIG_FILE
	CredentialsFile string // ~/.aws/credentials or $AWS_SHARED_CREDENTIALS_FILE
	SSOCacheDir     string // ~/.aws/sso/cache
	// Home, when set (PathsFromEnv sets it), is shown as "~" in messages.
	Home string
}

// Profile is one profile after merging the config and credentials files.
type Profile struct {
	// Name is the profile name as the SDK resolves it ("default", "prod-admin", ...).
	Name string
	// Settings holds every key of the profile with lower-case keys, merged key by key;
	// the credentials file wins over the config file. Values are trimmed, inline comments removed.
	Settings Settings
	// SubProperties holds nested settings (a key with an empty value followed by indented
	// "k = v" lines), e.g. SubProperties["s3"]["max_concurrent_requests"].
	SubProperties map[string]map[string]string
	// InConfig and InCredentials tell which files define the profile.
	InConfig, InCredentials bool
	// ConfigLine and CredentialsLine are the 1-based line numbers of the section headers (0 when absent).
	ConfigLine, CredentialsLine int
	// ExpiresComment is the raw timestamp of a "# Expires YYYY-MM-DD HH:MM:SS" comment inside the
	// profile's credentials-file section (the old host's convention), or "".
	ExpiresComment string
	// PartialKeys is true when the section the SDK takes the profile's keys from (the credentials
	// file's when the profile is in both files) has aws_access_key_id without aws_secret_access_key
	// or the reverse: aws-sdk-go-v2 then refuses the profile. Settings need not show it (a partial
	// pair is not merged); Warnings says so too.
	PartialKeys bool
	// Warnings lists what the AWS CLI would reject or what looks wrong (duplicate key, name with a space ...).
	Warnings []string
}

// Get returns a setting by case-insensitive key ("" when unset).
func (p *Profile) Get(key string) string {
	if p == nil {
		return ""
	}
	return p.Settings.Get(strings.ToLower(key))
}

// SSOSession is one [sso-session NAME] section of the config file.
type SSOSession struct {
	Name     string
	Settings Settings // lower-case keys: sso_start_url, sso_region, sso_registration_scopes ...
	Line     int
}

// Config is the merged view of both files.
type Config struct {
	// Profiles in order of first appearance: config file first, then profiles only in credentials.
	Profiles []*Profile
	// SSOSessions by name.
	SSOSessions map[string]*SSOSession
	// Warnings about the files as a whole (BOM stripped, [default] and [profile default] both present ...),
	// each naming the file and line.
	Warnings []string

	byName  map[string]*Profile
	indexed int // len(Profiles) when byName was built
}

// Profile returns the named profile or nil. Load builds the index; a Config made by hand (nil
// entries are skipped, the last of two equal names wins) gets one on first use, and again
// whenever Profiles changes length.
func (c *Config) Profile(name string) *Profile {
	if c == nil {
		return nil
	}
	if c.byName == nil || c.indexed != len(c.Profiles) {
		c.byName = make(map[string]*Profile, len(c.Profiles))
		for _, p := range c.Profiles {
			if p != nil {
				c.byName[p.Name] = p
			}
		}
		c.indexed = len(c.Profiles)
	}
	return c.byName[name]
}

// ParseError is returned when a file cannot be parsed; it names the file and the line.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	return e.File + ":" + strconv.Itoa(e.Line) + ": " + e.Msg
}

// SSOToken is an entry of the SSO token cache (~/.aws/sso/cache/<sha1>.json).
// AccessToken is a secret: never log it.
type SSOToken struct {
	AccessToken string
	ExpiresAt   time.Time
	StartURL    string
	Region      string
	// File is the cache file the token came from.
	File string
	// Refreshable is true when the entry holds a refresh token and the client registration
	// (clientId, clientSecret) it was issued to; RegistrationExpiresAt is when that registration
	// ends (zero when the entry does not say).
	Refreshable           bool
	RegistrationExpiresAt time.Time
}

// CanRefresh reports whether an SDK (or `aws-profile-bridge sso login`) can get a new access
// token from this entry without a person at now: it is refreshable and its client registration
// has not expired.
func (t *SSOToken) CanRefresh(now time.Time) bool {
	return t.Refreshable && (t.RegistrationExpiresAt.IsZero() || t.RegistrationExpiresAt.After(now))
}

// MinSessionDuration and MaxSessionDuration bound a console session and a profile's
// duration_seconds (AssumeRole's DurationSeconds). Here, beside the settings that carry them, so
// that bridge checks a request against them without linking the console core.
const (
	MinSessionDuration = 15 * time.Minute
	MaxSessionDuration = 12 * time.Hour
)

// Settings are a section's keys (lower case) and values, in the order the keys first appear; a
// key set again keeps its place and takes the new value. A section has a handful of keys, and a
// short list is cheaper to build and to search than a map (docs/PERFORMANCE.md).
type Settings []Setting

// Setting is one key and its value.
type Setting struct{ Key, Value string }

// Get returns the value of key ("" when unset); key is lower case.
func (s Settings) Get(key string) string {
	v, _ := s.Lookup(key)
	return v
}

// Lookup returns the value of key and whether it is set.
func (s Settings) Lookup(key string) (string, bool) {
	for i := range s {
		if s[i].Key == key {
			return s[i].Value, true
		}
	}
	return "", false
}

// Set gives key the value, in place when it is set already (reported), else at the end.
func (s *Settings) Set(key, value string) (replaced bool) {
	for i := range *s {
		if (*s)[i].Key == key {
			(*s)[i].Value = value
			return true
		}
	}
	*s = append(*s, Setting{key, value})
	return false
}

// SettingsOf makes Settings of key, value pairs (for tests and literals).
func SettingsOf(kv ...string) Settings {
	var s Settings
	for i := 0; i+1 < len(kv); i += 2 {
		s.Set(kv[i], kv[i+1])
	}
	return s
}
