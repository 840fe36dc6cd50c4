package awsconfig

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// genLarge writes a config file with n profiles of mixed kinds and a credentials file with
// static keys for one profile in ten.
func genLarge(tb testing.TB, dir string, n int) Paths {
	tb.Helper()
	var cfg, cred strings.Builder
	cfg.WriteString("[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n\n")
	for i := 0; i < n; i++ {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&cfg, "[profile p%05d]\nregion = us-east-1\noutput = json\n\n", i)
			fmt.Fprintf(&cred, "[p%05d]\naws_access_key_id = AKIA%012d\naws_secret_access_key = secret%d\n\n", i, i, i)
		case 1:
			fmt.Fprintf(&cfg, "[profile p%05d]\nrole_arn = arn:aws:iam::123456789012:role/r%d\nsource_profile = p%05d\nmfa_serial = arn:aws:iam::123456789012:mfa/u\nregion = eu-west-1\n\n", i, i, i-1)
		case 2:
			fmt.Fprintf(&cfg, "[profile p%05d]\nsso_session = corp\nsso_account_id = %012d\nsso_role_name = Admin\nregion = us-west-2 # comment\n\n", i, i)
		case 3:
			fmt.Fprintf(&cfg, "[profile p%05d]\ncredential_process = /usr/local/bin/cred --profile p%d\ngranted_color = blue\n\n", i, i)
		}
	}
	p := Paths{ConfigFile: filepath.Join(dir, "config"), CredentialsFile: filepath.Join(dir, "credentials")}
	if err := os.WriteFile(p.ConfigFile, []byte(cfg.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p.CredentialsFile, []byte(cred.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		b.Run(fmt.Sprintf("profiles=%d", n), func(b *testing.B) {
			p := genLarge(b, b.TempDir(), n)
			b.ReportAllocs()
			for b.Loop() {
				c, err := Load(p)
				if err != nil {
					b.Fatal(err)
				}
				if len(c.Profiles) != n {
					b.Fatalf("got %d profiles", len(c.Profiles))
				}
			}
		})
	}
}

func TestLoadLarge(t *testing.T) {
	p := genLarge(t, t.TempDir(), 10000)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Profiles) != 10000 || len(c.Warnings) != 0 {
		t.Fatalf("%d profiles, warnings %v", len(c.Profiles), c.Warnings)
	}
	for i, pr := range c.Profiles {
		if want := fmt.Sprintf("p%05d", i); pr.Name != want {
			t.Fatalf("profile %d is %q, want %q (order)", i, pr.Name, want)
		}
	}
	if got := c.Profile("p00002").Get("region"); got != "us-west-2" {
		t.Fatalf("region = %q", got)
	}
	if got := c.Profile("p09996").Get("aws_secret_access_key"); got != "secret9996" {
		t.Fatalf("secret = %q", got)
	}
}
