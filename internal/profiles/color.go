package profiles

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
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
func ColorIcon(name string, settings map[string]string) (color, icon string) {
	color, icon, _ = colorIcon(name, settings)
	return color, icon
}

func colorIcon(name string, settings map[string]string) (color, icon string, warnings []string) {
	color, icon = DefaultColor, DefaultIcon
	if r := matchRule(name); r >= 0 {
		color, icon = colorRules[r].color, colorRules[r].icon
	}
	if v := settings["granted_color"]; v != "" {
		if c, ok := validValue(v, validColors); ok {
			color = c
		} else {
			warnings = append(warnings, fmt.Sprintf("granted_color = %s is not a Firefox container colour (%s); ignored", v, strings.Join(validColors, ", ")))
		}
	}
	if v := settings["granted_icon"]; v != "" {
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

// matchRule returns the index of the first rule that one of the name's words matches, or -1.
func matchRule(name string) int {
	best := -1
	eachWord(name, func(w string) bool {
		if len(w) < 2 || len(w) > len("development") {
			return true
		}
		limit := len(colorRules)
		if best >= 0 {
			limit = best
		}
	rules:
		for i := 0; i < limit; i++ {
			for _, rw := range colorRules[i].words {
				if len(rw) == len(w) && strings.EqualFold(rw, w) {
					best = i
					break rules
				}
			}
		}
		return best != 0 // rule 0 cannot be beaten
	})
	return best
}

// charClass of a rune for word splitting.
const (
	classSep = iota
	classLower
	classUpper
	classDigit
)

func classOf(r rune) int {
	switch {
	case r >= 'a' && r <= 'z':
		return classLower
	case r >= 'A' && r <= 'Z':
		return classUpper
	case r >= '0' && r <= '9':
		return classDigit
	case r < utf8.RuneSelf:
		return classSep
	case unicode.IsUpper(r):
		return classUpper
	case unicode.IsLetter(r):
		return classLower
	case unicode.IsDigit(r):
		return classDigit
	}
	return classSep
}

// eachWord calls f with each word of s (see ColorIcon) until f returns false. It does not allocate.
func eachWord(s string, f func(string) bool) {
	start := -1 // start of the current word, -1 when between words
	prev := classSep
	for i, r := range s {
		cl := classOf(r)
		if start >= 0 {
			split := false
			switch {
			case cl == classSep:
				split = true
			case (cl == classDigit) != (prev == classDigit):
				split = true
			case prev == classLower && cl == classUpper: // myProd: my|Prod
				split = true
			case prev == classUpper && cl == classLower:
				// APIProd: the last capital of a run starts the next word (API|Prod).
				if j := lastRuneStart(s, i); j > start {
					if !f(s[start:j]) {
						return
					}
					start = j
				}
			}
			if split {
				if !f(s[start:i]) {
					return
				}
				start = -1
			}
		}
		if start < 0 && cl != classSep {
			start = i
		}
		prev = cl
	}
	if start >= 0 {
		f(s[start:])
	}
}

// lastRuneStart returns the byte index where the rune before index i starts.
func lastRuneStart(s string, i int) int {
	_, size := utf8.DecodeLastRuneInString(s[:i])
	return i - size
}
