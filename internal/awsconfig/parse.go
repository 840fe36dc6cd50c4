package awsconfig

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// This file reads one shared-config file in a single pass, line by line, with the rules of
// aws-sdk-go-v2's own reader (config/internal/ini: tokenize.go, parse.go, strings.go). Each line is
// classified as the SDK's tokenizer does (blank, comment, section header, property, indented
// sub-property, continuation) and applied at once as the SDK's parser does: sections merge by
// name, the last value of a key wins, an indented "k = v" under a key with an empty value is a
// sub-property of it and under any other key a property of its own, an indented line without a
// delimiter continues the current value. On top of that it keeps line numbers for warnings, the
// old host's "# Expires" comments, and refuses what the AWS CLI refuses and the SDK would
// silently misread (a malformed section header, a file without any).

// section is one section of a file after merging its repeated headers, by SDK section name.
type section struct {
	full     string // SDK section name: "profile a", "sso-session s", "default", "a b" ...
	line     int    // first header
	settings Settings
	sub      map[string]map[string]string
	expires  string
	warnings []string
	partial  bool // aws_access_key_id without aws_secret_access_key or the reverse
	// hasKeyID and hasSecret: the section sets aws_access_key_id, aws_secret_access_key.
	hasKeyID, hasSecret bool

	// Set when the config file's sections are resolved (configSections).
	profile   string // the profile name, when isProfile
	isProfile bool
}

// parsedFile is one of the two files on its way through Load.
type parsedFile struct {
	path, name string
	creds      bool
	warnings   []string // about the file as a whole
	// The file's sections in order of first appearance, and by SDK name.
	order  []*section
	byName map[string]*section
}

// keyLine is a key seen in the current section occurrence, for duplicate warnings.
type keyLine struct {
	key  string
	line int
}

// parser is the SDK parser's state (csection, ckey) plus what we add.
type parser struct {
	f   *parsedFile
	cur *section // the SDK's csection; nil before the first header and under "[]"
	// noName is true under a "[]" header: the SDK ignores its keys (its csection is "").
	noName bool
	// ckey is the SDK's current key; hasKey is false where the SDK's ckey is "".
	ckey   string
	hasKey bool
	// cont holds the value of ckey while continuation lines extend it (contActive), so that a
	// long run of them is not quadratic; flush stores it.
	cont       []byte
	contActive bool

	keys        []keyLine // keys of the current section occurrence
	seenHeader  bool
	contentLine int       // first line that is neither blank nor a comment
	slab        []section // sections are carved out of it, a few allocations per file
	// kvs: each section's Settings are carved out of it, in file order (openSettings), so that a
	// whole file's settings are one allocation; open is the section still filling it from
	// openStart.
	kvs       []Setting
	open      *section
	openStart int
}

// parse reads data (BOM already removed) into f's sections.
func (f *parsedFile) parse(data []byte) error {
	// data is never modified after reading: settings may point into it without a copy.
	text := ""
	if len(data) > 0 {
		text = unsafe.String(&data[0], len(data))
	}
	headers := strings.Count(text, "\n[") + 1
	f.order = make([]*section, 0, headers)
	f.byName = make(map[string]*section, headers)
	// A key line holds a "=" (or, rarely, a ":", which only costs a copy): room for every key.
	p := &parser{f: f, slab: make([]section, 0, headers), kvs: make([]Setting, 0, strings.Count(text, "=")+1)}
	n := 0
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		n++
		if err := p.line(n, line); err != nil {
			return err
		}
	}
	p.flush()
	p.closeSettings()
	if !p.seenHeader && p.contentLine > 0 {
		return &ParseError{File: f.name, Line: p.contentLine,
			Msg: "no [section] header before this line; the file does not look like an AWS config or credentials file"}
	}
	for _, sec := range f.order {
		sec.partial = sec.hasKeyID != sec.hasSecret
		if len(sec.sub) == 0 {
			sec.sub = nil
		}
	}
	return nil
}

// line handles one line (without its "\n") as the SDK's tokenize and parse do.
func (p *parser) line(n int, line string) error {
	if p.cur != nil {
		if k, v, ok := plainProperty(line); ok {
			p.property(n, k, v)
			return nil
		}
	}
	if isBlank(line) {
		return nil
	}
	if isLineComment(line) {
		if p.f.creds && p.cur != nil {
			p.expiresComment(line)
		}
		return nil
	}
	if p.contentLine == 0 {
		p.contentLine = n
	}
	if name, ok := sectionName(line); ok {
		p.header(n, name)
		return nil
	}
	if !isLineSpace(line[0]) {
		if t := strings.TrimLeftFunc(line, unicode.IsSpace); t[0] == '[' {
			// The SDK ignores such a line and keeps adding the following keys to the previous
			// section, which would silently give another profile this section's settings; the
			// AWS CLI and the SDKs' shared test suite reject the file. So do we.
			return &ParseError{File: p.f.name, Line: n, Msg: fmt.Sprintf("malformed section header %q", strings.TrimSpace(line))}
		}
		k, v, ok := splitProperty(strings.TrimRight(trimPropertyComment(line), " \t"))
		if !ok {
			p.warnf(n, "line ignored (not a [section], key = value or comment); the AWS CLI rejects this file")
			return nil
		}
		p.property(n, strings.ToLower(k), unquote(v))
		return nil
	}
	// An indented line; comments stay in its value.
	t := strings.TrimLeft(line, " \t")
	if k, v, ok := splitProperty(t); ok {
		p.subProperty(n, strings.ToLower(k), unquote(v))
		return nil
	}
	p.continuation(n, t)
	return nil
}

// plainProperty reads the common line, "key = value" (or "key: value") at the start of a line
// with no comment character, no quote and no byte outside ASCII, in one scan; the general rules
// in line would read it the same way. ok is false for any other line.
func plainProperty(line string) (key, val string, ok bool) {
	if line == "" {
		return "", "", false
	}
	switch c := line[0]; {
	case c <= ' ' || c >= utf8.RuneSelf || c == '[' || c == '#' || c == ';':
		return "", "", false
	}
	delim, upper := -1, false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '=' || c == ':':
			if delim < 0 {
				delim = i
			}
		case c == '#' || c == ';' || c == '"' || c == '\'' || c >= utf8.RuneSelf:
			return "", "", false
		case 'A' <= c && c <= 'Z':
			upper = upper || delim < 0
		}
	}
	if delim < 0 {
		return "", "", false
	}
	key = trimASCIISpace(line[:delim])
	if upper {
		key = strings.ToLower(key)
	}
	return key, trimASCIISpace(line[delim+1:]), true
}

// trimASCIISpace is strings.TrimSpace for an ASCII string.
func trimASCIISpace(s string) string {
	for s != "" && asciiSpace(s[0]) {
		s = s[1:]
	}
	for s != "" && asciiSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// openSettings returns the empty Settings of a section seen for the first time, at the free end
// of the file's slab: its keys, which follow its header line by line, fill the slab in place until
// the next header closes it (closeSettings). A section that outgrows the slab, or gets more keys
// from a repeated header later, is copied by append, never into a neighbour.
func (p *parser) openSettings(sec *section) Settings {
	p.closeSettings()
	n := len(p.kvs)
	p.open, p.openStart = sec, n
	return Settings(p.kvs[n:n:cap(p.kvs)])
}

// closeSettings ends the open section's room: the slab keeps what it used, and the section's
// Settings stop at their length, so that a later append copies them.
func (p *parser) closeSettings() {
	sec := p.open
	if sec == nil {
		return
	}
	p.open = nil
	s := sec.settings
	if len(s) > 0 && p.openStart < cap(p.kvs) && &s[0] == &p.kvs[:cap(p.kvs)][p.openStart] {
		p.kvs = p.kvs[:p.openStart+len(s)]
	}
	sec.settings = s[:len(s):len(s)]
}

// header starts a section occurrence (the SDK's handleProfile).
func (p *parser) header(n int, name string) {
	p.flush()
	p.seenHeader, p.hasKey, p.keys = true, false, p.keys[:0]
	sec := p.f.byName[name]
	if sec == nil {
		if len(p.slab) == cap(p.slab) {
			p.slab = make([]section, 0, 16)
		}
		p.slab = append(p.slab, section{full: name, line: n})
		sec = &p.slab[len(p.slab)-1]
		sec.settings = p.openSettings(sec)
		p.f.byName[name] = sec
		p.f.order = append(p.f.order, sec)
	} else {
		sec.warnings = append(sec.warnings, fmt.Sprintf("%s:%d: section [%s] repeated (first at line %d); merged, "+
			"the AWS CLI rejects this file", p.f.name, n, name, sec.line))
	}
	p.cur, p.noName = sec, name == ""
	if p.noName {
		p.cur = nil // the SDK's csection is "": it ignores the keys
	}
}

// property stores key = val in the current section (the SDK's handleProperty).
func (p *parser) property(n int, key, val string) {
	p.flush()
	if p.cur == nil {
		if !p.noName {
			p.warnf(n, "key %q before the first [section] ignored", key)
		}
		return
	}
	if key == "" {
		// The SDK stores it under "" (nothing reads it) and forgets its current key.
		p.hasKey = false
		p.secWarnf(n, "empty key ignored")
		return
	}
	p.ckey, p.hasKey = key, true
	sec := p.cur
	if sec.settings.Set(key, val) { // the key was there: a duplicate
		first := 0
		for _, k := range p.keys {
			if k.key == key {
				first = k.line
				break
			}
		}
		if first > 0 {
			p.secWarnf(n, "duplicate key %s in [%s] (first at line %d); the last one wins, the AWS CLI rejects this file",
				key, sec.full, first)
		} else {
			p.secWarnf(n, "duplicate key %s in [%s] (also in the section at line %d); the last one wins, "+
				"the AWS CLI rejects this file", key, sec.full, sec.line)
		}
	}
	p.keys = append(p.keys, keyLine{key, n})
	switch key {
	case keyAccessKeyID:
		sec.hasKeyID = true
	case keySecretAccessKey:
		sec.hasSecret = true
	}
	if sec.sub != nil {
		delete(sec.sub, key) // a plain value replaces sub-properties
	}
}

// subProperty handles an indented "k = v" line (the SDK's handleSubProperty): a sub-property of
// the current key when its value is empty, otherwise a property of its own.
func (p *parser) subProperty(n int, key, val string) {
	if p.cur == nil {
		if !p.noName {
			p.warnf(n, "key %q before the first [section] ignored", key)
		}
		return
	}
	if !p.hasKey || p.contActive || p.cur.settings.Get(p.ckey) != "" {
		p.property(n, key, strings.TrimSpace(trimPropertyComment(val)))
		return
	}
	sec := p.cur
	if sec.sub == nil {
		sec.sub = map[string]map[string]string{}
	}
	m := sec.sub[p.ckey]
	if m == nil {
		m = map[string]string{}
		sec.sub[p.ckey] = m
	}
	m[key] = val
}

// continuation handles an indented line without a delimiter (the SDK's handleContinuation): it
// extends a non-empty value of the current key.
func (p *parser) continuation(n int, text string) {
	if p.cur == nil || !p.hasKey {
		if !p.noName {
			p.warnf(n, "indented line ignored (it continues no value)")
		}
		return
	}
	if !p.contActive {
		v := p.cur.settings.Get(p.ckey)
		if v == "" {
			if p.cur.sub[p.ckey] == nil {
				p.secWarnf(n, "indented line ignored (it continues an empty value)")
			}
			return
		}
		p.cont, p.contActive = append(p.cont[:0], v...), true
	}
	// The SDK keeps a trailing "\r" of CRLF files in continuation lines; we drop it.
	p.cont = append(append(p.cont, '\n'), strings.TrimRight(text, "\r")...)
}

// flush stores a value that continuation lines extended.
func (p *parser) flush() {
	if p.contActive {
		p.cur.settings.Set(p.ckey, string(p.cont))
		p.contActive = false
	}
}

// expiresComment records the old host's "# Expires YYYY-MM-DD HH:MM:SS" comment.
func (p *parser) expiresComment(line string) {
	t := strings.TrimSpace(strings.TrimLeft(line, " \t")[1:])
	const kw = "expires"
	if len(t) < len(kw) || !strings.EqualFold(t[:len(kw)], kw) {
		return
	}
	p.cur.expires = strings.TrimSpace(t[len(kw):])
}

func (p *parser) warnf(line int, format string, args ...any) {
	p.f.warnings = append(p.f.warnings, fmt.Sprintf("%s:%d: ", p.f.name, line)+fmt.Sprintf(format, args...))
}

// secWarnf records a warning about the current section.
func (p *parser) secWarnf(line int, format string, args ...any) {
	p.cur.warnings = append(p.cur.warnings, fmt.Sprintf("%s:%d: ", p.f.name, line)+fmt.Sprintf(format, args...))
}

// The functions below port the SDK's line rules (tokenize.go and strings.go).

// isBlank: the SDK skips a line that strings.TrimSpace empties.
func isBlank(line string) bool { return strings.TrimSpace(line) == "" }

// isLineSpace is the SDK's notion of indentation.
func isLineSpace(c byte) bool { return c == ' ' || c == '\t' }

// isLineComment: '#' or ';' after spaces and tabs.
func isLineComment(line string) bool {
	t := strings.TrimLeft(line, " \t")
	return t != "" && (t[0] == '#' || t[0] == ';')
}

// sectionName ports asProfile and handleProfile: " [ type  name ] ; c" is the section "type name".
func sectionName(line string) (string, bool) {
	s := line
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, ';'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return "", false
	}
	s = strings.TrimSpace(s[1 : len(s)-1])
	typ, name := splitProfile(s)
	switch {
	case typ == "":
		return name, true
	case len(s) == len(typ)+1+len(name):
		return s, true // already "type name"
	}
	return typ + " " + name, true
}

// splitProfile ports splitProfile: "type name" or just "name".
func splitProfile(s string) (typ, name string) {
	first := 0
	for i, r := range s {
		if r == ' ' || r == '\t' {
			if first == 0 {
				first = i
			}
		} else if first != 0 {
			return s[:first], s[i:]
		}
	}
	if first == 0 {
		return "", s
	}
	return "", ""
}

// trimPropertyComment ports trimPropertyComment: a comment needs a space or tab before it.
func trimPropertyComment(s string) string {
	if strings.IndexByte(s, '#') < 0 && strings.IndexByte(s, ';') < 0 {
		return s
	}
	for _, sep := range [...]string{" #", " ;", "\t#", "\t;"} {
		if i := strings.Index(s, sep); i >= 0 {
			s = s[:i]
		}
	}
	return s
}

// splitProperty ports splitProperty: the earlier of '=' and ':' separates key and value.
func splitProperty(s string) (key, val string, ok bool) {
	i := strings.IndexByte(s, '=')
	before := s
	if i >= 0 {
		before = s[:i]
	}
	if j := strings.IndexByte(before, ':'); j >= 0 {
		i = j
	}
	if i < 0 {
		return "", "", false
	}
	return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:]), true
}

// unquote ports legacyStrconv: one pair of surrounding quotes is removed. The SDK also slices a
// lone `"` or `'` this way and panics; we keep such a value as it is.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}
