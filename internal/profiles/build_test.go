package profiles

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

const (
	keyID  = "aws_access_key_id=AKIAEXAMPLE"
	secret = "aws_secret_access_key=s3cr3t"
	stoken = "aws_session_token=FQoGZXIvYXdzE"
	roleA  = "role_arn=arn:aws:iam::111122223333:role/admin"
)

func TestBuildOrderAndNil(t *testing.T) {
	cfg := config(nil, prof("zeta", keyID, secret), prof("alpha", keyID, secret), prof("default", "region=us-east-1"))
	got := Build(cfg, now)
	var names []string
	for _, p := range got {
		names = append(names, p.Name)
	}
	if want := []string{"zeta", "alpha", "default"}; !slices.Equal(names, want) {
		t.Errorf("order = %q, want file order %q", names, want)
	}
	for _, c := range []*awsconfig.Config{nil, {}} {
		list := Build(c, now)
		if list == nil {
			t.Error("Build returned nil; want an empty slice (JSON [])")
		}
		if b, _ := json.Marshal(list); string(b) != "[]" {
			t.Errorf("empty list marshals as %s", b)
		}
	}
}

// TestBuildCredentials: has_credentials and the warning that explains a false.
func TestBuildCredentials(t *testing.T) {
	sessions := []*awsconfig.SSOSession{
		session("corp", "sso_start_url=https://corp.awsapps.com/start", "sso_region=eu-west-1"),
		session("half", "sso_start_url=https://half.awsapps.com/start"),
	}
	profiles := []*awsconfig.Profile{
		prof("static", keyID, secret),
		prof("session", keyID, secret, stoken),
		prof("key-only", keyID),
		prof("secret-only", secret),
		prof("config-only", "region=eu-west-1"),
		prof("role", roleA, "source_profile=static"),
		prof("role-mfa", roleA, "source_profile=static", "mfa_serial=arn:aws:iam::111122223333:mfa/me"),
		prof("role-chain", roleA, "source_profile=role"),
		prof("role-from-sso", roleA, "source_profile=sso"),
		prof("role-missing-src", roleA, "source_profile=nope"),
		prof("role-deep-missing", roleA, "source_profile=role-missing-src"),
		prof("role-no-src", roleA),
		prof("role-own-keys", roleA, keyID, secret),
		prof("role-src-and-credsrc", roleA, "source_profile=static", "credential_source=Environment"),
		prof("role-env", roleA, "credential_source=Environment"),
		prof("role-ecs", roleA, "credential_source=EcsContainer"),
		prof("role-imds", roleA, "credential_source=Ec2InstanceMetadata"),
		prof("role-bad-credsrc", roleA, "credential_source=environment"),
		prof("src-no-role", "source_profile=static"),
		prof("cycle-a", roleA, "source_profile=cycle-b"),
		prof("cycle-b", roleA, "source_profile=cycle-a"),
		prof("self", roleA, "source_profile=self", keyID, secret),
		prof("self-no-keys", roleA, "source_profile=self-no-keys"),
		prof("to-login", roleA, "source_profile=login"),
		prof("to-config-only", roleA, "source_profile=config-only"),
		prof("sso", "sso_session=corp", "sso_account_id=111122223333", "sso_role_name=Admin"),
		prof("sso-legacy", "sso_start_url=https://l.awsapps.com/start", "sso_region=us-east-1", "sso_account_id=111122223333", "sso_role_name=Admin"),
		prof("sso-legacy-partial", "sso_start_url=https://l.awsapps.com/start", "sso_account_id=111122223333"),
		prof("sso-no-role", "sso_session=corp", "sso_account_id=111122223333"),
		prof("sso-missing-session", "sso_session=ghost", "sso_account_id=111122223333", "sso_role_name=Admin"),
		prof("sso-half-session", "sso_session=half", "sso_account_id=111122223333", "sso_role_name=Admin"),
		prof("sso-region-mismatch", "sso_session=corp", "sso_region=us-east-1", "sso_account_id=111122223333", "sso_role_name=Admin"),
		prof("process", "credential_process=/bin/creds"),
		prof("process-and-webid", roleA, "credential_process=/bin/creds", "web_identity_token_file=/t"),
		prof("webid", roleA, "web_identity_token_file=/var/run/token"),
		prof("webid-no-role", "web_identity_token_file=/var/run/token"),
		prof("login", "login_session=arn:aws:iam::111122223333:user/me"),
	}
	tests := []struct {
		name      string
		want      bool
		fragments []string // one warning must contain them all ("" = no warnings about credentials)
	}{
		{"static", true, nil},
		{"session", true, nil},
		{"key-only", false, []string{"aws_access_key_id is set without aws_secret_access_key", "partial"}},
		{"secret-only", false, []string{"aws_secret_access_key is set without aws_access_key_id"}},
		{"config-only", false, []string{"no credentials"}},
		{"role", true, nil},
		{"role-mfa", true, nil},
		{"role-chain", true, nil},
		{"role-from-sso", true, nil},
		{"role-missing-src", false, []string{`source_profile "nope"`, "not in the config"}},
		{"role-deep-missing", false, []string{`source profile "role-missing-src"`, `"nope"`}},
		{"role-no-src", false, []string{"role_arn", "source_profile", "instance metadata"}},
		{"role-own-keys", true, []string{"AWS CLI rejects"}},
		{"role-src-and-credsrc", false, []string{"source_profile and credential_source", "only one"}},
		{"role-env", true, nil},
		{"role-ecs", true, nil},
		{"role-imds", false, []string{"Ec2InstanceMetadata", "never calls"}},
		{"role-bad-credsrc", false, []string{"credential_source = environment", "Environment"}},
		{"src-no-role", false, []string{"role_arn is missing"}},
		{"cycle-a", false, []string{"loops back", "cycle-a → cycle-b → cycle-a"}},
		{"cycle-b", false, []string{"loops back"}},
		{"self", true, nil},
		{"self-no-keys", false, []string{"loops back"}},
		{"to-login", false, []string{`"login" signs in with login_session`}},
		{"to-config-only", false, []string{`"config-only" has no credentials`}},
		{"sso", true, nil},
		{"sso-legacy", true, nil},
		{"sso-legacy-partial", false, []string{"missing sso_region, sso_role_name"}},
		{"sso-no-role", false, []string{"missing sso_role_name"}},
		{"sso-missing-session", false, []string{"[sso-session ghost]"}},
		{"sso-half-session", false, []string{"sso_region (in [sso-session half])"}},
		{"sso-region-mismatch", false, []string{"sso_region = us-east-1", "[sso-session corp]"}},
		{"process", true, nil},
		{"process-and-webid", false, []string{"credential_process and web_identity_token_file", "only one"}},
		{"webid", true, nil},
		{"webid-no-role", false, []string{"web_identity_token_file is set but role_arn is missing"}},
		{"login", true, nil},
	}
	list := Build(config(sessions, profiles...), now)
	if len(list) != len(profiles) {
		t.Fatalf("got %d profiles, want %d", len(list), len(profiles))
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.name] = true
		p := byName(t, list, tt.name)
		if p.HasCredentials != tt.want {
			t.Errorf("%s: has_credentials = %v, want %v (warnings %q)", tt.name, p.HasCredentials, tt.want, p.Warnings)
		}
		if tt.fragments == nil {
			if len(p.Warnings) != 0 {
				t.Errorf("%s: unexpected warnings %q", tt.name, p.Warnings)
			}
		} else if !hasWarning(p.Warnings, tt.fragments...) {
			t.Errorf("%s: warnings %q, want one with %q", tt.name, p.Warnings, tt.fragments)
		}
		for _, w := range p.Warnings {
			if strings.Contains(w, "s3cr3t") || strings.Contains(w, "FQoGZXIvYXdzE") {
				t.Errorf("%s: warning leaks a secret: %s", tt.name, w)
			}
		}
	}
	for _, p := range profiles {
		if !seen[p.Name] {
			t.Errorf("profile %s has no test row", p.Name)
		}
	}
}

func TestBuildFields(t *testing.T) {
	sessions := []*awsconfig.SSOSession{session("corp", "sso_start_url=https://corp.awsapps.com/start", "sso_region=eu-west-1")}
	cfg := config(sessions,
		prof("base", keyID, secret, "region=us-west-2"),
		prof("role", roleA, "source_profile=base", "mfa_serial=arn:aws:iam::999988887777:mfa/me", "region=eu-central-1"),
		prof("sso", "sso_session=corp", "sso_account_id=444455556666", "sso_role_name=ReadOnly", "region=us-east-2"),
		prof("legacy", "sso_start_url=https://l.awsapps.com/start", "sso_region=us-east-1", "sso_account_id=777788889999", "sso_role_name=Admin"),
		prof("keys-with-account", keyID, secret, "aws_account_id=121212121212"),
	)
	list := Build(cfg, now)

	role := byName(t, list, "role")
	if role.Kind != KindRole || role.RoleARN != "arn:aws:iam::111122223333:role/admin" || role.SourceProfile != "base" ||
		role.MFASerial != "arn:aws:iam::999988887777:mfa/me" || role.AccountID != "111122223333" ||
		role.Region != "eu-central-1" || role.AWSRegion != "eu-central-1" || role.IsSSO || role.SSOTokenState != "" {
		t.Errorf("role = %+v", role)
	}

	sso := byName(t, list, "sso")
	if !sso.IsSSO || sso.Kind != KindSSO || sso.SSOSession != "corp" || sso.SSOStartURL != "https://corp.awsapps.com/start" ||
		sso.SSORegion != "eu-west-1" || sso.SSOAccountID != "444455556666" || sso.SSORoleName != "ReadOnly" ||
		sso.AccountID != "444455556666" || sso.SSOTokenState != TokenUnknown || !sso.HasCredentials || sso.Expiration != nil {
		t.Errorf("sso = %+v", sso)
	}
	legacy := byName(t, list, "legacy")
	if legacy.SSOSession != "" || legacy.SSOStartURL != "https://l.awsapps.com/start" || legacy.SSORegion != "us-east-1" || legacy.Partition != "aws" {
		t.Errorf("legacy = %+v", legacy)
	}
	if got := byName(t, list, "keys-with-account").AccountID; got != "121212121212" {
		t.Errorf("aws_account_id not used: %q", got)
	}
}

func TestBuildExpiry(t *testing.T) {
	tests := []struct {
		name     string
		kv       []string
		comment  string
		want     string // "" = null
		expired  bool
		warnings []string
	}{
		{"none", nil, "", "", false, nil},
		{"comment future", nil, "2025-06-01 12:00:01", "2025-06-01T12:00:01Z", false, nil},
		{"comment past", nil, "2020-01-01 00:00:00", "2020-01-01T00:00:00Z", true, nil},
		{"comment equal to now is expired", nil, "2025-06-01 12:00:00", "2025-06-01T12:00:00Z", true, nil},
		{"aws_expiration Z", []string{"aws_expiration=2025-06-01T13:00:00Z"}, "", "2025-06-01T13:00:00Z", false, nil},
		{"aws_expiration fraction", []string{"aws_expiration=2025-06-01T11:59:59.999Z"}, "", "2025-06-01T11:59:59Z", true, nil},
		{"x_security_token_expires offset", []string{"x_security_token_expires=2025-06-01T14:00:00+02:00"}, "", "2025-06-01T12:00:00Z", true, nil},
		{"expiration old CLI", []string{"expiration=2025-06-01T12:30:00UTC"}, "", "2025-06-01T12:30:00Z", false, nil},
		{"expiration +0000", []string{"expiration=2025-06-02T00:00:00+0000"}, "", "2025-06-02T00:00:00Z", false, nil},
		{"keys beat comment", []string{"aws_expiration=2030-01-01T00:00:00Z"}, "2020-01-01 00:00:00", "2030-01-01T00:00:00Z", false, nil},
		{"aws_expiration beats expiration", []string{"expiration=2020-01-01T00:00:00Z", "aws_expiration=2030-01-01T00:00:00Z"}, "", "2030-01-01T00:00:00Z", false, nil},
		{"unparsable key falls back", []string{"aws_expiration=soon"}, "2030-01-01 00:00:00", "2030-01-01T00:00:00Z", false, []string{"aws_expiration = soon"}},
		{"unparsable comment", nil, "next tuesday", "", false, []string{"# Expires next tuesday"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ap := prof("p", append([]string{keyID, secret, stoken}, tt.kv...)...)
			ap.ExpiresComment = tt.comment
			p := Build(config(nil, ap), now)[0]
			got := ""
			if p.Expiration != nil {
				got = *p.Expiration
			}
			if got != tt.want || p.Expired != tt.expired {
				t.Errorf("expiration = %q expired = %v, want %q %v", got, p.Expired, tt.want, tt.expired)
			}
			if len(p.Warnings) != len(tt.warnings) {
				t.Fatalf("warnings = %q, want %d", p.Warnings, len(tt.warnings))
			}
			for i, f := range tt.warnings {
				if !strings.Contains(p.Warnings[i], f) {
					t.Errorf("warning %q does not mention %q", p.Warnings[i], f)
				}
			}
			if !p.HasCredentials {
				t.Error("an expiry must not take credentials away")
			}
		})
	}
}

func TestBuildPartition(t *testing.T) {
	tests := []struct {
		name     string
		kv       []string
		want     string
		warnings []string
	}{
		{"default", []string{keyID, secret}, "aws", nil},
		{"gov region", []string{keyID, secret, "region=us-gov-west-1"}, "aws-us-gov", nil},
		{"china region", []string{keyID, secret, "region=cn-north-1"}, "aws-cn", nil},
		{"eusc region", []string{keyID, secret, "region=eusc-de-east-1"}, "aws-eusc", nil},
		{"from role ARN without region", []string{"role_arn=arn:aws-us-gov:iam::1:role/r", "source_profile=base"}, "aws-us-gov", nil},
		{"from mfa ARN without region", []string{keyID, secret, "mfa_serial=arn:aws-cn:iam::1:mfa/me"}, "aws-cn", nil},
		{"from sso_region without region", []string{"sso_start_url=https://x", "sso_region=us-gov-west-1", "sso_account_id=1", "sso_role_name=r"}, "aws-us-gov", nil},
		{"region wins, mismatch warned", []string{"role_arn=arn:aws-cn:iam::1:role/r", "source_profile=base", "region=us-east-1"}, "aws", []string{"partition aws but the ARNs in this profile are in aws-cn"}},
		{"iso warned", []string{keyID, secret, "region=us-iso-east-1"}, "aws-iso", []string{"no public AWS Console"}},
		{"iso-b warned", []string{keyID, secret, "region=us-isob-east-1"}, "aws-iso-b", []string{"aws-iso-b has no public AWS Console"}},
		{"unknown partition warned", []string{"role_arn=arn:aws-gov:iam::1:role/r", "source_profile=base"}, "aws-gov", []string{"partition aws-gov is not one this host knows (aws, aws-us-gov, aws-cn, aws-eusc)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list := Build(config(nil, prof("base", keyID, secret), prof("p", tt.kv...)), now)
			p := list[1]
			if p.Partition != tt.want {
				t.Errorf("partition = %q, want %q", p.Partition, tt.want)
			}
			if len(p.Warnings) != len(tt.warnings) {
				t.Fatalf("warnings = %q, want %q", p.Warnings, tt.warnings)
			}
			for i, f := range tt.warnings {
				if !strings.Contains(p.Warnings[i], f) {
					t.Errorf("warning %q does not mention %q", p.Warnings[i], f)
				}
			}
		})
	}
}

func TestBuildWarningsCarriedAndColour(t *testing.T) {
	ap := prof("prod admin", keyID, secret, "granted_color=neon", "aws_security_token=x")
	ap.Warnings = []string{"config:3: duplicate key region; the AWS CLI refuses the file"}
	p := Build(config(nil, ap), now)[0]
	if p.Color != "red" || p.Icon != "briefcase" {
		t.Errorf("colour = %s %s", p.Color, p.Icon)
	}
	for _, f := range []string{"duplicate key region", "granted_color = neon", "rename it to aws_session_token"} {
		if !hasWarning(p.Warnings, f) {
			t.Errorf("warnings %q, want one with %q", p.Warnings, f)
		}
	}
	// Build must not alias the awsconfig warnings slice.
	p.Warnings[0] = "changed"
	if ap.Warnings[0] == "changed" {
		t.Error("Build aliases awsconfig Profile.Warnings")
	}
}

// TestProfileJSON checks the wire shape against the extension's keys.
func TestProfileJSON(t *testing.T) {
	sessions := []*awsconfig.SSOSession{session("corp", "sso_start_url=https://corp.awsapps.com/start", "sso_region=eu-west-1")}
	static := prof("prod-admin", keyID, secret, "region=eu-west-1")
	static.ExpiresComment = "2020-01-01 00:00:00"
	list := Build(config(sessions, static,
		prof("dev", keyID, secret),
		prof("sso", "sso_session=corp", "sso_account_id=1", "sso_role_name=r", "region=eu-west-1"),
	), now)

	decode := func(p Profile) map[string]any {
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	extensionKeys := []string{"name", "has_credentials", "expiration", "expired", "is_sso", "color", "icon"}
	ssoKeys := []string{"sso_start_url", "sso_session", "sso_region", "sso_account_id", "sso_role_name"}

	m := decode(list[0])
	want := map[string]any{"name": "prod-admin", "has_credentials": true, "expiration": "2020-01-01T00:00:00Z",
		"expired": true, "is_sso": false, "color": "red", "icon": "briefcase", "aws_region": "eu-west-1",
		"kind": "static", "partition": "aws", "region": "eu-west-1"}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("static: %s = %#v, want %#v", k, m[k], v)
		}
	}
	for _, k := range ssoKeys {
		if _, ok := m[k]; ok {
			t.Errorf("static profile carries %s", k)
		}
	}
	for _, k := range []string{"settings", "sso_token_state", "warnings", "role_arn", "account_id"} {
		if _, ok := m[k]; ok {
			t.Errorf("static profile carries empty %s", k)
		}
	}

	m = decode(list[1])
	if v, ok := m["expiration"]; !ok || v != nil {
		t.Errorf("expiration = %#v (present %v), want null", v, ok)
	}
	for _, k := range extensionKeys {
		if _, ok := m[k]; !ok {
			t.Errorf("key %s missing", k)
		}
	}
	for k, typ := range map[string]string{"name": "string", "has_credentials": "bool", "expired": "bool", "is_sso": "bool", "color": "string", "icon": "string"} {
		if got := fmt.Sprintf("%T", m[k]); got != typ {
			t.Errorf("%s is %s, want %s", k, got, typ)
		}
	}

	m = decode(list[2])
	for _, k := range append(extensionKeys, ssoKeys...) {
		if _, ok := m[k]; !ok {
			t.Errorf("sso: key %s missing", k)
		}
	}
	if m["is_sso"] != true || m["sso_token_state"] != "unknown" || m["sso_region"] != "eu-west-1" || m["aws_region"] != "eu-west-1" {
		t.Errorf("sso = %v", m)
	}
}

func BenchmarkBuild(b *testing.B) {
	cfg := bigConfig(10000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Build(cfg, now)
	}
}

// bigConfig makes n profiles of every kind, with role chains and SSO sessions.
func bigConfig(n int) *awsconfig.Config {
	var sessions []*awsconfig.SSOSession
	for i := range 20 {
		sessions = append(sessions, session(fmt.Sprintf("s%d", i), "sso_start_url=https://s.awsapps.com/start", "sso_region=us-east-1"))
	}
	profiles := make([]*awsconfig.Profile, 0, n)
	for i := range n {
		name := fmt.Sprintf("team%d-%s-account%d", i%50, [...]string{"prod", "dev", "stagingEnv", "qa", "sandbox"}[i%5], i)
		var p *awsconfig.Profile
		switch i % 5 {
		case 0:
			p = prof(name, keyID, secret, "region=us-east-1", "aws_expiration=2025-06-01T13:00:00Z")
		case 1:
			p = prof(name, fmt.Sprintf("role_arn=arn:aws:iam::%012d:role/admin", i), fmt.Sprintf("source_profile=%s", profiles[i-1].Name), "region=eu-west-1")
		case 2:
			p = prof(name, fmt.Sprintf("sso_session=s%d", i%20), fmt.Sprintf("sso_account_id=%012d", i), "sso_role_name=Admin")
		case 3:
			p = prof(name, fmt.Sprintf("role_arn=arn:aws:iam::%012d:role/admin", i), fmt.Sprintf("source_profile=%s", profiles[i-2].Name))
		default:
			p = prof(name, "credential_process=/bin/creds", "region=us-gov-west-1")
		}
		profiles = append(profiles, p)
	}
	return config(sessions, profiles...)
}

func TestBigConfigIsHealthy(t *testing.T) {
	for _, p := range Build(bigConfig(100), now) {
		if !p.HasCredentials || len(p.Warnings) != 0 {
			t.Fatalf("%s: has_credentials %v, warnings %q", p.Name, p.HasCredentials, p.Warnings)
		}
	}
}

func TestBuildNilEntries(t *testing.T) {
	cfg := config(nil, prof("base", keyID, secret), nil, prof("role", roleA, "source_profile=base"))
	list := Build(cfg, now)
	if len(list) != 2 || !list[1].HasCredentials {
		t.Fatalf("nil entries: %+v", list)
	}
	EnrichSSO(list, cfg, t.TempDir(), nil, now)
}

// aws login sessions and roles: the advice must be what aws-sdk-go-v2 accepts.
func TestLoginSessionRoleWarnings(t *testing.T) {
	cfg := &awsconfig.Config{Profiles: []*awsconfig.Profile{
		{Name: "me", Settings: awsconfig.SettingsOf("login_session", "arn:aws:iam::111122223333:user/me")},
		{Name: "via-source", Settings: awsconfig.SettingsOf("role_arn", "arn:aws:iam::111122223333:role/R", "source_profile", "me")},
		{Name: "together", Settings: awsconfig.SettingsOf("role_arn", "arn:aws:iam::111122223333:role/R", "login_session", "arn:aws:iam::111122223333:user/me")},
	}}
	got := map[string]Profile{}
	for _, p := range Build(cfg, time.Now()) {
		got[p.Name] = p
	}
	if p := got["via-source"]; p.HasCredentials || !strings.Contains(strings.Join(p.Warnings, " "), "login_session, which aws-sdk-go-v2 does not accept") {
		t.Errorf("role sourcing a login profile: %+v", p)
	}
	if p := got["together"]; !p.HasCredentials || strings.Contains(strings.Join(p.Warnings, " "), "move those credentials") {
		t.Errorf("role_arn with login_session: %+v", p)
	}
}
