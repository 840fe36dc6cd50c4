package console

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// The profile list and the sign-in are two faces of one resolver (profiles.ResolveChain): for
// every profile, has_credentials is true exactly when the sign-in accepts the chain before any
// network call, a refusal carries the list's own warning, and an accepted chain gets the STS
// mode its kind calls for. There is no deliberate difference: what the list refuses (instance
// metadata, say) the sign-in refuses too, and nothing else.
func TestListAndSignInAgree(t *testing.T) {
	s := newSigner(Env{}, Options{})
	check := func(t *testing.T, config, credentials string) {
		t.Helper()
		dir := t.TempDir()
		paths := awsconfig.Paths{ConfigFile: filepath.Join(dir, "config"), CredentialsFile: filepath.Join(dir, "credentials")}
		must(t, os.WriteFile(paths.ConfigFile, []byte(config), 0o600))
		must(t, os.WriteFile(paths.CredentialsFile, []byte(credentials), 0o600))
		cfg := loadConfig(t, paths)
		list := profiles.Build(cfg, time.Now())
		kinds := map[string]profiles.Kind{}
		for _, p := range list {
			kinds[p.Name] = p.Kind
		}
		for _, p := range list {
			top, m, err := s.plan(cfg, p.Name)
			if p.HasCredentials != (err == nil) {
				t.Errorf("profile %s: has_credentials %v, sign-in refuses with %v (warnings %q)\nconfig:\n%s\ncredentials:\n%s", p.Name, p.HasCredentials, err, p.Warnings, config, credentials)
				continue
			}
			if err != nil {
				code, msg := apierr.CodeOf(err), apierr.MessageOf(err)
				if code != apierr.CodeNoCredentials && code != apierr.CodeInvalidConfig {
					t.Errorf("profile %s: refused with %s, want no_credentials or invalid_config", p.Name, code)
				}
				if !slices.ContainsFunc(p.Warnings, func(w string) bool { return strings.HasSuffix(msg, ": "+w) }) {
					t.Errorf("profile %s: sign-in says %q, none of the list's warnings %q", p.Name, msg, p.Warnings)
				}
				continue
			}
			if want := expectedMode(p, cfg, kinds); m != want {
				t.Errorf("profile %s (kind %s): mode %d, want %d\nconfig:\n%s\ncredentials:\n%s", p.Name, p.Kind, m, want, config, credentials)
			}
			switch top.Deepest().Base {
			case profiles.BaseNone, profiles.BaseIMDS, profiles.BaseBadSource:
				t.Errorf("profile %s: accepted, but its chain ends in base %d", p.Name, top.Deepest().Base)
			}
		}
	}
	t.Run("edge cases", func(t *testing.T) { check(t, testaws.ChainConfig, testaws.ChainCredentials) })
	t.Run("sign-in fixture", func(t *testing.T) { check(t, testConfig, testCredentials) })
	t.Run("random", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for range 300 {
			config, credentials := testaws.RandomChainFiles(rng, 5)
			check(t, config, credentials)
			if t.Failed() {
				break
			}
		}
	})
}

// expectedMode is the STS mode the docs' table (docs/CONSOLE-SIGNIN.md) gives a profile that
// resolves, derived from the profile list's kinds rather than from the chain.
func expectedMode(p profiles.Profile, cfg *awsconfig.Config, kinds map[string]profiles.Kind) mode {
	switch p.Kind {
	case profiles.KindStatic:
		return modeFederationToken
	case profiles.KindSession, profiles.KindProcess:
		return modeCheckedAsIs
	case profiles.KindSSO, profiles.KindWebIdentity, profiles.KindLogin:
		return modeAsIs
	}
	// A role: assumed directly (SessionDuration allowed) only with long-term keys, its own
	// (no source_profile, or source_profile naming itself) or a source's that is plain keys.
	own := cfg.Profile(p.Name)
	if p.SourceProfile == "" || p.SourceProfile == p.Name {
		if profiles.BaseKind(own) == profiles.KindStatic {
			return modeRoleDirect
		}
		return modeRoleChained
	}
	if kinds[p.SourceProfile] == profiles.KindStatic {
		return modeRoleDirect
	}
	return modeRoleChained
}
