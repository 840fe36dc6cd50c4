package awsconfig

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// This file is the pre-pass that runs before gopkg.in/ini.v1. ini.v1 does the bulk of the parsing
// (sections, key/value splitting, key case folding, last-wins, duplicate detection through shadows),
// but it cannot do what aws-sdk-go-v2's own tokenizer (config/internal/ini) does on some lines:
//
//   - report line numbers (ini.v1 keeps none);
//   - normalise section headers the SDK way ("[ profile  a ] ; c" is "profile a"; "[a#b]" is not a
//     header for the SDK but is one for ini.v1);
//   - indented continuation lines and sub-properties with the SDK's rules (ini.v1's Python mode
//     and nested mode both disagree with the SDK on comments, quotes and indented "k = v" lines);
//   - values with comments or quotes (the SDK cuts "\t#" too, cuts before splitting key and value,
//     and strips one pair of quotes with different rules than ini.v1; ini.v1 treats a leading
//     backtick or """ as a multi-line quote);
//   - the UTF-8 byte-order mark warning, UTF-16 detection, keys before the first section.
//
// The pre-pass therefore tokenises every line exactly as the SDK does (a port of
// tokenize.go/parse.go of aws-sdk-go-v2/config/internal/ini) but hands the plain lines to ini.v1
// untouched. Only lines where ini.v1 would read something else are rewritten: a line whose value
// the SDK reads differently becomes "key=\x00N" (a placeholder for special[N], computed here), a line
// ini.v1 must not see is blanked. The file keeps its line count, and the k-th section ini.v1 reports
// is the k-th header found here (ini.v1 runs with AllowNonUniqueSections), which is how section
// headers get their line numbers.

// placeholderMark starts a value that stands for scanned.special[N].
const placeholderMark = '\x00'

// header is one section header line as the SDK reads it.
type header struct {
	line int    // 1-based
	off  int    // byte offset of the start of the line in the data given to scan
	full string // SDK section name: "profile a", "sso-session s", "default", "a b" ...
}

// special is a value computed by the pre-pass for a line ini.v1 cannot read like the SDK.
type special struct {
	val string
	sub map[string]string // sub-properties (value was empty, indented k = v lines followed)
}

// edit replaces data[start:end] (one line, without its "\n") with repl.
type edit struct {
	start, end int
	repl       string
}

// scanned is the result of the pre-pass over one file.
type scanned struct {
	headers  []header
	special  []special
	edits    []edit
	expires  map[int]string // header index -> "# Expires ..." text (credentials file only)
	warnings []string       // about the file
	// secWarnings are warnings about one section, by header index.
	secWarnings map[int][]string
}

// keyLine is a key seen in the current section occurrence.
type keyLine struct {
	key  string
	line int
}

// lineSpace reports the SDK's notion of indentation (isLineSpace).
func lineSpace(c byte) bool { return c == ' ' || c == '\t' }

// specialByte marks bytes after which ini.v1 and the SDK may read a property line differently.
var specialByte = func() (t [256]bool) {
	for _, c := range []byte{'#', ';', '"', '\'', '`', 0} {
		t[c] = true
	}
	return t
}()

// sdkIsComment ports isLineComment.
func sdkIsComment(line string) bool {
	t := strings.TrimLeft(line, " \t")
	return t != "" && (t[0] == '#' || t[0] == ';')
}

// sdkHeader ports asProfile + handleProfile: it returns the section name.
func sdkHeader(line string) (string, bool) {
	s := line
	if i := strings.IndexAny(s, "#;"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return "", false
	}
	s = strings.TrimSpace(s[1 : len(s)-1])
	typ, name := sdkSplitProfile(s)
	if typ != "" {
		return typ + " " + name, true
	}
	return name, true
}

// sdkSplitProfile ports splitProfile: "type name" or just "name".
func sdkSplitProfile(s string) (string, string) {
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

// sdkTrimComment ports trimPropertyComment.
func sdkTrimComment(s string) string {
	for _, sep := range [...]string{" #", " ;", "\t#", "\t;"} {
		if i := strings.Index(s, sep); i >= 0 {
			s = s[:i]
		}
	}
	return s
}

// sdkSplit ports splitProperty: the earlier of '=' and ':' separates key and value.
func sdkSplit(s string) (string, string, bool) {
	i := strings.IndexAny(s, "=:")
	if i < 0 {
		return "", "", false
	}
	return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:]), true
}

// sdkUnquote ports legacyStrconv/unquote. The SDK slices s[1:len(s)-1] whenever s starts and ends
// with the same quote, which panics for a lone `"` or `'`; we keep such a value as it is.
func sdkUnquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// sdkProperty ports asProperty for a line that does not start with a space or tab.
func sdkProperty(line string) (key, val string, ok bool) {
	t := strings.TrimRight(sdkTrimComment(line), " \t")
	k, v, ok := sdkSplit(t)
	if !ok {
		return "", "", false
	}
	return strings.ToLower(k), sdkUnquote(v), true
}

// sdkSubProperty ports asSubProperty for an indented line: comments stay in the value.
func sdkSubProperty(line string) (key, val string, ok bool) {
	k, v, ok := sdkSplit(strings.TrimLeft(line, " \t"))
	if !ok {
		return "", "", false
	}
	return strings.ToLower(k), sdkUnquote(v), true
}

// sdkPromoted is the value the SDK gives an indented "k = v" line promoted to a property.
func sdkPromoted(line string) (key, val string, ok bool) {
	k, v, ok := sdkSubProperty(line)
	if !ok {
		return "", "", false
	}
	return k, strings.TrimSpace(sdkTrimComment(v)), true
}

// iniKeyOK reports whether ini.v1 reads key (as the SDK produced it) back as the same key when it
// is written as "key=value" at the start of a line.
func iniKeyOK(key string) bool {
	if key == "" || key == "-" {
		return false // ini.v1: empty key name error / auto-increment key "#1"
	}
	switch key[0] {
	case '"', '`', '[', '#', ';':
		return false // ini.v1: quoted key, section, comment
	}
	r, _ := utf8.DecodeRuneInString(key)
	return !unicode.IsSpace(r) && !strings.ContainsRune(key, '\n')
}

// scanner holds the SDK parser state while scanning one file.
type scanner struct {
	name  string // file name for messages
	creds bool
	data  string
	out   scanned

	csection int // index into out.headers, -1 before the first header
	// ckey is the SDK's current key (p.ckey); ckeySet is false when p.ckey == "".
	ckeySet     bool
	ckey        string
	ckeyStart   int  // line of the current key, for rewriting it into a placeholder
	ckeyEnd     int  //
	ckeyPromote bool // the current key came from an indented line
	ckeySpecial int  // index into special, or -1 while the line is handed to ini.v1 as is

	contentLine int // first non-blank, non-comment line (for "no section header" errors)
	seenHeader  bool
	keys        []keyLine // keys of the current section occurrence, for duplicate warnings
}

// secWarnf records a warning about the current section.
func (s *scanner) secWarnf(line int, format string, args ...any) {
	if s.out.secWarnings == nil {
		s.out.secWarnings = map[int][]string{}
	}
	s.out.secWarnings[s.csection] = append(s.out.secWarnings[s.csection],
		fmt.Sprintf("%s:%d: ", s.name, line)+fmt.Sprintf(format, args...))
}

func (s *scanner) warnf(line int, format string, args ...any) {
	s.out.warnings = append(s.out.warnings, fmt.Sprintf("%s:%d: ", s.name, line)+fmt.Sprintf(format, args...))
}

// scan runs the pre-pass over data (BOM already removed).
func scan(name string, data []byte, creds bool) (*scanned, error) {
	s := &scanner{name: name, creds: creds, csection: -1, ckeySpecial: -1}
	if len(data) > 0 {
		// data is never modified after reading; avoid copying the whole file.
		s.data = unsafe.String(&data[0], len(data))
	}
	text := s.data
	lineNo := 0
	for off := 0; off < len(text); {
		end := strings.IndexByte(text[off:], '\n')
		next := len(text)
		if end < 0 {
			end = len(text)
		} else {
			end += off
			next = end + 1
		}
		lineNo++
		if err := s.line(lineNo, off, end); err != nil {
			return nil, err
		}
		off = next
	}
	if !s.seenHeader && s.contentLine > 0 {
		return nil, &ParseError{File: name, Line: s.contentLine,
			Msg: "no [section] header before this line; the file does not look like an AWS config or credentials file"}
	}
	if len(s.out.edits) > 1 {
		sort.SliceStable(s.out.edits, func(i, j int) bool { return s.out.edits[i].start < s.out.edits[j].start })
	}
	return &s.out, nil
}

func (s *scanner) line(n, start, end int) error {
	line := s.data[start:end]
	// Fast path for the common line: "key = value" at the start of the line, inside a section,
	// with no quote or comment character. The SDK's comment trimming and unquoting are no-ops
	// there, and ini.v1 reads it the same way.
	if s.csection >= 0 && line != "" && line[0] < utf8.RuneSelf && line[0] != '[' && !unicode.IsSpace(rune(line[0])) {
		delim := -1
		plain := true
		for i := 0; i < len(line); i++ {
			c := line[i]
			if specialByte[c] {
				plain = false
				break
			}
			if delim < 0 && (c == '=' || c == ':') {
				delim = i
			}
		}
		if plain && delim >= 0 {
			if s.contentLine == 0 {
				s.contentLine = n
			}
			return s.property(n, start, end, strings.ToLower(strings.TrimSpace(line[:delim])), "", false)
		}
	}
	if strings.TrimSpace(line) == "" {
		return nil
	}
	if sdkIsComment(line) {
		if s.creds && s.csection >= 0 {
			s.expiresComment(line)
		}
		return nil
	}
	if s.contentLine == 0 {
		s.contentLine = n
	}
	if full, ok := sdkHeader(line); ok {
		s.seenHeader = true
		s.out.headers = append(s.out.headers, header{line: n, off: start, full: full})
		s.csection = len(s.out.headers) - 1
		s.ckeySet = false
		s.keys = s.keys[:0]
		// ini.v1 reads the name up to the last ']'; it refuses an empty one, and in any case
		// only the position of the header matters to us.
		if t := strings.TrimLeftFunc(line, unicode.IsSpace); strings.LastIndexByte(t, ']') <= 1 {
			s.addEdit(start, end, "[h]")
		}
		return nil
	}
	iniView := strings.TrimLeftFunc(line, unicode.IsSpace)
	if !lineSpace(line[0]) {
		if iniView[0] == '[' {
			// The SDK ignores such a line and keeps adding the following keys to the previous
			// section, which would silently give another profile this section's settings; the
			// AWS CLI and the SDKs' shared test suite reject the file. So do we.
			return &ParseError{File: s.name, Line: n, Msg: fmt.Sprintf("malformed section header %q", strings.TrimSpace(line))}
		}
		key, val, ok := sdkProperty(line)
		if !ok {
			s.warnf(n, "line ignored (not a [section], key = value or comment); the AWS CLI rejects this file")
			s.addEdit(start, end, "")
			return nil
		}
		return s.property(n, start, end, key, val, false)
	}
	// Indented line.
	if k, v, ok := sdkSubProperty(line); ok {
		if s.csection < 0 {
			s.warnf(n, "key %q before the first [section] ignored", k)
			s.addEdit(start, end, "")
			return nil
		}
		if !s.ckeySet || s.ckeyValue() != "" {
			// The SDK promotes an indented "k = v" to a plain property here (the shared test
			// suite and the CLI would read it as a continuation of the previous value).
			k, v, _ = sdkPromoted(line)
			return s.property(n, start, end, k, v, true)
		}
		sp := s.ckeyToSpecial()
		if sp == nil {
			s.addEdit(start, end, "")
			return nil
		}
		if sp.sub == nil {
			sp.sub = map[string]string{}
		}
		sp.sub[k] = v
		s.addEdit(start, end, "")
		return nil
	}
	// Continuation line: ini.v1 must not see it (it could read a section, or a quoted key).
	s.addEdit(start, end, "")
	if !s.ckeySet || s.csection < 0 {
		s.warnf(n, "indented line ignored (it continues no value)")
		return nil
	}
	if s.ckeyValue() == "" {
		if sp := s.currentSpecial(); sp == nil || sp.sub == nil {
			s.secWarnf(n, "indented line ignored (it continues an empty value)")
		}
		return nil
	}
	if sp := s.ckeyToSpecial(); sp != nil && sp.sub == nil {
		// The SDK keeps a trailing "\r" of CRLF files in continuation lines; we drop it.
		sp.val += "\n" + strings.TrimRight(strings.TrimLeft(line, " \t"), "\r")
	}
	return nil
}

// property handles a property line (plain or promoted) the SDK would store in the current section.
func (s *scanner) property(n, start, end int, key, val string, promoted bool) error {
	if s.csection < 0 {
		s.warnf(n, "key %q before the first [section] ignored", key)
		s.addEdit(start, end, "")
		return nil
	}
	s.ckeySet, s.ckey, s.ckeyStart, s.ckeyEnd, s.ckeyPromote, s.ckeySpecial = true, key, start, end, promoted, -1
	for _, k := range s.keys {
		if k.key == key {
			s.secWarnf(n, "duplicate key %s in [%s] (first at line %d); the last one wins, the AWS CLI rejects this file",
				key, s.out.headers[s.csection].full, k.line)
			break
		}
	}
	s.keys = append(s.keys, keyLine{key, n})
	if !iniKeyOK(key) {
		if promoted {
			_, val, _ = sdkPromoted(s.data[start:end])
		} else {
			_, val, _ = sdkProperty(s.data[start:end])
		}
		if key == "" {
			s.secWarnf(n, "empty key ignored")
		} else {
			s.secWarnf(n, "key %q ignored (not a usable key name)", key)
		}
		// Follow the SDK's state (p.ckey is "" after an empty key) but keep nothing:
		// ckeyStart < 0 marks a special that belongs to no line.
		s.ckeySet = key != ""
		s.addEdit(start, end, "")
		s.out.special = append(s.out.special, special{val: val})
		s.ckeySpecial = len(s.out.special) - 1
		s.ckeyStart = -1
		return nil
	}
	line := s.data[start:end]
	for i := 0; i < len(line); i++ {
		if specialByte[line[i]] {
			s.out.special = append(s.out.special, special{val: val})
			s.ckeySpecial = len(s.out.special) - 1
			s.addEdit(start, end, placeholder(key, s.ckeySpecial))
			return nil
		}
	}
	return nil
}

func placeholder(key string, i int) string {
	return key + "=" + string(placeholderMark) + strconv.Itoa(i)
}

// ckeyValue is the current value of the SDK's current key.
func (s *scanner) ckeyValue() string {
	if sp := s.currentSpecial(); sp != nil {
		return sp.val
	}
	line := s.data[s.ckeyStart:s.ckeyEnd]
	var v string
	if s.ckeyPromote {
		_, v, _ = sdkPromoted(line)
	} else {
		_, v, _ = sdkProperty(line)
	}
	return v
}

func (s *scanner) currentSpecial() *special {
	if s.ckeySpecial >= 0 {
		return &s.out.special[s.ckeySpecial]
	}
	return nil
}

// ckeyToSpecial makes the current key's line a placeholder (if it is not one yet) so that the
// pre-pass can extend its value. It returns nil when the key is not one we keep.
func (s *scanner) ckeyToSpecial() *special {
	if s.ckeySpecial >= 0 {
		if s.ckeyStart < 0 {
			return nil // ignored key: follow the SDK's state, keep nothing
		}
		return &s.out.special[s.ckeySpecial]
	}
	v := s.ckeyValue()
	s.out.special = append(s.out.special, special{val: v})
	s.ckeySpecial = len(s.out.special) - 1
	s.addEdit(s.ckeyStart, s.ckeyEnd, placeholder(s.ckey, s.ckeySpecial))
	return &s.out.special[s.ckeySpecial]
}

func (s *scanner) addEdit(start, end int, repl string) {
	// Replace an earlier edit of the same line (a key first blanked then rewritten).
	for i := len(s.out.edits) - 1; i >= 0 && s.out.edits[i].start >= start; i-- {
		if s.out.edits[i].start == start {
			s.out.edits[i].repl = repl
			return
		}
	}
	s.out.edits = append(s.out.edits, edit{start: start, end: end, repl: repl})
}

// expiresComment records the old host's "# Expires YYYY-MM-DD HH:MM:SS" comment.
func (s *scanner) expiresComment(line string) {
	t := strings.TrimSpace(strings.TrimLeft(line, " \t")[1:])
	const kw = "expires"
	if len(t) < len(kw) || !strings.EqualFold(t[:len(kw)], kw) {
		return
	}
	if s.out.expires == nil {
		s.out.expires = map[int]string{}
	}
	s.out.expires[s.csection] = strings.TrimSpace(t[len(kw):])
}
