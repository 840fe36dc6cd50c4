package awsconfig

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	ini "gopkg.in/ini.v1"
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
// Both files are parsed with gopkg.in/ini.v1 after a pre-pass (scan.go) that gives line numbers
// and reads the lines ini.v1 would read differently from aws-sdk-go-v2. Load never writes.
func Load(p Paths) (*Config, error) {
	files := [2]*parsedFile{
		{path: p.ConfigFile, name: p.display(p.ConfigFile)},
		{path: p.CredentialsFile, name: p.display(p.CredentialsFile), creds: true},
	}
	for _, f := range files {
		if err := f.read(); err != nil {
			return nil, err
		}
	}
	if err := parseFiles(files[:]); err != nil {
		return nil, err
	}
	return build(files[0], files[1]), nil
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

// parsedFile is one of the two files on its way through Load.
type parsedFile struct {
	path, name string
	creds      bool
	data       []byte
	warnings   []string
	scan       *scanned
	// The file's sections merged by SDK name: order of first appearance, by name, and the
	// section each header belongs to (secOf[h] for scan.headers[h]).
	order  []*section
	byName map[string]*section
	secOf  []*section
	// repeats[h] is ini.v1's section for a header whose name appeared before (nil when there
	// are none): they are merged in header order after the parallel part.
	repeats []*ini.Section
}

var (
	utf8BOM  = []byte{0xEF, 0xBB, 0xBF}
	utf16BOM = [][]byte{{0xFF, 0xFE}, {0xFE, 0xFF}}
)

func (f *parsedFile) read() error {
	data, err := os.ReadFile(f.path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // a missing file is an empty file
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
	f.data = data
	return nil
}

// iniOptions configure ini.v1 for the lines the pre-pass hands over unchanged (no quotes,
// no comment characters, non-empty key): '=' or ':' separate key and value (the earlier one
// wins, as in the SDK), keys are case-insensitive, there is no backslash continuation, lines
// without a delimiter are skipped as the SDK skips them, and duplicate section headers do not
// go through ini.v1's quadratic name check (we merge sections by their SDK name ourselves).
var iniOptions = ini.LoadOptions{
	InsensitiveKeys:          true,
	IgnoreContinuation:       true,
	SpaceBeforeInlineComment: true,
	SkipUnrecognizableLines:  true,
	PreserveSurroundedQuote:  true,
	AllowNonUniqueSections:   true,
	KeyValueDelimiters:       "=:",
}

// chunkBytes is the size of the pieces a file is handed to ini.v1 in. Each piece is parsed
// and its sections taken out at once, so ini.v1's objects for the whole file (about 1 KB per
// section) never exist together; pieces are parsed on all cores.
const chunkBytes = 32 << 10

// chunk is a run of headers of one file, [hFrom, hTo), and the bytes [from, to) they cover.
type chunk struct {
	f          *parsedFile
	from, to   int
	hFrom, hTo int
	err        error
}

func parseFiles(files []*parsedFile) error {
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Go(func() {
			if f.scan, errs[i] = scan(f.name, f.data, f.creds); errs[i] == nil {
				f.index()
			}
		})
	}
	wg.Wait()
	var chunks []*chunk
	size := 0
	for i, f := range files {
		if errs[i] != nil {
			return errs[i]
		}
		chunks = f.appendChunks(chunks)
		size += len(f.data)
	}
	if workers := min(runtime.GOMAXPROCS(0), len(chunks)); workers <= 1 || size < 2*chunkBytes {
		var buf []byte
		for _, c := range chunks {
			buf = c.parse(buf)
		}
	} else {
		var next atomic.Int32
		for range workers {
			wg.Go(func() {
				var buf []byte
				for i := int(next.Add(1)) - 1; i < len(chunks); i = int(next.Add(1)) - 1 {
					buf = chunks[i].parse(buf)
				}
			})
		}
		wg.Wait()
	}
	for _, c := range chunks {
		if c.err != nil {
			return c.err
		}
	}
	for _, f := range files {
		f.mergeRepeats()
	}
	return nil
}

// index creates the file's sections by SDK name from the pre-pass's headers; ini.v1 fills them.
func (f *parsedFile) index() {
	headers := f.scan.headers
	f.order = make([]*section, 0, len(headers))
	f.byName = make(map[string]*section, len(headers))
	f.secOf = make([]*section, len(headers))
	secs := make([]section, len(headers)) // one allocation; repeated names leave a few unused
	for h, hdr := range headers {
		sec := f.byName[hdr.full]
		if sec == nil {
			sec = &secs[h]
			sec.full, sec.line = hdr.full, hdr.line
			f.byName[hdr.full] = sec
			f.order = append(f.order, sec)
		} else if f.repeats == nil {
			f.repeats = make([]*ini.Section, len(headers))
		}
		f.secOf[h] = sec
	}
}

// appendChunks cuts the file at section headers into pieces of about chunkBytes.
func (f *parsedFile) appendChunks(chunks []*chunk) []*chunk {
	headers := f.scan.headers
	from, hFrom := 0, 0
	for h := 1; h < len(headers); h++ {
		if headers[h].off-from >= chunkBytes {
			chunks = append(chunks, &chunk{f: f, from: from, to: headers[h].off, hFrom: hFrom, hTo: h})
			from, hFrom = headers[h].off, h
		}
	}
	return append(chunks, &chunk{f: f, from: from, to: len(f.data), hFrom: hFrom, hTo: len(headers)})
}

// iniInput appends what ini.v1 must read of the chunk to buf: every line the pre-pass hands
// over (as it is, or as the pre-pass rewrote it), and each section header as "[h]" (ini.v1
// reports sections by position; their SDK names come from the pre-pass). Lines ini.v1 skips
// anyway (blank, comments) and lines the pre-pass blanked are left out.
func (c *chunk) iniInput(buf []byte) []byte {
	data, edits, headers := c.f.data, c.f.scan.edits, c.f.scan.headers
	e := sort.Search(len(edits), func(i int) bool { return edits[i].start >= c.from })
	h := c.hFrom
	for off := c.from; off < c.to; {
		end, next := c.to, c.to
		if i := bytes.IndexByte(data[off:c.to], '\n'); i >= 0 {
			end, next = off+i, off+i+1
		}
		switch {
		case h < c.hTo && headers[h].off == off:
			buf = append(buf, "[h]\n"...)
			h++
			if e < len(edits) && edits[e].start == off {
				e++
			}
		case e < len(edits) && edits[e].start == off:
			if r := edits[e].repl; r != "" {
				buf = append(append(buf, r...), '\n')
			}
			e++
		default:
			line := data[off:end]
			// ini.v1's own test for blank and comment lines.
			if t := bytes.TrimLeftFunc(line, unicode.IsSpace); len(t) > 0 && t[0] != '#' && t[0] != ';' {
				buf = append(append(buf, line...), '\n')
			}
		}
		off = next
	}
	return buf
}

// parse runs ini.v1 over the chunk and fills the sections of its headers. buf is scratch space,
// returned for the next chunk (ini.v1 copies what it keeps).
func (c *chunk) parse(buf []byte) []byte {
	buf = c.iniInput(buf[:0])
	file, err := ini.LoadSources(iniOptions, buf)
	if err != nil {
		c.err = &ParseError{File: c.f.name, Line: 0, Msg: "ini: " + err.Error()}
		return buf
	}
	secs := file.Sections()
	// secs[0] is ini.v1's DEFAULT section: lines before the first header, which the SDK ignores
	// (the pre-pass warned about them).
	if len(secs)-1 != c.hTo-c.hFrom {
		c.err = fmt.Errorf("awsconfig: internal error: ini.v1 found %d sections in %s where %d were expected",
			len(secs)-1, c.f.name, c.hTo-c.hFrom)
		return buf
	}
	f := c.f
	for i, isec := range secs[1:] {
		h := c.hFrom + i
		if sec := f.secOf[h]; sec.line == f.scan.headers[h].line {
			f.fill(sec, h, isec) // first header of this name: no other chunk touches sec
		} else {
			f.repeats[h] = isec
		}
	}
	return buf
}

// fill sets a section from the first header of its name.
func (f *parsedFile) fill(sec *section, h int, isec *ini.Section) {
	keys := isec.Keys()
	sec.settings = make(map[string]string, len(keys))
	for _, k := range keys {
		name, v, sub, ok := f.keyValue(k)
		if !ok {
			continue
		}
		sec.set(name, v, sub)
	}
	f.headerExtras(sec, h)
}

// set stores one key, with its sub-properties (or none: a later plain value replaces them).
func (sec *section) set(name, v string, sub map[string]string) {
	sec.settings[name] = v
	if sub != nil {
		if sec.sub == nil {
			sec.sub = map[string]map[string]string{}
		}
		sec.sub[name] = sub
	} else if sec.sub != nil {
		delete(sec.sub, name)
	}
}

// headerExtras adds what the pre-pass found under header h: warnings and a "# Expires" comment.
func (f *parsedFile) headerExtras(sec *section, h int) {
	if w := f.scan.secWarnings[h]; len(w) > 0 {
		sec.warnings = append(sec.warnings, w...)
	}
	if e, ok := f.scan.expires[h]; ok {
		sec.expires = e
	}
}

// keyValue is a key as ini.v1 read it, with the pre-pass's value for a placeholder.
func (f *parsedFile) keyValue(k *ini.Key) (name, v string, sub map[string]string, ok bool) {
	name, v = internKey(k.Name()), k.Value()
	if len(v) > 0 && v[0] == placeholderMark {
		i, err := strconv.Atoi(v[1:])
		if err != nil || i < 0 || i >= len(f.scan.special) {
			return "", "", nil, false // cannot happen: ini.v1 never invents a NUL
		}
		v, sub = f.scan.special[i].val, f.scan.special[i].sub
	}
	return name, v, sub, true
}

// mergeRepeats merges the sections whose header repeats an earlier one, in header order, and
// finishes every section.
func (f *parsedFile) mergeRepeats() {
	for h, isec := range f.repeats {
		if isec == nil {
			continue
		}
		hdr, sec := f.scan.headers[h], f.secOf[h]
		sec.warnings = append(sec.warnings, fmt.Sprintf("%s:%d: section [%s] repeated (first at line %d); merged, "+
			"the AWS CLI rejects this file", f.name, hdr.line, hdr.full, sec.line))
		for _, k := range isec.Keys() {
			name, v, sub, ok := f.keyValue(k)
			if !ok {
				continue
			}
			if _, dup := sec.settings[name]; dup {
				sec.warnings = append(sec.warnings, fmt.Sprintf("%s:%d: duplicate key %s in [%s] (also in the section at line %d); "+
					"the last one wins, the AWS CLI rejects this file", f.name, hdr.line, name, hdr.full, sec.line))
			}
			sec.set(name, v, sub)
		}
		f.headerExtras(sec, h)
	}
	f.repeats = nil
	for _, sec := range f.order {
		_, id := sec.settings[keyAccessKeyID]
		_, secret := sec.settings[keySecretAccessKey]
		sec.partial = id != secret
		if len(sec.sub) == 0 {
			sec.sub = nil
		}
	}
}

// internKey returns the usual keys as constants, so that a setting does not keep alive the
// whole line ini.v1 allocated to read its name.
func internKey(k string) string {
	switch k {
	case "region":
		return "region"
	case "output":
		return "output"
	case "role_arn":
		return "role_arn"
	case "source_profile":
		return "source_profile"
	case "mfa_serial":
		return "mfa_serial"
	case "credential_source":
		return "credential_source"
	case "credential_process":
		return "credential_process"
	case "aws_access_key_id":
		return "aws_access_key_id"
	case "aws_secret_access_key":
		return "aws_secret_access_key"
	case "aws_session_token":
		return "aws_session_token"
	case "sso_session":
		return "sso_session"
	case "sso_start_url":
		return "sso_start_url"
	case "sso_region":
		return "sso_region"
	case "sso_account_id":
		return "sso_account_id"
	case "sso_role_name":
		return "sso_role_name"
	case "sso_registration_scopes":
		return "sso_registration_scopes"
	case "role_session_name":
		return "role_session_name"
	case "duration_seconds":
		return "duration_seconds"
	case "external_id":
		return "external_id"
	case "web_identity_token_file":
		return "web_identity_token_file"
	case "aws_expiration":
		return "aws_expiration"
	case "expiration":
		return "expiration"
	case "granted_color":
		return "granted_color"
	case "granted_icon":
		return "granted_icon"
	case "cli_pager":
		return "cli_pager"
	}
	return k
}

// section is one section after merging its repeated headers, by SDK section name.
type section struct {
	full     string
	line     int // first header
	settings map[string]string
	sub      map[string]map[string]string
	expires  string
	warnings []string
	partial  bool // aws_access_key_id without aws_secret_access_key or the reverse
}

const (
	keyAccessKeyID     = "aws_access_key_id"
	keySecretAccessKey = "aws_secret_access_key"
	keySessionToken    = "aws_session_token"
	profilePrefix      = "profile "
	ssoSessionPrefix   = "sso-session "
	servicesPrefix     = "services "
)

// sdkNoMerge lists keys aws-sdk-go-v2 reads from a profile but does not take from the credentials
// file when the profile is also in the config file (mergeSections merges a fixed list of keys).
var sdkNoMerge = map[string]bool{
	"aws_account_id": true, "sdk_ua_app_id": true, "ignore_configured_endpoint_urls": true,
	"endpoint_url": true, "services": true, "disable_request_compression": true,
	"request_min_compression_size_bytes": true, "disable_clock_skew_correction": true,
	"s3_disable_express_session_auth": true, "account_id_endpoint_mode": true,
	"request_checksum_calculation": true, "response_checksum_validation": true,
}

// configSections applies aws-sdk-go-v2's processConfigSections: "profile X" becomes X (and beats
// an existing X), "default" (any case), "sso-session X" and "services X" stay, the rest is dropped.
// It returns the sections by their final name and the ones that are profiles.
func (f *parsedFile) configSections(order []*section, byName map[string]*section, warn func(string)) (map[string]*section, map[*section]string) {
	profileOf := make(map[*section]string, len(order))
	final := make(map[string]*section, len(order))
	collide := false
	for _, sec := range order {
		if n, ok := strings.CutPrefix(sec.full, profilePrefix); ok && byName[n] != nil {
			collide = true
			break
		}
	}
	if !collide {
		for _, sec := range order {
			switch {
			case strings.HasPrefix(sec.full, profilePrefix):
				n := sec.full[len(profilePrefix):]
				final[n] = sec
				profileOf[sec] = n
			case strings.HasPrefix(sec.full, ssoSessionPrefix), strings.HasPrefix(sec.full, servicesPrefix):
				final[sec.full] = sec
			case strings.EqualFold(sec.full, "default"):
				final[sec.full] = sec
				profileOf[sec] = sec.full
			default:
				f.notAProfile(sec, warn)
			}
		}
		return final, profileOf
	}
	// Exact emulation, order-dependent as in the SDK (sorted names, renamed names skipped).
	for n, sec := range byName {
		final[n] = sec
		if strings.EqualFold(n, "default") {
			profileOf[sec] = n
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	skip := map[string]bool{}
	for _, n := range names {
		if skip[n] {
			continue
		}
		sec := final[n]
		switch {
		case strings.HasPrefix(n, profilePrefix):
			delete(final, n)
			newName := n[len(profilePrefix):]
			if old := final[newName]; old != nil {
				delete(profileOf, old)
				warn(fmt.Sprintf("%s:%d: [%s] and [%s] both define profile %q; the SDKs use [%s] (the AWS CLI the last one)",
					f.name, sec.line, sec.full, old.full, newName, sec.full))
			}
			final[newName] = sec
			profileOf[sec] = newName
			skip[newName] = true
		case strings.HasPrefix(n, ssoSessionPrefix), strings.HasPrefix(n, servicesPrefix), strings.EqualFold(n, "default"):
		default:
			delete(final, n)
			f.notAProfile(sec, warn)
		}
	}
	return final, profileOf
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
	c.Warnings = append(c.Warnings, cfgFile.scan.warnings...)
	c.Warnings = append(c.Warnings, credFile.scan.warnings...)

	credOrder := credFile.order
	cfgOrder, cfgByName := cfgFile.order, cfgFile.byName
	final, profileOf := cfgFile.configSections(cfgOrder, cfgByName, warn)

	c.Profiles = make([]*Profile, 0, len(profileOf)+len(credOrder))
	byName := make(map[string]*Profile, cap(c.Profiles))
	for _, sec := range cfgOrder {
		name, ok := profileOf[sec]
		if !ok {
			if !strings.HasPrefix(sec.full, ssoSessionPrefix) || final[sec.full] != sec {
				c.Warnings = append(c.Warnings, sec.warnings...)
			}
			continue
		}
		p := &Profile{Name: name, Settings: sec.settings, SubProperties: sec.sub, InConfig: true, ConfigLine: sec.line,
			PartialKeys: sec.partial}
		p.Warnings = append(p.Warnings, sec.warnings...)
		if sec.partial {
			p.Warnings = append(p.Warnings, partialWarning(cfgFile.name, sec))
		}
		c.Profiles = append(c.Profiles, p)
		byName[name] = p
	}
	for n, sec := range final {
		if s, ok := strings.CutPrefix(n, ssoSessionPrefix); ok {
			c.SSOSessions[s] = &SSOSession{Name: s, Settings: sec.settings, Line: sec.line}
			if _, isProfile := profileOf[sec]; !isProfile {
				c.Warnings = append(c.Warnings, sec.warnings...)
			}
		}
	}

	for _, sec := range credOrder {
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
			settings := sec.settings
			if cfgSec := final[sec.full]; cfgSec != nil {
				// Same name as a config-file section that is not a profile ([sso-session x],
				// [services x]): the SDK merges the two, and that merged section is both what
				// LoadSharedConfigProfile("sso-session x") returns and the SSO session.
				mergeCreds(cfgSec.settings, sec.settings)
				settings = maps.Clone(cfgSec.settings)
				c.Warnings = append(c.Warnings, fmt.Sprintf("%s:%d: [%s] merged into the config file's section of the same name (line %d)",
					credFile.name, sec.line, sec.full, cfgSec.line))
			}
			p = &Profile{Name: sec.full, Settings: settings, SubProperties: sec.sub}
			if s, ok := strings.CutPrefix(sec.full, ssoSessionPrefix); ok && c.SSOSessions[s] == nil {
				// The SDK finds sso-session sections in the merged files, so this one counts.
				c.SSOSessions[s] = &SSOSession{Name: s, Settings: settings, Line: sec.line}
				c.Warnings = append(c.Warnings, fmt.Sprintf("%s:%d: [%s] belongs in the config file; aws-sdk-go-v2 uses it, "+
					"the AWS CLI does not", credFile.name, sec.line, sec.full))
			}
			c.Profiles = append(c.Profiles, p)
			byName[sec.full] = p
		} else {
			mergeCreds(p.Settings, sec.settings)
			for k, v := range sec.sub {
				if p.SubProperties == nil {
					p.SubProperties = map[string]map[string]string{}
				}
				p.SubProperties[k] = v
			}
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

// mergeCreds merges a credentials-file section into a config-file one as aws-sdk-go-v2 does for
// the keys it knows: static keys only as a complete pair (with the session token, if any), and
// not the keys it never takes from the credentials file. Other keys: the credentials file wins.
func mergeCreds(dst, src map[string]string) {
	_, id := src[keyAccessKeyID]
	_, secret := src[keySecretAccessKey]
	for k, v := range src {
		switch {
		case k == keyAccessKeyID || k == keySecretAccessKey || k == keySessionToken:
			if id && secret {
				dst[k] = v
			}
		case sdkNoMerge[k]:
			// ignored by the SDK for a profile that is also in the config file
		default:
			dst[k] = v
		}
	}
}

const partialMarker = " without the other; aws-sdk-go-v2 refuses to load this profile"

func partialWarning(file string, sec *section) string {
	have := keyAccessKeyID
	if _, ok := sec.settings[keySecretAccessKey]; ok {
		have = keySecretAccessKey
	}
	return fmt.Sprintf("%s:%d: [%s] has %s%s", file, sec.line, sec.full, have, partialMarker)
}

func isPartialWarning(s string) bool { return strings.HasSuffix(s, partialMarker) }
