package logging

import (
	"regexp"
	"strings"
	"sync"

	"github.com/rs/zerolog"
)

// Mask replaces a secret in redacted text.
const Mask = "[REDACTED]"

// URLMask replaces a whole sign-in or pre-signed URL in redacted text.
const URLMask = "[REDACTED-URL]"

// A rule masks what re matches. With keep > 0, the first keep submatch
// (a key and its separator) is kept and only the rest is masked.
type rule struct {
	expr string
	keep int
	mask string
}

// rules, applied in order. What they catch:
//
//  1. Any http(s) URL carrying SigninToken=, X-Amz-Security-Token=,
//     X-Amz-Signature= or X-Amz-Credential= (federation sign-in URLs and
//     pre-signed URLs): the whole URL.
//  2. "Bearer <token>" (any case): the token.
//  3. SigninToken, X-Amz-Security-Token, X-Api-Token, Authorization,
//     aws_secret_access_key, aws_session_token, SecretAccessKey, SessionToken
//     as key=value, key: value, "key":"value" (also JSON-escaped): the value.
//  4. API tokens: awspc_ followed by token characters.
//  5. Access key ids: AKIA or ASIA followed by 16 upper-case letters/digits.
//  6. Session and sign-in tokens in base64url: any run of 100 or more
//     [A-Za-z0-9+/_-].
//  7. Secret access keys and other base64 secrets: any run of 40 or more
//     [A-Za-z0-9+/] (with = padding).
//
// Rules 6 and 7 also mask harmless long runs (a 64-digit hex hash, a very
// long profile name without dots); that is the price of catching secrets
// we cannot tell by prefix. Matching is on the raw string; none of the
// masks contains a character that needs JSON escaping.
var rules = [...]rule{
	{expr: `(?i)https?://[^\s"'<>\\]*?(?:SigninToken|X-Amz-Security-Token|X-Amz-Signature|X-Amz-Credential)=[^\s"'<>\\]*`, mask: URLMask},
	{expr: `(?i)(bearer\s+)[^\s"'\\,;]+`, keep: 1, mask: Mask},
	{expr: `(?i)((?:SigninToken|X-Amz-Security-Token|X-Api-Token|Authorization|aws_secret_access_key|aws_session_token|SecretAccessKey|SessionToken)(?:\\?")?\s*[=:]\s*(?:\\?")?)(?:bearer\s+)?[^\s"'\\&,;}]+`, keep: 1, mask: Mask},
	{expr: `awspc_[A-Za-z0-9_]+`, mask: Mask},
	{expr: `(?:AKIA|ASIA)[A-Z0-9]{16}`, mask: Mask},
	{expr: `[A-Za-z0-9+/_-]{100,}={0,2}`, mask: Mask},
	{expr: `[A-Za-z0-9+/]{40,}={0,2}`, mask: Mask},
}

// compiled holds the rules' expressions, compiled the first time a string passes the gate: the
// native host runs once per browser request and most runs log nothing that needs redacting.
var compiled = sync.OnceValue(func() (res [len(rules)]*regexp.Regexp) {
	for i, r := range rules {
		res[i] = regexp.MustCompile(r.expr)
	}
	return res
})

// gate tells which rules can match s, from one pass over it, so that most
// strings skip every regexp.
func gate(s string) (on [len(rules)]bool, hit bool) {
	run, maxStd, maxURL := 0, 0, 0 // runs of [A-Za-z0-9+/] and [A-Za-z0-9+/_-]
	std := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/':
			run++
			std++
		case c == '_' || c == '-':
			run++
			std = 0
		default:
			run, std = 0, 0
		}
		maxURL = max(maxURL, run)
		maxStd = max(maxStd, std)
	}
	on[5] = maxURL >= 100
	on[6] = maxStd >= 40
	on[4] = maxStd >= 20 && (strings.Contains(s, "AKIA") || strings.Contains(s, "ASIA"))
	on[3] = strings.Contains(s, "awspc_")
	ls := strings.ToLower(s)
	on[0] = strings.Contains(ls, "://") && strings.Contains(ls, "=")
	on[1] = strings.Contains(ls, "bearer")
	on[2] = strings.Contains(ls, "token") || strings.Contains(ls, "authorization") || strings.Contains(ls, "secret")
	for _, b := range on {
		hit = hit || b
	}
	return on, hit
}

// Redact returns s with every secret the rules above recognise replaced by
// Mask (URLMask for whole URLs). It returns s itself when nothing matches.
func Redact(s string) string { return redact(s, false) }

// redactJSONLine redacts one encoded JSON line. Matches that begin inside a
// backslash escape keep the escape, so the line stays valid JSON.
func redactJSONLine(p []byte) []byte {
	s := string(p)
	if out := redact(s, true); out != s {
		return []byte(out)
	}
	return p
}

// redact applies the rules the gate lets through to s; jsonEscaped says s is
// encoded JSON (see apply).
func redact(s string, jsonEscaped bool) string {
	on, hit := gate(s)
	if !hit {
		return s
	}
	res := compiled()
	for i, r := range rules {
		if on[i] {
			s = apply(res[i], r, s, jsonEscaped)
		}
	}
	return s
}

func apply(re *regexp.Regexp, r rule, s string, jsonEscaped bool) string {
	idx := re.FindAllStringSubmatchIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, m := range idx {
		start, end := m[0], m[1]
		if r.keep > 0 && m[2*r.keep+1] > start {
			start = m[2*r.keep+1]
		}
		if jsonEscaped {
			start = skipEscape(s, start, end)
		}
		if start >= end {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(r.mask)
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

// skipEscape moves start past a JSON escape sequence it falls inside: after
// an odd number of backslashes the next character belongs to the escape,
// and for \uXXXX the four hex digits too.
func skipEscape(s string, start, end int) int {
	n := 0
	for i := start - 1; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	if n%2 == 0 {
		return start
	}
	if s[start] == 'u' {
		return min(start+5, end)
	}
	return start + 1
}

// Str adds key with Redact(val) to e. Use it for every string field that may
// carry a value from outside (profile names, URLs, error texts, headers).
func Str(e *zerolog.Event, key, val string) *zerolog.Event {
	return e.Str(key, Redact(val))
}

// Err adds the "error" field with the redacted text of err (nothing when err
// is nil).
func Err(e *zerolog.Event, err error) *zerolog.Event {
	if err == nil {
		return e
	}
	return e.Str(zerolog.ErrorFieldName, Redact(err.Error()))
}

// Strs adds key with every value redacted.
func Strs(e *zerolog.Event, key string, vals []string) *zerolog.Event {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = Redact(v)
	}
	return e.Strs(key, out)
}
