package awsconfig

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
)

// PathsFromEnv resolves Paths the way aws-sdk-go-v2 does: AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE override ~/.aws/config and ~/.aws/credentials; home is the user's
// home directory. getenv is passed in so this package never reads the environment itself.
//
// An empty variable counts as unset (as in the SDK). A leading "~/" (or "~\" on Windows) and a
// lone "~" are expanded to home, as the AWS CLI and most SDKs do; aws-sdk-go-v2 itself would take
// such a value literally.
func PathsFromEnv(getenv func(string) string, home string) Paths {
	p := Paths{
		ConfigFile:      filepath.Join(home, ".aws", "config"),
		CredentialsFile: filepath.Join(home, ".aws", "credentials"),
		SSOCacheDir:     filepath.Join(home, ".aws", "sso", "cache"),
		Home:            home,
	}
	if getenv == nil {
		return p
	}
	if v := getenv("AWS_CONFIG_FILE"); v != "" {
		p.ConfigFile = ExpandHome(v, home)
	}
	if v := getenv("AWS_SHARED_CREDENTIALS_FILE"); v != "" {
		p.CredentialsFile = ExpandHome(v, home)
	}
	return p
}

// ExpandHome replaces a leading "~/" (or "~\" on Windows) or a lone "~" of path with home; any
// other path is returned as it is.
func ExpandHome(path, home string) string {
	if path == "~" {
		return home
	}
	if len(path) >= 2 && path[0] == '~' && os.IsPathSeparator(path[1]) {
		return filepath.Join(home, path[2:])
	}
	return path
}

// Load reads and merges both files. A missing file is an empty file; an unreadable file or a
// malformed line is an error (a *ParseError for syntax) naming the file and the line.
//
// Each file is read in one pass with aws-sdk-go-v2's rules (parse.go); the files are then merged
// as the SDK merges them. Load never writes.
func Load(p Paths) (*Config, error) {
	cfg := &parsedFile{path: p.ConfigFile, name: p.display(p.ConfigFile)}
	cred := &parsedFile{path: p.CredentialsFile, name: p.display(p.CredentialsFile), creds: true}
	for _, f := range [...]*parsedFile{cfg, cred} {
		if err := f.read(); err != nil {
			return nil, err
		}
	}
	return build(cfg, cred), nil
}

// display shortens path for messages: the home directory becomes "~".
func (p Paths) display(path string) string {
	if p.Home != "" {
		if rel, err := filepath.Rel(p.Home, path); err == nil && rel != "." && !strings.HasPrefix(rel, "..") && !filepath.IsAbs(rel) {
			return "~/" + filepath.ToSlash(rel)
		}
	}
	return path
}

var (
	utf8BOM  = []byte{0xEF, 0xBB, 0xBF}
	utf16BOM = [][]byte{{0xFF, 0xFE}, {0xFE, 0xFF}}
)

// MaxFileSize bounds each AWS file: real ones hold thousands of profiles in a few MiB, and a
// larger one is a mistake (or a device) that would otherwise grow the process without end.
const MaxFileSize = 16 << 20

// read reads and parses the file.
func (f *parsedFile) read() error {
	data, err := fsafe.ReadFile(f.path, MaxFileSize)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return f.parse(nil) // a missing file (or a dangling symlink) is an empty file, as for the SDK
		}
		var fe *fsafe.FileError
		if errors.As(err, &fe) {
			env := "AWS_CONFIG_FILE"
			if f.creds {
				env = "AWS_SHARED_CREDENTIALS_FILE"
			}
			return fmt.Errorf("%w; the AWS files must be regular files of at most %s: replace it with one, or point %s at one",
				&fsafe.FileError{Path: f.name, Problem: fe.Problem, Err: fe.Err}, fsafe.Size(MaxFileSize), env)
		}
		return fmt.Errorf("cannot read %s: %w", f.name, err)
	}
	if bytes.HasPrefix(data, utf8BOM) {
		data = data[len(utf8BOM):]
		f.warnings = append(f.warnings, f.name+":1: UTF-8 byte-order mark ignored; the AWS CLI and SDKs do not "+
			"ignore it and cannot read the first section: save the file as UTF-8 without BOM")
	}
	for _, bom := range append(utf16BOM, utf8BOM) {
		if bytes.HasPrefix(data, bom) {
			return &ParseError{File: f.name, Line: 1, Msg: "unexpected byte-order mark (UTF-16?); save the file as UTF-8"}
		}
	}
	return f.parse(data)
}

const (
	keyAccessKeyID     = "aws_access_key_id"
	keySecretAccessKey = "aws_secret_access_key"
	keySessionToken    = "aws_session_token"
	profilePrefix      = "profile "
	ssoSessionPrefix   = "sso-session "
	servicesPrefix     = "services "
)

// sdkNoMerge reports the keys aws-sdk-go-v2 reads from a profile but does not take from the
// credentials file when the profile is also in the config file (mergeSections merges a fixed
// list of keys).
func sdkNoMerge(key string) bool {
	switch key {
	case "aws_account_id", "sdk_ua_app_id", "ignore_configured_endpoint_urls",
		"endpoint_url", "services", "disable_request_compression",
		"request_min_compression_size_bytes", "disable_clock_skew_correction",
		"s3_disable_express_session_auth", "account_id_endpoint_mode",
		"request_checksum_calculation", "response_checksum_validation":
		return true
	}
	return false
}

// configSections applies aws-sdk-go-v2's processConfigSections to the config file: "profile X"
// becomes profile X (and beats an existing X), "default" (any case) is a profile, "sso-session X"
// and "services X" stay, the rest is dropped. It marks the profile sections (isProfile, profile)
// and returns the sections the SDK finds under a name with the "sso-session " or "services "
// prefix.
func (f *parsedFile) configSections(warn func(string)) map[string]*section {
	final := map[string]*section{}
	collide := false
	for _, sec := range f.order {
		if n, ok := strings.CutPrefix(sec.full, profilePrefix); ok && f.byName[n] != nil {
			collide = true
			break
		}
	}
	if !collide {
		for _, sec := range f.order {
			name := sec.full
			switch {
			case strings.HasPrefix(name, profilePrefix):
				name = name[len(profilePrefix):]
				sec.profile, sec.isProfile = name, true
			case strings.HasPrefix(name, ssoSessionPrefix), strings.HasPrefix(name, servicesPrefix):
			case strings.EqualFold(name, "default"):
				sec.profile, sec.isProfile = name, true
			default:
				f.notAProfile(sec, warn)
				continue
			}
			if strings.HasPrefix(name, ssoSessionPrefix) || strings.HasPrefix(name, servicesPrefix) {
				final[name] = sec
			}
		}
		return final
	}
	// A "profile X" section and an "X" section: emulate the SDK exactly, order-dependent as it is
	// (sorted names, renamed names skipped).
	all := make(map[string]*section, len(f.byName))
	for n, sec := range f.byName {
		all[n] = sec
		if strings.EqualFold(n, "default") {
			sec.profile, sec.isProfile = n, true
		}
	}
	names := make([]string, 0, len(f.byName))
	for n := range f.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	skip := map[string]bool{}
	for _, n := range names {
		if skip[n] {
			continue
		}
		sec := all[n]
		switch {
		case strings.HasPrefix(n, profilePrefix):
			delete(all, n)
			newName := n[len(profilePrefix):]
			if old := all[newName]; old != nil {
				old.profile, old.isProfile = "", false
				warn(fmt.Sprintf("%s:%d: [%s] and [%s] both define profile %q; the SDKs use [%s] (the AWS CLI the last one)",
					f.name, sec.line, sec.full, old.full, newName, sec.full))
			}
			all[newName] = sec
			sec.profile, sec.isProfile = newName, true
			skip[newName] = true
		case strings.HasPrefix(n, ssoSessionPrefix), strings.HasPrefix(n, servicesPrefix), strings.EqualFold(n, "default"):
		default:
			delete(all, n)
			f.notAProfile(sec, warn)
		}
	}
	for n, sec := range all {
		if strings.HasPrefix(n, ssoSessionPrefix) || strings.HasPrefix(n, servicesPrefix) {
			final[n] = sec
		}
	}
	return final
}

func (f *parsedFile) notAProfile(sec *section, warn func(string)) {
	if sec.full == "" {
		warn(fmt.Sprintf("%s:%d: section [] has no name; ignored", f.name, sec.line))
		return
	}
	warn(fmt.Sprintf("%s:%d: section [%s] is not a profile in the config file (write [profile %s]); the AWS SDKs ignore it",
		f.name, sec.line, sec.full, sec.full))
}

// build merges the two files into a Config.
func build(cfgFile, credFile *parsedFile) *Config {
	c := &Config{SSOSessions: map[string]*SSOSession{}}
	warn := func(s string) { c.Warnings = append(c.Warnings, s) }
	c.Warnings = append(c.Warnings, cfgFile.warnings...)
	c.Warnings = append(c.Warnings, credFile.warnings...)
	final := cfgFile.configSections(warn)

	n := len(credFile.order)
	for _, sec := range cfgFile.order {
		if sec.isProfile {
			n++
		}
	}
	c.Profiles = make([]*Profile, 0, n)
	slab := make([]Profile, 0, n) // one allocation for every Profile
	newProfile := func(p Profile) *Profile {
		slab = append(slab, p)
		return &slab[len(slab)-1]
	}
	byName := make(map[string]*Profile, n)
	for _, sec := range cfgFile.order {
		if !sec.isProfile {
			c.Warnings = append(c.Warnings, sec.warnings...)
			continue
		}
		p := newProfile(Profile{Name: sec.profile, Settings: sec.settings, SubProperties: sec.sub, InConfig: true,
			ConfigLine: sec.line, PartialKeys: sec.partial, Warnings: sec.warnings})
		if sec.partial {
			p.Warnings = append(p.Warnings, partialWarning(cfgFile.name, sec))
		}
		c.Profiles = append(c.Profiles, p)
		byName[p.Name] = p
	}
	for _, sec := range cfgFile.order {
		name := sec.full
		if sec.isProfile {
			name = sec.profile
		}
		if s, ok := strings.CutPrefix(name, ssoSessionPrefix); ok && final[name] == sec {
			c.SSOSessions[s] = &SSOSession{Name: s, Settings: sec.settings, Line: sec.line}
		}
	}

	for _, sec := range credFile.order {
		switch {
		case strings.HasPrefix(sec.full, profilePrefix):
			warn(fmt.Sprintf("%s:%d: [%s] ignored: the credentials file takes no \"profile \" prefix (write [%s]); "+
				"the AWS CLI would read a profile named %q", credFile.name, sec.line, sec.full,
				sec.full[len(profilePrefix):], sec.full))
			c.Warnings = append(c.Warnings, sec.warnings...)
			continue
		case sec.full == "":
			warn(fmt.Sprintf("%s:%d: section [] has no name; ignored", credFile.name, sec.line))
			c.Warnings = append(c.Warnings, sec.warnings...)
			continue
		}
		p := byName[sec.full]
		if p == nil {
			settings, sub := sec.settings, sec.sub
			if cfgSec := final[sec.full]; cfgSec != nil {
				// Same name as a config-file section that is not a profile ([sso-session x],
				// [services x]): the SDK merges the two, and that merged section is both what
				// LoadSharedConfigProfile("sso-session x") returns and the SSO session.
				cfgSec.sub = mergeCreds(&cfgSec.settings, cfgSec.sub, sec)
				if s, ok := strings.CutPrefix(sec.full, ssoSessionPrefix); ok && c.SSOSessions[s] != nil {
					c.SSOSessions[s].Settings = cfgSec.settings // the merge may have moved them
				}
				settings, sub = slices.Clone(cfgSec.settings), maps.Clone(cfgSec.sub)
				c.Warnings = append(c.Warnings, fmt.Sprintf("%s:%d: [%s] merged into the config file's section of the same name (line %d)",
					credFile.name, sec.line, sec.full, cfgSec.line))
			}
			p = newProfile(Profile{Name: sec.full, Settings: settings, SubProperties: sub})
			if s, ok := strings.CutPrefix(sec.full, ssoSessionPrefix); ok && c.SSOSessions[s] == nil {
				// The SDK finds sso-session sections in the merged files, so this one counts.
				c.SSOSessions[s] = &SSOSession{Name: s, Settings: settings, Line: sec.line}
				c.Warnings = append(c.Warnings, fmt.Sprintf("%s:%d: [%s] belongs in the config file; aws-sdk-go-v2 uses it, "+
					"the AWS CLI does not", credFile.name, sec.line, sec.full))
			}
			c.Profiles = append(c.Profiles, p)
			byName[sec.full] = p
		} else {
			p.SubProperties = mergeCreds(&p.Settings, p.SubProperties, sec)
			// The SDK replaces the config section's errors with the credentials section's.
			p.Warnings = slices.DeleteFunc(p.Warnings, isPartialWarning)
		}
		p.InCredentials, p.CredentialsLine, p.ExpiresComment, p.PartialKeys = true, sec.line, sec.expires, sec.partial
		p.Warnings = append(p.Warnings, sec.warnings...)
		if sec.partial {
			p.Warnings = append(p.Warnings, partialWarning(credFile.name, sec))
		}
	}
	for _, p := range c.Profiles {
		if strings.ContainsAny(p.Name, " \t") {
			line, file := p.ConfigLine, cfgFile.name
			if line == 0 {
				line, file = p.CredentialsLine, credFile.name
			}
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s:%d: profile name %q contains a space; aws-sdk-go-v2 accepts it, "+
				"the AWS CLI and other SDKs do not", file, line, p.Name))
		}
	}
	c.byName, c.indexed = byName, len(c.Profiles)
	return c
}

// mergeCreds merges a credentials-file section into a config-file one (settings dst, sub-properties
// dstSub) as aws-sdk-go-v2 does for the keys it knows: static keys only as a complete pair (with
// the session token, if any), and not the keys it never takes from the credentials file. Other
// keys: the credentials file wins, with its sub-properties or none. It returns dstSub, made when
// src brings the first sub-properties.
func mergeCreds(dst *Settings, dstSub map[string]map[string]string, src *section) map[string]map[string]string {
	for _, kv := range src.settings {
		k, v := kv.Key, kv.Value
		switch {
		case k == keyAccessKeyID || k == keySecretAccessKey || k == keySessionToken:
			if src.partial {
				continue
			}
		case sdkNoMerge(k):
			continue // ignored by the SDK for a profile that is also in the config file
		}
		dst.Set(k, v)
		if sub := src.sub[k]; sub != nil {
			if dstSub == nil {
				dstSub = map[string]map[string]string{}
			}
			dstSub[k] = sub
		} else {
			delete(dstSub, k)
		}
	}
	return dstSub
}

const partialMarker = " without the other; aws-sdk-go-v2 refuses to load this profile"

func partialWarning(file string, sec *section) string {
	have := keyAccessKeyID
	if _, ok := sec.settings.Lookup(keySecretAccessKey); ok {
		have = keySecretAccessKey
	}
	return fmt.Sprintf("%s:%d: [%s] has %s%s", file, sec.line, sec.full, have, partialMarker)
}

func isPartialWarning(s string) bool { return strings.HasSuffix(s, partialMarker) }
