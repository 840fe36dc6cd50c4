package bridge

import (
	"strconv"
	"unicode/utf8"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
)

// This file writes profiles.Profile as JSON without reflection. It exists because encoding/json,
// even one Encoder into a pre-sized buffer, adds a good part of a cold getProfiles once the list
// runs to thousands of profiles and falls back to the compact form, which the extension waits for
// on every popup (docs/PERFORMANCE.md has the dated comparison; BenchmarkProfileListReply and
// BenchmarkSpawn repeat it). The output is byte for byte what json.Marshal gives for a
// profiles.Profile (full) or a compactProfile (compact); profilelist_test.go checks that on
// fixed, random and fuzzed profiles. A new field in profiles.Profile must be added here too (the
// test compares against encoding/json and fails until it is).

// appendProfile appends p as a JSON object: every field of profiles.Profile, or with compact only
// those of compactProfile (the extension's keys).
func appendProfile(b []byte, p *profiles.Profile, compact bool) []byte {
	b = append(b, `{"name":`...)
	b = appendJSONString(b, p.Name)
	b = append(b, `,"has_credentials":`...)
	b = strconv.AppendBool(b, p.HasCredentials)
	b = append(b, `,"expiration":`...)
	if p.Expiration == nil {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, *p.Expiration)
	}
	b = append(b, `,"expired":`...)
	b = strconv.AppendBool(b, p.Expired)
	b = append(b, `,"is_sso":`...)
	b = strconv.AppendBool(b, p.IsSSO)
	b = appendOmitEmpty(b, `,"sso_start_url":`, p.SSOStartURL)
	b = appendOmitEmpty(b, `,"sso_session":`, p.SSOSession)
	b = appendOmitEmpty(b, `,"sso_region":`, p.SSORegion)
	b = appendOmitEmpty(b, `,"sso_account_id":`, p.SSOAccountID)
	b = appendOmitEmpty(b, `,"sso_role_name":`, p.SSORoleName)
	b = appendOmitEmpty(b, `,"aws_region":`, p.AWSRegion)
	b = append(b, `,"color":`...)
	b = appendJSONString(b, p.Color)
	b = append(b, `,"icon":`...)
	b = appendJSONString(b, p.Icon)
	if compact {
		return append(b, '}')
	}
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(p.Kind))
	b = appendOmitEmpty(b, `,"region":`, p.Region)
	b = append(b, `,"partition":`...)
	b = appendJSONString(b, p.Partition)
	b = appendOmitEmpty(b, `,"account_id":`, p.AccountID)
	b = appendOmitEmpty(b, `,"role_arn":`, p.RoleARN)
	b = appendOmitEmpty(b, `,"source_profile":`, p.SourceProfile)
	b = appendOmitEmpty(b, `,"mfa_serial":`, p.MFASerial)
	b = appendOmitEmpty(b, `,"sso_token_state":`, p.SSOTokenState)
	if len(p.Warnings) > 0 {
		b = append(b, `,"warnings":`...)
		b = appendJSONStrings(b, p.Warnings)
	}
	return append(b, '}')
}

func appendOmitEmpty(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	return appendJSONString(append(b, key...), v)
}

// appendJSONStrings appends a non-nil list as a JSON array of strings.
func appendJSONStrings(b []byte, list []string) []byte {
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// jsonSafe[c] is true for the ASCII bytes encoding/json writes as they are (with HTML escaping,
// its default): not a control character, '"', '\\', '<', '>' or '&'.
var jsonSafe = [utf8.RuneSelf]bool{}

func init() {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		jsonSafe[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as encoding/json does: HTML-escaped (<, >, & as \u003c ...),
// control characters as \b \f \n \r \t or \u00XX, invalid UTF-8 as \ufffd, and U+2028 and
// U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
