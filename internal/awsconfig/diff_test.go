package awsconfig

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
)

// The differential test loads the same files with Load and with aws-sdk-go-v2's
// config.LoadSharedConfigProfile and compares, for every profile we list, the settings the SDK
// resolves; and it checks that every name the SDK resolves is listed by us.
//
// Known, deliberate differences (each one is asserted, not skipped):
//   - CRLF + continuation lines: the SDK keeps the "\r" of a continuation line in the value; we
//     drop it. Values are compared with "\r" removed.
//   - "[sso-session x]" and "[services x]" sections of the config file: LoadSharedConfigProfile
//     resolves them as if they were profiles (it looks any section up by name); they are not
//     profiles, so we do not list them. Probed names with those prefixes are only required to be
//     listed when they come from the credentials file, where the SDK treats them as profiles.
//   - A profile with aws_access_key_id but not aws_secret_access_key (or the reverse): the SDK
//     refuses to load it ("partial credentials"); we list it with a warning.
//   - Malformed section headers ("[profile x" or "[a] b"): the SDK ignores the line and puts the
//     following keys into the previous section; we return a *ParseError (see TestLoadErrors).
//   - A UTF-8 BOM: the SDK cannot read the first section; we strip the BOM and warn.
//   - A value that is a lone quote ("key = \""): the SDK panics (slice bounds out of range in
//     its unquote); we keep the quote. The generator does not produce it; FuzzDifferential
//     skips such files.

var sdkKeys = []string{"region", "role_arn", "source_profile", "credential_source", "sso_session",
	"sso_start_url", "sso_region", "sso_account_id", "sso_role_name", "credential_process", "mfa_serial"}

// sdkView is what we compare.
type sdkView map[string]string

// errSDKPanic stands for a panic of the SDK's reader (a value that is a lone quote).
var errSDKPanic = errors.New("aws-sdk-go-v2 panicked")

func sdkResolve(t *testing.T, cfgPath, credPath, name string) (v sdkView, err error) {
	t.Helper()
	defer func() {
		if recover() != nil {
			v, err = nil, errSDKPanic
		}
	}()
	sc, err := config.LoadSharedConfigProfile(context.Background(), name, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles = []string{cfgPath}
		o.CredentialsFiles = []string{credPath}
	})
	if err != nil {
		return nil, err
	}
	v = sdkView{
		"region": sc.Region, "role_arn": sc.RoleARN, "source_profile": sc.SourceProfileName,
		"credential_source": sc.CredentialSource, "sso_session": sc.SSOSessionName,
		"sso_start_url": sc.SSOStartURL, "sso_region": sc.SSORegion, "sso_account_id": sc.SSOAccountID,
		"sso_role_name": sc.SSORoleName, "credential_process": sc.CredentialProcess, "mfa_serial": sc.MFASerial,
		"static": fmt.Sprint(sc.Credentials.HasKeys()),
	}
	if sc.SSOSession != nil {
		v["session.sso_region"] = sc.SSOSession.SSORegion
		v["session.sso_start_url"] = sc.SSOSession.SSOStartURL
	}
	for k, s := range v {
		v[k] = strings.ReplaceAll(s, "\r", "")
	}
	return v, nil
}

// ourView predicts the SDK's view from our Profile.
func ourView(c *Config, p *Profile) sdkView {
	v := sdkView{}
	for _, k := range sdkKeys {
		v[k] = p.Get(k)
	}
	v["static"] = fmt.Sprint(p.Get(keyAccessKeyID) != "" && p.Get(keySecretAccessKey) != "")
	if v["source_profile"] != "" {
		// The SDK clears the credential options of a profile that has a source_profile
		// (clearCredentialOptions): the source provides the credentials.
		for _, k := range []string{"credential_source", "credential_process", "sso_account_id", "sso_region", "sso_role_name", "sso_start_url"} {
			v[k] = ""
		}
		v["static"] = "false"
	}
	if s := v["sso_session"]; s != "" {
		if sess := c.SSOSessions[strings.TrimSpace(s)]; sess != nil {
			v["session.sso_region"] = sess.Settings.Get("sso_region")
			v["session.sso_start_url"] = sess.Settings.Get("sso_start_url")
		}
	}
	return v
}

type diffStats struct{ files, profiles, compared, sdkErrors, partial, probes int }

// diffOne compares one pair of files; names are extra names to probe.
func diffOne(t *testing.T, label, cfgText, credText string, names []string, st *diffStats) {
	t.Helper()
	dir := t.TempDir()
	cfgPath, credPath := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(credPath, []byte(credText), 0o600); err != nil {
		t.Fatal(err)
	}
	st.files++
	c, err := Load(Paths{ConfigFile: cfgPath, CredentialsFile: credPath})
	if err != nil {
		t.Fatalf("%s: Load: %v\nconfig:\n%s\ncredentials:\n%s", label, err, cfgText, credText)
	}
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s: %s\n--- config:\n%s\n--- credentials:\n%s", label, fmt.Sprintf(format, args...), cfgText, credText)
	}
	for _, p := range c.Profiles {
		st.profiles++
		got, err := sdkResolve(t, cfgPath, credPath, p.Name)
		if errors.Is(err, errSDKPanic) {
			return // nothing to compare with (see above)
		}
		if err != nil {
			var notExist config.SharedConfigProfileNotExistError
			if errors.As(err, &notExist) && notExist.Profile == p.Name {
				fail("we list %q, the SDK does not know it: %v", p.Name, err)
				continue
			}
			if strings.Contains(err.Error(), "partial credentials found for profile "+p.Name+"\n") {
				st.partial++
				if !hasWarning(p, "refuses to load") {
					fail("profile %q: SDK refuses partial credentials, we do not warn: %v", p.Name, p.Warnings)
				}
				continue
			}
			// A semantic error (role without role_arn, missing source profile or sso-session,
			// two credential types): the profile exists for the SDK; nothing to compare.
			st.sdkErrors++
			continue
		}
		st.compared++
		want := ourView(c, p)
		for k, sv := range got {
			if want[k] != sv {
				fail("profile %q key %s: we say %q, the SDK resolves %q", p.Name, k, want[k], sv)
			}
		}
	}
	for _, n := range names {
		st.probes++
		if c.Profile(n) != nil {
			continue
		}
		_, err := sdkResolve(t, cfgPath, credPath, n)
		if errors.Is(err, errSDKPanic) {
			return
		}
		var notExist config.SharedConfigProfileNotExistError
		if err == nil || !errors.As(err, &notExist) || notExist.Profile != n {
			if (strings.HasPrefix(n, ssoSessionPrefix) || strings.HasPrefix(n, servicesPrefix)) && !strings.Contains(credText, "["+n) {
				continue // config-file sso-session/services sections: not profiles (see above)
			}
			if n == "" {
				continue
			}
			fail("the SDK resolves %q (err=%v), we do not list it", n, err)
		}
	}
}

func hasWarning(p *Profile, sub string) bool {
	for _, w := range p.Warnings {
		if strings.Contains(w, sub) {
			return true
		}
	}
	return false
}

// handDiffCases are edge cases written by hand: {name, config, credentials}.
var handDiffCases = []struct{ name, cfg, cred string }{
	{"basic", "[default]\nregion = us-east-1\n[profile dev]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\n", "[default]\naws_access_key_id = A\naws_secret_access_key = S\n"},
	{"prefixed default wins", "[profile default]\nregion = eu-west-1\n[default]\nregion = us-east-1\n", ""},
	{"prefixed default wins reversed", "[default]\nregion = us-east-1\n[profile default]\nregion = eu-west-1\n", ""},
	{"unprefixed ignored in config", "[dev]\nregion = us-east-1\n[profile x]\nregion=a\n", ""},
	{"profile prefix ignored in credentials", "", "[profile dev]\naws_access_key_id = A\naws_secret_access_key = S\n[dev2]\nregion = r\n"},
	{"merge creds wins", "[profile a]\nregion = us-east-1\nmfa_serial = m1\n", "[a]\nregion = eu-west-1\naws_access_key_id = A\naws_secret_access_key = S\n"},
	{"key case", "[profile a]\nREGION = us-east-1\nRole_Arn = arn\nsource_profile = a\n", ""},
	{"duplicate section merges", "[profile a]\nregion = r1\n[profile b]\nregion = x\n[profile a]\nmfa_serial = m\n", ""},
	{"duplicate key last wins", "[profile a]\nregion = r1\nregion = r2\n", ""},
	{"inline comments", "[profile a]\nregion = us-east-1 # c\nsso_start_url = https://x/#frag\nmfa_serial = m\t;c\ncredential_process = a;b #c\n", ""},
	{"header comment", "[profile a] # comment\nregion = r\n[profile b];c\nregion = s\n", ""},
	{"full line comments", "# c\n; c\n[profile a]\n  # indented\nregion = r\n", ""},
	{"crlf", "[profile a]\r\nregion = r\r\ncredential_process = p\r\n  more\r\n", "[b]\r\nregion = x\r\n"},
	{"colon", "[profile a]\nregion: us-east-1\nrole_arn: arn:aws:iam::1:role/x\nsource_profile = a\n", ""},
	{"continuation", "[profile a]\ncredential_process = cmd\n  --flag\n  --other # kept\nregion = r\n", ""},
	{"subproperties", "[profile a]\ns3 =\n  max_concurrent_requests = 10\n  addressing_style = path\nregion = r\n", ""},
	{"indented key after value is a property (SDK)", "[profile a]\nregion = r\n  mfa_serial = m\n", ""},
	{"indented keys", "[profile a]\n  region = r\n  mfa_serial = m # c\n", ""},
	{"spaces in names", "[profile my prof]\nregion = r\n[profile  two   spaces ]\nregion = s\n", "[cred prof]\nregion = t\n"},
	{"quotes", "[profile a]\nregion = \"us-east-1\"\nmfa_serial = 'm'\nrole_arn = \"a\" # c\nsource_profile = a\n", ""},
	{"sso session", "[profile s]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://x/start\n", ""},
	{"sso session and profile same name", "[profile corp]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://x\n", ""},
	{"legacy sso", "[profile l]\nsso_start_url = https://x\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = r\n", ""},
	{"services ignored", "[services s]\ns3 =\n  endpoint_url = http://x\n[profile a]\nservices = s\n", ""},
	{"static in config token merge", "[profile a]\naws_session_token = T\n", "[a]\naws_access_key_id = A\naws_secret_access_key = S\n"},
	{"partial creds", "", "[a]\naws_access_key_id = A\n"},
	{"partial config fixed by creds", "[profile a]\naws_access_key_id = A\n", "[a]\naws_access_key_id = B\naws_secret_access_key = S\n"},
	{"empty value", "[profile a]\nregion =\nmfa_serial = \n", ""},
	{"key outside section", "region = r\n[profile a]\nregion = s\n", ""},
	{"DEFAULT upper", "[DEFAULT]\nregion = r\n", "[Default]\nregion = s\n"},
	{"profile only word", "[profile]\nregion = r\n", "[profile]\nregion = s\n"},
	{"credential_process with quotes", "[profile a]\ncredential_process = \"/bin/x\" --a 'b'\n", ""},
	{"backtick and triple quote", "[profile a]\ncredential_process = `cmd`\nregion = \"\"\"x\nmfa_serial = `open\n", ""},
	{"comment after empty value", "[profile a]\nregion = # nothing\n  mfa_serial = m\n", ""},
	{"tab before comment", "[profile a]\nregion = r\t# c\n", ""},
	{"value with = and :", "[profile a]\nrole_arn = arn:aws:iam::1:role/a=b\nsource_profile=a\n", ""},
	{"unrecognized line ignored", "[profile a]\nregion = r\njunk line\nmfa_serial = m\n", ""},
	{"sub-property then continuation", "[profile a]\ns3 =\n  k = v\n  cont\nregion = r\n", ""},
	{"header with tabs", "[\tprofile\ta\t]\nregion = r\n", ""},
	{"profile profile", "[profile profile x]\nregion = r\n[profile x]\nregion = s\n", ""},
	{"profile sso-session", "[profile sso-session c]\nregion = r\n[sso-session c]\nsso_region = s\n", ""},
	{"credentials sso-session", "[sso-session c]\nsso_region = a\nsso_start_url = u\n[profile p]\nsso_session = c\n", "[sso-session c]\nsso_region = b\n"},
	{"nbsp and formfeed", "[profile a]\n\fregion = r\n\u00a0mfa_serial = m\n", ""},
	{"empty key", "[profile a]\n= v\n  cont\nregion = r\n", ""},
	{"dash key", "[profile a]\n- = v\nregion = r\n", ""},
}

func handDiffNames(cfg, cred string) []string {
	var names []string
	for _, text := range []string{cfg, cred} {
		for _, line := range strings.Split(text, "\n") {
			if full, ok := sectionName(line); ok {
				names = append(names, full, strings.TrimPrefix(full, profilePrefix))
			}
		}
	}
	return names
}

func TestDifferentialHandWritten(t *testing.T) {
	var st diffStats
	for _, tc := range handDiffCases {
		diffOne(t, tc.name, tc.cfg, tc.cred, handDiffNames(tc.cfg, tc.cred), &st)
	}
	t.Logf("hand-written: %+v", st)
}

// genFiles produces a random pair of files; names are the names used in headers.
func genFiles(r *rand.Rand) (cfg, cred string, names []string) {
	pool := []string{"default", "a", "b", "dev", "Prod", "my prof", "corp", "x-1", "DEFAULT"}
	sessions := []string{"corp", "s1", "s 2"}
	pick := func(s []string) string { return s[r.Intn(len(s))] }
	val := func(base string) string {
		v := base + fmt.Sprint(r.Intn(3))
		switch r.Intn(12) {
		case 0:
			v += " # c"
		case 1:
			v += "\t; c"
		case 2:
			v = "'" + v + "'"
		case 3:
			v = "\"" + v + "\""
		case 4:
			v += "#frag"
		case 5:
			v = "\"" + v + "\" # c"
		}
		return v
	}
	keyCase := func(k string) string {
		switch r.Intn(8) {
		case 0:
			return strings.ToUpper(k)
		case 1:
			return strings.ToUpper(k[:1]) + k[1:]
		}
		return k
	}
	sep := func() string { return pick([]string{" = ", "=", " =", ": ", " = ", "\t=\t"}) }
	keys := func(b *strings.Builder, nl string, credsFile bool) {
		n := r.Intn(6)
		for i := 0; i < n; i++ {
			var k, v string
			switch r.Intn(16) {
			case 0:
				k, v = "region", val("us-east-")
			case 1:
				k, v = "role_arn", val("arn:aws:iam::1:role/r")
			case 2:
				k, v = "source_profile", pick(pool)
			case 3:
				k, v = "credential_source", val("Environment")
			case 4:
				k, v = "sso_session", pick(sessions)
			case 5:
				k, v = "sso_start_url", val("https://x/start")
			case 6:
				k, v = "sso_region", val("eu-west-")
			case 7:
				k, v = "sso_account_id", val("12345")
			case 8:
				k, v = "sso_role_name", val("Admin")
			case 9:
				k, v = "credential_process", val("/bin/cred --p ")
			case 10:
				k, v = "mfa_serial", val("arn:aws:iam::1:mfa/u")
			case 11, 12:
				k, v = keyAccessKeyID, val("AKIA")
				if r.Intn(4) > 0 {
					fmt.Fprintf(b, "%s%s%s%s", keyCase(k), sep(), v, nl)
					k, v = keySecretAccessKey, val("secret")
				}
			case 13:
				k, v = keySessionToken, val("tok")
			case 14:
				k, v = "s3", ""
			default:
				k, v = "output", val("json")
			}
			indent := ""
			if r.Intn(10) == 0 {
				indent = "  "
			}
			fmt.Fprintf(b, "%s%s%s%s%s", indent, keyCase(k), sep(), v, nl)
			switch r.Intn(10) {
			case 0:
				fmt.Fprintf(b, "  cont%d%s", r.Intn(9), nl)
			case 1:
				fmt.Fprintf(b, "  sub%d = v%s", r.Intn(3), nl)
			case 2:
				fmt.Fprintf(b, "# comment%s", nl)
			case 3:
				b.WriteString(nl)
			case 4:
				fmt.Fprintf(b, "  # indented comment%s", nl)
			}
		}
	}
	file := func(credsFile bool) string {
		var b strings.Builder
		nl := "\n"
		if r.Intn(4) == 0 {
			nl = "\r\n"
		}
		n := r.Intn(7)
		for i := 0; i < n; i++ {
			name := pick(pool)
			var hdr string
			switch x := r.Intn(14); {
			case credsFile && x < 10:
				hdr = name
			case credsFile && x < 12:
				hdr = "profile " + name
			case credsFile:
				hdr = "sso-session " + pick(sessions)
			case x < 6:
				hdr = "profile " + name
			case x < 7:
				hdr = " profile  " + name + " "
			case x < 8:
				hdr = name
			case x < 10:
				hdr = "sso-session " + pick(sessions)
			case x < 11:
				hdr = "services s"
			case x < 12:
				hdr = "default"
			default:
				hdr = "Profile " + name
			}
			names = append(names, name, hdr, strings.TrimSpace(hdr))
			tail := ""
			if r.Intn(8) == 0 {
				tail = pick([]string{" # c", ";c", "   "})
			}
			fmt.Fprintf(&b, "[%s]%s%s", hdr, tail, nl)
			keys(&b, nl, credsFile)
		}
		return b.String()
	}
	return file(false), file(true), names
}

func TestDifferentialGenerated(t *testing.T) {
	n := 600
	if testing.Short() {
		n = 100
	}
	r := rand.New(rand.NewSource(20240601))
	var st diffStats
	for i := 0; i < n; i++ {
		cfg, cred, names := genFiles(r)
		diffOne(t, fmt.Sprintf("generated #%d", i), cfg, cred, names, &st)
		if t.Failed() {
			break
		}
	}
	t.Logf("generated: %+v", st)
	if st.compared < n/2 {
		t.Errorf("only %d profiles compared field by field; the generator is too often invalid", st.compared)
	}
}

// FuzzDifferential runs the differential test on arbitrary file pairs: whatever Load accepts
// must list the profiles the SDK resolves, with the settings it resolves. Files Load refuses
// (*ParseError) and files starting with a byte-order mark are the documented differences above.
func FuzzDifferential(f *testing.F) {
	for _, tc := range handDiffCases {
		f.Add(tc.cfg, tc.cred)
	}
	r := rand.New(rand.NewSource(7))
	for range 20 {
		cfg, cred, _ := genFiles(r)
		f.Add(cfg, cred)
	}
	f.Fuzz(func(t *testing.T, cfg, cred string) {
		for _, text := range []string{cfg, cred} {
			if strings.HasPrefix(text, "\ufeff") {
				return
			}
		}
		p := writeFiles(t, cfg, cred)
		if _, err := Load(p); err != nil {
			return
		}
		var st diffStats
		diffOne(t, "fuzz", cfg, cred, handDiffNames(cfg, cred), &st)
	})
}
