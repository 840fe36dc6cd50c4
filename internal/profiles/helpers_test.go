package profiles

import (
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// prof builds a profile from "key=value" pairs.
func prof(name string, kv ...string) *awsconfig.Profile {
	p := &awsconfig.Profile{Name: name, InConfig: true}
	for _, s := range kv {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			panic("prof: want key=value, got " + s)
		}
		p.Settings.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return p
}

// session builds an [sso-session] section.
func session(name string, kv ...string) *awsconfig.SSOSession {
	p := prof(name, kv...)
	return &awsconfig.SSOSession{Name: name, Settings: p.Settings}
}

func config(sessions []*awsconfig.SSOSession, profiles ...*awsconfig.Profile) *awsconfig.Config {
	c := &awsconfig.Config{Profiles: profiles, SSOSessions: map[string]*awsconfig.SSOSession{}}
	for _, s := range sessions {
		c.SSOSessions[s.Name] = s
	}
	return c
}

// byName finds a built profile.
func byName(t *testing.T, list []Profile, name string) *Profile {
	t.Helper()
	for i := range list {
		if list[i].Name == name {
			return &list[i]
		}
	}
	t.Fatalf("profile %q not in the list", name)
	return nil
}

// hasWarning reports whether one of warns contains all the fragments.
func hasWarning(warns []string, fragments ...string) bool {
next:
	for _, w := range warns {
		for _, f := range fragments {
			if !strings.Contains(w, f) {
				continue next
			}
		}
		return true
	}
	return false
}
