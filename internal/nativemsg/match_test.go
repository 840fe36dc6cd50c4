package nativemsg

import (
	"regexp"
	"strings"
	"testing"
)

// The expressions the hand-written matchers replace (match.go).
var (
	geckoIDRe    = regexp.MustCompile(`^(?:[A-Za-z0-9._+-]*@[A-Za-z0-9._-]+|\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\})$`)
	chromeOrigRe = regexp.MustCompile(`^chrome-extension://([a-p]{32})/$`)
	parentWinRe  = regexp.MustCompile(`^--parent-window=[0-9]+$`)
)

var matchSeeds = []string{
	"", "@", "a@", "@b", "a@b", "a@@b", "a+b@c.d", "a@b+c", "aws-profile-containers@yourname.local",
	"{b2568b5f-4d45-421c-bac0-88ca342573b9}", "{B2568B5F-4D45-421C-BAC0-88CA342573B9}",
	"{b2568b5f-4d45-421c-bac0-88ca342573b}", "{b2568b5f-4d45-421c-bac0-88ca342573b9", "{b2568b5f-4d45-421c-bac0-88ca342573bg}",
	"{b2568b5f4d45-421c-bac0-88ca342573b9a}", "{x@y}", "a@b\n", "a b@c", "é@b", "a@b/",
	"chrome-extension://abcdefghijklmnopabcdefghijklmnop/", "chrome-extension://abcdefghijklmnopabcdefghijklmnoq/",
	"chrome-extension://abcdefghijklmnopabcdefghijklmnop", "chrome-extension://abcdefghijklmnopabcdefghijklmnop//",
	"chrome-extension://ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP/", "chrome-extension://abcdefghijklmnopabcdefghijklmno/",
	"--parent-window=0", "--parent-window=", "--parent-window=12a", "--parent-window=123456789012345678901234567890",
	"-parent-window=1", "--parent-window=1\n",
}

func checkMatchers(t *testing.T, s string) {
	if got, want := IsGeckoID(s), geckoIDRe.MatchString(s); got != want {
		t.Errorf("IsGeckoID(%q) = %v, regexp %v", s, got, want)
	}
	id, ok := ChromeOriginID(s)
	m := chromeOrigRe.FindStringSubmatch(s)
	if ok != (m != nil) || (ok && id != m[1]) {
		t.Errorf("ChromeOriginID(%q) = %q, %v; regexp %q", s, id, ok, m)
	}
	if got, want := isParentWindow(s), parentWinRe.MatchString(s); got != want {
		t.Errorf("isParentWindow(%q) = %v, regexp %v", s, got, want)
	}
}

func TestMatchersAgreeWithRegexps(t *testing.T) {
	for _, s := range matchSeeds {
		checkMatchers(t, s)
		// Every one-byte change of every seed.
		for i := 0; i < len(s); i++ {
			for _, c := range []byte{'@', '{', '}', '-', 'A', 'f', 'g', 'p', 'q', '0', '/', '+', '_', '.', ' ', 0x80} {
				checkMatchers(t, s[:i]+string(c)+s[i+1:])
			}
			checkMatchers(t, s[:i]+s[i+1:])
		}
	}
	checkMatchers(t, strings.Repeat("a", 300)+"@b")
}

func FuzzMatchers(f *testing.F) {
	for _, s := range matchSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkMatchers(t, s) })
}
