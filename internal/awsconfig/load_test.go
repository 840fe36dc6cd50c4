package awsconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, cfg, cred string) Paths {
	t.Helper()
	dir := t.TempDir()
	p := Paths{ConfigFile: filepath.Join(dir, "config"), CredentialsFile: filepath.Join(dir, "credentials")}
	if cfg != "-" {
		if err := os.WriteFile(p.ConfigFile, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if cred != "-" {
		if err := os.WriteFile(p.CredentialsFile, []byte(cred), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func names(c *Config) []string {
	var n []string
	for _, p := range c.Profiles {
		n = append(n, p.Name)
	}
	return n
}

func anyContains(ws []string, sub string) bool {
	for _, w := range ws {
		if strings.Contains(w, sub) {
			return true
		}
	}
	return false
}

func TestPathsFromEnv(t *testing.T) {
	home := filepath.Join(string(filepath.Separator)+"home", "u")
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		name      string
		env       map[string]string
		cfg, cred string
	}{
		{"defaults", nil, filepath.Join(home, ".aws", "config"), filepath.Join(home, ".aws", "credentials")},
		{"empty is unset", map[string]string{"AWS_CONFIG_FILE": ""}, filepath.Join(home, ".aws", "config"), filepath.Join(home, ".aws", "credentials")},
		{"override", map[string]string{"AWS_CONFIG_FILE": "/etc/aws/c", "AWS_SHARED_CREDENTIALS_FILE": "/etc/aws/k"}, "/etc/aws/c", "/etc/aws/k"},
		{"tilde", map[string]string{"AWS_CONFIG_FILE": "~/x/c", "AWS_SHARED_CREDENTIALS_FILE": "~"}, filepath.Join(home, "x", "c"), home},
		{"tilde in middle kept", map[string]string{"AWS_CONFIG_FILE": "a/~/c"}, "a/~/c", filepath.Join(home, ".aws", "credentials")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := PathsFromEnv(env(tc.env), home)
			if p.ConfigFile != tc.cfg || p.CredentialsFile != tc.cred || p.SSOCacheDir != filepath.Join(home, ".aws", "sso", "cache") {
				t.Fatalf("got %+v", p)
			}
		})
	}
}

// TestLoadRules checks each rule of docs/AWS-CONFIG.md with a small file pair.
func TestLoadRules(t *testing.T) {
	type check func(t *testing.T, c *Config)
	profile := func(name string, want map[string]string) check {
		return func(t *testing.T, c *Config) {
			t.Helper()
			p := c.Profile(name)
			if p == nil {
				t.Fatalf("no profile %q in %v", name, names(c))
			}
			for k, v := range want {
				if got, ok := p.Settings.Lookup(k); !ok || got != v {
					t.Errorf("%s: %s = %q (set %v), want %q", name, k, got, ok, v)
				}
			}
		}
	}
	order := func(want ...string) check {
		return func(t *testing.T, c *Config) {
			t.Helper()
			if got := names(c); !reflect.DeepEqual(got, want) {
				t.Fatalf("profiles %q, want %q", got, want)
			}
		}
	}
	cfgWarn := func(sub string) check {
		return func(t *testing.T, c *Config) {
			t.Helper()
			if !anyContains(c.Warnings, sub) {
				t.Errorf("no config warning containing %q in %q", sub, c.Warnings)
			}
		}
	}
	profWarn := func(name, sub string) check {
		return func(t *testing.T, c *Config) {
			t.Helper()
			if p := c.Profile(name); p == nil || !anyContains(p.Warnings, sub) {
				t.Errorf("profile %q: no warning containing %q in %+v", name, sub, p)
			}
		}
	}
	subs := func(name string, want map[string]map[string]string) check {
		return func(t *testing.T, c *Config) {
			t.Helper()
			if got := c.Profile(name).SubProperties; !reflect.DeepEqual(got, want) {
				t.Errorf("%s: sub-properties %v, want %v", name, got, want)
			}
		}
	}
	noWarn := func(t *testing.T, c *Config) {
		t.Helper()
		if len(c.Warnings) != 0 {
			t.Errorf("unexpected warnings %q", c.Warnings)
		}
		for _, p := range c.Profiles {
			if len(p.Warnings) != 0 {
				t.Errorf("profile %q: unexpected warnings %q", p.Name, p.Warnings)
			}
		}
	}
	tests := []struct {
		name      string
		cfg, cred string
		checks    []check
	}{
		{"config prefixes", "[default]\nregion=a\n[profile dev]\nregion=b\n[plain]\nregion=c\n[services s]\nx=1\n", "",
			[]check{order("default", "dev"), profile("dev", map[string]string{"region": "b"}), cfgWarn(":5: section [plain] is not a profile")}},
		{"sso-session", "[profile s]\nsso_session = corp\n[sso-session corp]\nsso_region = us-east-1\nSSO_Start_URL = https://x\n", "",
			[]check{order("s"), func(t *testing.T, c *Config) {
				s := c.SSOSessions["corp"]
				if s == nil || s.Line != 3 || s.Settings.Get("sso_region") != "us-east-1" || s.Settings.Get("sso_start_url") != "https://x" {
					t.Fatalf("session %+v", s)
				}
			}}},
		{"default and profile default", "[profile default]\nregion=p\n[default]\nregion=d\nmfa_serial=m\n", "",
			[]check{order("default"), profile("default", map[string]string{"region": "p"}), cfgWarn("both define profile \"default\""),
				func(t *testing.T, c *Config) {
					if p := c.Profile("default"); p.ConfigLine != 1 || p.Settings.Get("mfa_serial") != "" {
						t.Fatalf("prefixed section must win entirely: %+v", p)
					}
				}}},
		{"credentials names", "", "[dev]\nregion=a\n[profile x]\nregion=b\n",
			[]check{order("dev"), cfgWarn(":3: [profile x] ignored")}},
		{"merge, credentials win", "[profile a]\nregion=c\noutput=json\n", "[a]\nregion=k\naws_access_key_id=A\naws_secret_access_key=S\n",
			[]check{profile("a", map[string]string{"region": "k", "output": "json", "aws_access_key_id": "A"}), func(t *testing.T, c *Config) {
				p := c.Profile("a")
				if !p.InConfig || !p.InCredentials || p.ConfigLine != 1 || p.CredentialsLine != 1 {
					t.Fatalf("%+v", p)
				}
			}, noWarn}},
		{"keys case-insensitive", "[profile a]\nREGION=x\nRole_Arn=y\n", "", []check{profile("a", map[string]string{"region": "x", "role_arn": "y"})}},
		{"duplicate section merges", "[profile a]\nregion=x\n[profile b]\n[profile a]\nmfa_serial=m\n", "",
			[]check{order("a", "b"), profile("a", map[string]string{"region": "x", "mfa_serial": "m"}), profWarn("a", ":4: section [profile a] repeated")}},
		{"duplicate key last wins", "[profile a]\nregion=x\nregion=y\n", "",
			[]check{profile("a", map[string]string{"region": "y"}), profWarn("a", ":3: duplicate key region in [profile a] (first at line 2)")}},
		{"duplicate key across repeated sections", "[profile a]\nregion=x\n[profile a]\nregion=y\n", "",
			[]check{profile("a", map[string]string{"region": "y"}), profWarn("a", "duplicate key region")}},
		{"inline comments", "[profile a]\nurl = https://x/#frag\nregion = r # c\nmfa = m\t; c\nk2 = a;b\nempty = # c\n", "",
			[]check{profile("a", map[string]string{"url": "https://x/#frag", "region": "r", "mfa": "m", "k2": "a;b", "empty": ""})}},
		{"header comments", "[profile a] # c\nregion=x\n[profile b];c\nregion=y\n", "", []check{order("a", "b"), noWarn}},
		{"full line comments", "# c\n; c\n[profile a]\n# region = no\n ; x = y\nregion = r\n", "",
			[]check{profile("a", map[string]string{"region": "r"}), func(t *testing.T, c *Config) {
				if len(c.Profile("a").Settings) != 1 {
					t.Fatalf("%v", c.Profile("a").Settings)
				}
			}}},
		{"crlf", "[profile a]\r\nregion = r\r\ncp = x\r\n  y\r\n", "", []check{profile("a", map[string]string{"region": "r", "cp": "x\ny"})}},
		{"bom", "\ufeff[profile a]\nregion=r\n", "", []check{order("a"), cfgWarn(":1: UTF-8 byte-order mark")}},
		{"colon", "[profile a]\nregion: r\nrole_arn = arn:aws:x\n", "", []check{profile("a", map[string]string{"region": "r", "role_arn": "arn:aws:x"})}},
		{"continuation", "[profile a]\ncp = cmd\n  --a\n\n  --b # kept\nregion = r\n", "", []check{profile("a", map[string]string{"cp": "cmd\n--a\n--b # kept", "region": "r"})}},
		{"sub-properties", "[profile a]\ns3 =\n  max_concurrent_requests = 10\n  Addressing_Style = path\nregion = r\n", "",
			[]check{profile("a", map[string]string{"s3": "", "region": "r"}), func(t *testing.T, c *Config) {
				want := map[string]map[string]string{"s3": {"max_concurrent_requests": "10", "addressing_style": "path"}}
				if got := c.Profile("a").SubProperties; !reflect.DeepEqual(got, want) {
					t.Fatalf("sub %v", got)
				}
			}}},
		{"indented key after value (SDK: property)", "[profile a]\nregion = r\n  mfa_serial = m\n", "", []check{profile("a", map[string]string{"region": "r", "mfa_serial": "m"})}},
		{"names with spaces", "[profile my prof]\nregion=r\n[profile  two  ]\n", "[cred prof]\n",
			[]check{order("my prof", "two", "cred prof"), profWarn("my prof", ":1: profile name \"my prof\" contains a space"), profWarn("cred prof", "credentials:1:")}},
		{"expires comment", "", "[a]\naws_access_key_id=A\naws_secret_access_key=S\n# Expires 2024-05-01 10:11:12\n[b]\n",
			[]check{func(t *testing.T, c *Config) {
				if got := c.Profile("a").ExpiresComment; got != "2024-05-01 10:11:12" {
					t.Fatalf("ExpiresComment %q", got)
				}
				if got := c.Profile("b").ExpiresComment; got != "" {
					t.Fatalf("b: %q", got)
				}
			}}},
		{"order", "[profile z]\n[profile a]\n", "[c]\n[a]\n[b]\n", []check{order("z", "a", "c", "b")}},
		{"quotes", "[profile a]\nregion = \"r\"\nx = 'y'\nz = \"\"\n", "", []check{profile("a", map[string]string{"region": "r", "x": "y", "z": ""})}},
		{"partial static keys", "", "[a]\naws_access_key_id=A\n", []check{profWarn("a", "aws-sdk-go-v2 refuses to load")}},
		{"missing files", "-", "-", []check{order(), noWarn}},
		{"keys before first section", "region=x\n[profile a]\n", "", []check{order("a"), cfgWarn(":1: key \"region\" before the first [section]")}},
		{"unrecognized line", "[profile a]\njunk\nregion=r\n", "", []check{profile("a", map[string]string{"region": "r"}), cfgWarn(":2: line ignored")}},
		{"continuation run, then an indented key is a property", "[profile a]\ncp = x\n  1\n# c\n\n  2\n  mfa_serial = m # c\n", "",
			[]check{profile("a", map[string]string{"cp": "x\n1\n2", "mfa_serial": "m"}), noWarn}},
		{"continuation after sub-properties ignored", "[profile a]\ns3 =\n  k = v\n  cont\n", "",
			[]check{profile("a", map[string]string{"s3": ""}), noWarn, subs("a", map[string]map[string]string{"s3": {"k": "v"}})}},
		{"continuation of an empty value ignored", "[profile a]\nregion =\n  cont\n", "",
			[]check{profile("a", map[string]string{"region": ""}), profWarn("a", ":3: indented line ignored (it continues an empty value)")}},
		{"a plain value replaces sub-properties", "[profile a]\ns3 =\n  k = v\n[profile a]\ns3 = plain\n", "",
			[]check{profile("a", map[string]string{"s3": "plain"}), subs("a", nil)}},
		{"sub-properties keep comments and quotes", "[profile a]\ns3 =\n  k = 'v' # c\n  q = \"w\"\n", "",
			[]check{subs("a", map[string]map[string]string{"s3": {"k": "'v' # c", "q": "w"}})}},
		{"credentials replace sub-properties", "[profile a]\ns3 =\n  k = v\nec2 =\n  x = 1\n", "[a]\ns3 = plain\nec2 =\n  y = 2\n",
			[]check{profile("a", map[string]string{"s3": "plain", "ec2": ""}), subs("a", map[string]map[string]string{"ec2": {"y": "2"}})}},
		{"section without a name", "[]\nregion = r\n  k = v\n[profile a]\n", "",
			[]check{order("a"), cfgWarn(":1: section [] has no name"), func(t *testing.T, c *Config) {
				if len(c.Warnings) != 1 {
					t.Errorf("warnings %q: the SDK ignores the keys of [] silently, so do we after one warning", c.Warnings)
				}
			}}},
		{"keys the SDK keeps", "[profile a]\n- = v\n\"q\" = 1\n", "", []check{profile("a", map[string]string{"-": "v", "\"q\"": "1"})}},
		{"empty key", "[profile a]\n= v\n  cont\n", "", []check{profWarn("a", ":2: empty key ignored"), cfgWarn(":3: indented line ignored (it continues no value)")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(writeFiles(t, tc.cfg, tc.cred))
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range tc.checks {
				ch(t, c)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, cfg string
		line      int
	}{
		// The SDK ignores these lines and gives the next keys to the previous section.
		{"unterminated header", "[profile a]\nregion=x\n[profile b\nregion=y\n", 3},
		{"junk after header", "[profile a] junk\n", 1},
		{"no section at all", "# c\n{\"json\": true}\n", 2},
		{"utf-16", "\xff\xfe[\x00", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFiles(t, tc.cfg, "")
			c, err := Load(p)
			var pe *ParseError
			if !errors.As(err, &pe) || c != nil {
				t.Fatalf("got %v, %v; want a *ParseError", c, err)
			}
			if pe.File != p.ConfigFile || pe.Line != tc.line {
				t.Fatalf("error %v names %s:%d, want line %d", pe, pe.File, pe.Line, tc.line)
			}
		})
	}
	t.Run("directory", func(t *testing.T) {
		dir := t.TempDir()
		_, err := Load(Paths{ConfigFile: dir, CredentialsFile: filepath.Join(dir, "none")})
		if err == nil || !strings.Contains(err.Error(), dir) {
			t.Fatalf("want an error naming %s, got %v", dir, err)
		}
	})
	t.Run("permission denied", func(t *testing.T) {
		if runtime.GOOS == "windows" || os.Getuid() == 0 {
			t.Skip("root or Windows: permissions not enforced")
		}
		p := writeFiles(t, "[default]\n", "")
		if err := os.Chmod(p.ConfigFile, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(p); err == nil || !strings.Contains(err.Error(), p.ConfigFile) {
			t.Fatalf("want an error naming the file, got %v", err)
		}
	})
}

func TestLoadNeverWrites(t *testing.T) {
	cfg, cred := "[profile a]\nregion = r\n", "[a]\naws_access_key_id = A\n"
	p := writeFiles(t, cfg, cred)
	st1, _ := os.Stat(p.ConfigFile)
	if _, err := Load(p); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{p.ConfigFile: cfg, p.CredentialsFile: cred} {
		if b, _ := os.ReadFile(path); string(b) != want {
			t.Fatalf("%s changed", path)
		}
	}
	if st2, _ := os.Stat(p.ConfigFile); !st2.ModTime().Equal(st1.ModTime()) {
		t.Fatal("config file touched")
	}
}

// Each section's settings are carved out of one slab per file: a section that gets keys again
// from a repeated header, or more keys than the slab has room for (":" delimiters, which the
// room does not count), must never write into its neighbour's.
func TestSettingsSlabKeepsSectionsApart(t *testing.T) {
	var colon strings.Builder
	for i := range 40 {
		fmt.Fprintf(&colon, "k%d: v%d\n", i, i)
	}
	dir := t.TempDir()
	p := Paths{ConfigFile: filepath.Join(dir, "config"), CredentialsFile: filepath.Join(dir, "credentials")}
	cfg := "[profile a]\nx = 1\n[profile b]\ny = 2\n[profile a]\nz = 3\n[profile c]\n" + colon.String() + "[profile d]\nw = 4\n[profile c]\nlast = yes\n"
	if err := os.WriteFile(p.ConfigFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Settings{
		"a": SettingsOf("x", "1", "z", "3"),
		"b": SettingsOf("y", "2"),
		"d": SettingsOf("w", "4"),
	}
	for name, w := range want {
		if got := c.Profile(name).Settings; !slices.Equal(got, w) {
			t.Errorf("%s: %v, want %v", name, got, w)
		}
	}
	cs := c.Profile("c").Settings
	if len(cs) != 41 || cs.Get("k0") != "v0" || cs.Get("k39") != "v39" || cs.Get("last") != "yes" {
		t.Errorf("c: %d settings %v", len(cs), cs)
	}
}
