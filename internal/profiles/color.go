package profiles

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// Firefox container colours and icons (contextualIdentities); nothing else is ever emitted.
var (
	validColors = []string{"blue", "turquoise", "green", "yellow", "orange", "red", "pink", "purple", "toolbar"}
	validIcons  = []string{"fingerprint", "briefcase", "dollar", "cart", "circle", "gift", "vacation", "food", "fruit", "pet", "tree", "chill", "fence"}
)

// Default colour and icon when no rule matches.
const (
	DefaultColor = "blue"
	DefaultIcon  = "circle"
)

// colorRule is one rule of the old host, in its order (first match wins).
type colorRule struct {
	words       []string
	color, icon string
}

var colorRules = []colorRule{
	{[]string{"prod", "production"}, "red", "briefcase"},
	{[]string{"stg", "staging", "stage"}, "yellow", "circle"},
	{[]string{"dev", "development"}, "green", "fingerprint"},
	{[]string{"test", "qa"}, "turquoise", "circle"},
	{[]string{"ite", "integration"}, "blue", "circle"},
	{[]string{"vdi"}, "blue", "vacation"},
	{[]string{"janus"}, "purple", "circle"},
}

// ColorIcon returns the Firefox container colour and icon for a profile. It applies the old
// host's rules in order (prod/production → red briefcase, stg/staging/stage → yellow circle,
// dev/development → green fingerprint, test/qa → turquoise circle, ite/integration → blue circle,
// vdi → blue vacation, janus → purple circle, else blue circle; the first rule that matches wins)
// but matches whole words of the name only, case-insensitively: the name is split on anything
// that is not a letter or digit, on letter/digit boundaries and on case changes ("myProdAccount"
// → my Prod Account, "APIProd" → API Prod, "dev01" → dev 01). So "website" is not integration and
// "latest" is not test.
//
// The settings granted_color and granted_icon (granted's keys, case-insensitive values) override
// the rules when they name a valid Firefox colour or icon; invalid values are ignored (Build
// reports them as warnings).
func ColorIcon(name string, settings awsconfig.Settings) (color, icon string) {
	color, icon, _ = colorIcon(name, settings)
	return color, icon
}

func colorIcon(name string, settings awsconfig.Settings) (color, icon string, warnings []string) {
	return colorIconWarn(name, settings.Get("granted_color"), settings.Get("granted_icon"), nil)
}

// colorIconWarn applies the rules and the overrides, appending a warning per invalid override.
func colorIconWarn(name, grantedColor, grantedIcon string, warnings []string) (color, icon string, _ []string) {
	color, icon = DefaultColor, DefaultIcon
	if r := matchRule(name); r >= 0 {
		color, icon = colorRules[r].color, colorRules[r].icon
	}
	if v := grantedColor; v != "" {
		if c, ok := validValue(v, validColors); ok {
			color = c
		} else {
			warnings = append(warnings, fmt.Sprintf("granted_color = %s is not a Firefox container colour (%s); ignored", v, strings.Join(validColors, ", ")))
		}
	}
	if v := grantedIcon; v != "" {
		if i, ok := validValue(v, validIcons); ok {
			icon = i
		} else {
			warnings = append(warnings, fmt.Sprintf("granted_icon = %s is not a Firefox container icon (%s); ignored", v, strings.Join(validIcons, ", ")))
		}
	}
	return color, icon, warnings
}

func validValue(v string, valid []string) (string, bool) {
	v = strings.TrimSpace(v)
	for _, ok := range valid {
		if strings.EqualFold(v, ok) {
			return ok, true
		}
	}
	return "", false
}

// ruleOf maps each lower-case rule word to its rule index.
var ruleOf = func() map[string]int {
	m := map[string]int{}
	for i, r := range colorRules {
		for _, w := range r.words {
			m[w] = i
		}
	}
	return m
}()

const maxRuleWord = len("development")

// matchRule returns the index of the first rule that one of the name's words matches, or -1.
// Words are compared in ASCII lower case (all rule words are ASCII).
func matchRule(name string) int {
	best := -1
	var buf [maxRuleWord]byte
	for i := 0; i < len(name); {
		start, end, next := nextWord(name, i)
		i = next
		n := end - start
		if n < 2 || n > maxRuleWord {
			continue
		}
		ascii := true
		for j := 0; j < n; j++ {
			c := name[start+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			} else if c >= 0x80 {
				ascii = false
				break
			}
			buf[j] = c
		}
		if !ascii {
			continue
		}
		if r, ok := ruleOf[string(buf[:n])]; ok && (best < 0 || r < best) {
			if best = r; best == 0 { // rule 0 cannot be beaten
				break
			}
		}
	}
	return best
}

// charClass of a rune for word splitting.
const (
	classSep = iota
	classLower
	classUpper
	classDigit
)

// classOf returns the class of the rune at s[i] and its size in bytes.
func classOf(s string, i int) (int, int) {
	c := s[i]
	switch {
	case c >= 'a' && c <= 'z':
		return classLower, 1
	case c >= 'A' && c <= 'Z':
		return classUpper, 1
	case c >= '0' && c <= '9':
		return classDigit, 1
	case c < utf8.RuneSelf:
		return classSep, 1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	switch {
	case unicode.IsUpper(r):
		return classUpper, size
	case unicode.IsLetter(r):
		return classLower, size
	case unicode.IsDigit(r):
		return classDigit, size
	}
	return classSep, size
}

// nextWord finds the first word of s at or after byte i: s[start:end] (empty when there is none)
// and the index to continue from. Words are split on anything that is not a letter or digit, on
// letter/digit boundaries and on case changes: "myProdAccount" → my Prod Account, "APIProd" →
// API Prod, "dev01" → dev 01.
func nextWord(s string, i int) (start, end, next int) {
	cl, size := classSep, 0
	for i < len(s) {
		if cl, size = classOf(s, i); cl != classSep {
			break
		}
		i += size
	}
	if i >= len(s) {
		return len(s), len(s), len(s)
	}
	start = i
	first := cl
	i += size
	uppers := 1 // length in runes of a leading run of capitals
	lastUpper := start
	for i < len(s) {
		c, sz := classOf(s, i)
		switch first {
		case classDigit, classLower:
			if c != first {
				return start, i, i
			}
		case classUpper:
			switch {
			case c == classUpper && uppers > 0:
				uppers++
				lastUpper = i
			case c == classLower && uppers > 1:
				// APIProd: the last capital starts the next word.
				return start, lastUpper, lastUpper
			case c == classLower:
				uppers = 0 // "Prod": a capitalised word, lower case follows
			default:
				return start, i, i
			}
		}
		i += sz
	}
	return start, i, i
}
