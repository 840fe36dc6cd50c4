package awsconfig

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzLoad(f *testing.F) {
	for _, tc := range handDiffCases {
		f.Add([]byte(tc.cfg))
		f.Add([]byte(tc.cred))
	}
	f.Add([]byte("\ufeff[default]\nregion = x\n"))
	f.Add([]byte("[profile a\nregion = x\n"))
	f.Add([]byte("[]\n= v\n  k = v\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		p := Paths{ConfigFile: filepath.Join(dir, "config"), CredentialsFile: filepath.Join(dir, "credentials")}
		if err := os.WriteFile(p.ConfigFile, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p.CredentialsFile, data, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(p)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || pe.File == "" {
				t.Fatalf("error is not a *ParseError with a file and line: %v", err)
			}
			if c != nil {
				t.Fatal("both a Config and an error")
			}
			return
		}
		if c == nil {
			t.Fatal("nil Config without error")
		}
		seen := map[string]bool{}
		for _, pr := range c.Profiles {
			if pr.Name == "" {
				t.Fatal("empty profile name")
			}
			if seen[pr.Name] {
				t.Fatalf("profile %q listed twice", pr.Name)
			}
			seen[pr.Name] = true
			if !pr.InConfig && !pr.InCredentials {
				t.Fatalf("profile %q in neither file", pr.Name)
			}
			if c.Profile(pr.Name) != pr {
				t.Fatalf("Profile(%q) lookup broken", pr.Name)
			}
			keys := map[string]bool{}
			for _, kv := range pr.Settings {
				k := kv.Key
				if keys[k] {
					t.Fatalf("profile %q: key %q twice", pr.Name, k)
				}
				keys[k] = true
				if k == "" || k != strings.ToLower(k) {
					t.Fatalf("profile %q: key %q not lower-case", pr.Name, k)
				}
			}
			for k, sub := range pr.SubProperties {
				if v, ok := pr.Settings.Lookup(k); !ok || v != "" {
					t.Fatalf("profile %q: sub-properties of %q without an empty %q", pr.Name, k, k)
				}
				for sk := range sub {
					if sk != strings.ToLower(sk) {
						t.Fatalf("sub-property key %q not lower-case", sk)
					}
				}
			}
		}
	})
}
