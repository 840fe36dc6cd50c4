package profiles

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

func TestColorIconWords(t *testing.T) {
	tests := []struct {
		name, color, icon string
	}{
		{"prod", "red", "briefcase"},
		{"PRODUCTION", "red", "briefcase"},
		{"prod-admin", "red", "briefcase"},
		{"myProdAccount", "red", "briefcase"},
		{"APIProd", "red", "briefcase"},
		{"ProdAPI", "red", "briefcase"},
		{"acme.prod.readonly", "red", "briefcase"},
		{"team/prod", "red", "briefcase"},
		{"prod2", "red", "briefcase"},
		{"stage", "yellow", "circle"},
		{"Staging_EU", "yellow", "circle"},
		{"stg", "yellow", "circle"},
		{"dev", "green", "fingerprint"},
		{"dev01", "green", "fingerprint"},
		{"my development", "green", "fingerprint"},
		{"qa", "turquoise", "circle"},
		{"load-test", "turquoise", "circle"},
		{"integration", "blue", "circle"},
		{"ite", "blue", "circle"},
		{"corp-vdi", "blue", "vacation"},
		{"janus", "purple", "circle"},
		{"JanusAdmin", "purple", "circle"},
		// Whole words only: the old host's substring matches are gone.
		{"website", "blue", "circle"},  // not "ite"
		{"latest", "blue", "circle"},   // not "test"
		{"products", "blue", "circle"}, // not "prod"
		{"devops", "blue", "circle"},   // not "dev"
		{"qatar", "blue", "circle"},    // not "qa"
		{"reproduce", "blue", "circle"},
		{"", "blue", "circle"},
		// First rule in the old host's order wins, whatever the word order.
		{"integration-test", "turquoise", "circle"}, // test/qa before ite/integration
		{"test-prod", "red", "briefcase"},           // prod first
		{"dev-stage", "yellow", "circle"},           // stage before dev
		{"vdi-janus", "blue", "vacation"},           // vdi before janus
		{"janus-dev", "green", "fingerprint"},
		{"préprod-prod", "red", "briefcase"}, // non-ASCII letters stay inside words
	}
	for _, tt := range tests {
		color, icon := ColorIcon(tt.name, nil)
		if color != tt.color || icon != tt.icon {
			t.Errorf("ColorIcon(%q) = %s, %s; want %s, %s", tt.name, color, icon, tt.color, tt.icon)
		}
	}
}

func TestEachWord(t *testing.T) {
	tests := map[string][]string{
		"myProdAccount":    {"my", "Prod", "Account"},
		"APIProd":          {"API", "Prod"},
		"prod-admin_x.y/z": {"prod", "admin", "x", "y", "z"},
		"dev01":            {"dev", "01"},
		"  a  ":            {"a"},
		"HTTPServer2Go":    {"HTTP", "Server", "2", "Go"},
		"ÉtéProd":          {"Été", "Prod"},
	}
	for in, want := range tests {
		var got []string
		eachWord(in, func(w string) bool { got = append(got, w); return true })
		if !slices.Equal(got, want) {
			t.Errorf("eachWord(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestColorIconOverrides(t *testing.T) {
	tests := []struct {
		name        string
		settings    awsconfig.Settings
		color, icon string
		warnings    []string // fragments, one per expected warning
	}{
		{"prod", awsconfig.SettingsOf("granted_color", "pink"), "pink", "briefcase", nil},
		{"prod", awsconfig.SettingsOf("granted_icon", "dollar"), "red", "dollar", nil},
		{"x", awsconfig.SettingsOf("granted_color", "Orange", "granted_icon", " TREE "), "orange", "tree", nil},
		{"prod", awsconfig.SettingsOf("granted_color", "magenta"), "red", "briefcase", []string{"granted_color = magenta"}},
		{"dev", awsconfig.SettingsOf("granted_icon", "rocket", "granted_color", "black"), "green", "fingerprint", []string{"granted_color = black", "granted_icon = rocket"}},
		{"x", awsconfig.SettingsOf("granted_color", ""), "blue", "circle", nil},
	}
	for _, tt := range tests {
		color, icon, warns := colorIcon(tt.name, tt.settings)
		if color != tt.color || icon != tt.icon {
			t.Errorf("colorIcon(%q, %v) = %s, %s; want %s, %s", tt.name, tt.settings, color, icon, tt.color, tt.icon)
		}
		if len(warns) != len(tt.warnings) {
			t.Errorf("colorIcon(%q, %v) warnings = %q, want %d", tt.name, tt.settings, warns, len(tt.warnings))
			continue
		}
		for i, f := range tt.warnings {
			if !strings.Contains(warns[i], f) {
				t.Errorf("warning %q does not mention %q", warns[i], f)
			}
		}
		if c, i := ColorIcon(tt.name, tt.settings); c != color || i != icon {
			t.Errorf("ColorIcon and colorIcon disagree")
		}
	}
}

// TestColorIconOnlyValid: whatever the input, only Firefox values come out.
func TestColorIconOnlyValid(t *testing.T) {
	inputs := []string{"prod", "x", "stage", "vdi", "janus", "website"}
	overrides := []string{"", "red", "RED", "nope", "toolbar", "fence", "<script>"}
	for _, name := range inputs {
		for _, o := range overrides {
			c, i := ColorIcon(name, awsconfig.SettingsOf())
			if !slices.Contains(validColors, c) || !slices.Contains(validIcons, i) {
				t.Errorf("ColorIcon(%q, %q) = %q, %q: not a Firefox value", name, o, c, i)
			}
		}
	}
}

func FuzzColorIcon(f *testing.F) {
	for _, s := range []string{"prod", "myProdAccount", "APIProd", "ÉtéProd", "a\xffb", ""} {
		f.Add(s, "red")
	}
	f.Fuzz(func(t *testing.T, name, override string) {
		c, i := ColorIcon(name, awsconfig.SettingsOf())
		if !slices.Contains(validColors, c) || !slices.Contains(validIcons, i) {
			t.Fatalf("ColorIcon(%q, %q) = %q, %q", name, override, c, i)
		}
		total := 0
		eachWord(name, func(w string) bool {
			if w == "" {
				t.Fatalf("empty word in %q", name)
			}
			total += len(w)
			return true
		})
		if total > len(name) {
			t.Fatalf("words of %q are longer than the name", name)
		}
	})
}

// eachWord calls f with each word of s (see nextWord) until f returns false; matchRule walks
// the words the same way.
func eachWord(s string, f func(string) bool) {
	for i := 0; i < len(s); {
		start, end, next := nextWord(s, i)
		i = next
		if end > start && !f(s[start:end]) {
			return
		}
	}
}
