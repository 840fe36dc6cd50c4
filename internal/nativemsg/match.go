package nativemsg

import "strings"

// Hand-written matchers for the launch arguments. They accept exactly what these regular
// expressions accept (match_test.go checks them against the expressions), without compiling
// anything when the process starts: the host is started once per request.
//
//	gecko id:      ^(?:[A-Za-z0-9._+-]*@[A-Za-z0-9._-]+|\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\})$
//	chrome origin: ^chrome-extension://([a-p]{32})/$
//	parent window: ^--parent-window=[0-9]+$

// IsGeckoID reports whether id looks like a Firefox add-on id: an email-like id (name@domain,
// the name may be empty) or a braced UUID. It does not check the length.
func IsGeckoID(id string) bool {
	if len(id) == 38 && id[0] == '{' && id[37] == '}' && isBracedUUID(id[1:37]) {
		return true
	}
	at := strings.IndexByte(id, '@')
	if at < 0 || at == len(id)-1 {
		return false
	}
	for i := 0; i < at; i++ {
		if c := id[i]; !isAlnum(c) && c != '.' && c != '_' && c != '+' && c != '-' {
			return false
		}
	}
	for i := at + 1; i < len(id); i++ {
		if c := id[i]; !isAlnum(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// isBracedUUID matches 8-4-4-4-12 hex digits (s is the 36 bytes between the braces).
func isBracedUUID(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

const chromeOriginPrefix = "chrome-extension://"

// ChromeOriginID returns the 32-letter extension id of a Chromium extension origin
// "chrome-extension://<32 letters a-p>/", and false for anything else.
func ChromeOriginID(origin string) (string, bool) {
	const n = len(chromeOriginPrefix) + 32 + 1
	if len(origin) != n || !strings.HasPrefix(origin, chromeOriginPrefix) || origin[n-1] != '/' {
		return "", false
	}
	id := origin[len(chromeOriginPrefix) : n-1]
	for i := 0; i < len(id); i++ {
		if id[i] < 'a' || id[i] > 'p' {
			return "", false
		}
	}
	return id, true
}

// isParentWindow matches the --parent-window=<n> argument Chromium adds on Windows.
func isParentWindow(arg string) bool {
	const prefix = "--parent-window="
	if len(arg) <= len(prefix) || !strings.HasPrefix(arg, prefix) {
		return false
	}
	for i := len(prefix); i < len(arg); i++ {
		if arg[i] < '0' || arg[i] > '9' {
			return false
		}
	}
	return true
}
