package sso

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
)

const handConfig = `# my config; keep this comment
[default]
region   =   us-east-1 ; odd spacing stays

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile Prod.Admin]
# written by hand
sso_session = corp
sso_account_id = 999999999999
sso_role_name = Admin
`

func loadData(t *testing.T, data []byte) *awsconfig.Config {
	t.Helper()
	f := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(f, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := awsconfig.Load(awsconfig.Paths{ConfigFile: f})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestPlanPopulate(t *testing.T) {
	tgt := Target{Session: "corp", StartURL: "https://corp.awsapps.com/start", Region: "eu-west-1"}
	as := []Assignment{
		{"111111111111", "Prod", "Admin"},
		{"111111111111", "Prod", "ReadOnly"},
		{"222222222222", "Dev Team (EU)", "Admin"},
		{"333333333333", "Dev Team (EU)", "Admin"}, // same rendered name as the one before
	}
	data := []byte(handConfig)
	plan, err := PlanPopulate(data, loadData(t, data), tgt, as, PopulateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Prod.Admin-111111111111", "Prod.ReadOnly", "Dev-Team-EU-.Admin", "Dev-Team-EU-.Admin-333333333333"}
	if !slices.Equal(plan.Profiles, want) {
		t.Errorf("names %q, want %q", plan.Profiles, want)
	}
	if len(plan.Notes) != 1 || !strings.Contains(plan.Notes[0], "Prod.Admin is defined outside") {
		t.Errorf("notes %q", plan.Notes)
	}
	if !strings.HasPrefix(string(plan.New), handConfig) {
		t.Fatal("the hand-written part changed")
	}
	// The generated profiles load as SSO profiles of the session, with the region.
	cfg := loadData(t, plan.New)
	p := cfg.Profile("Prod.ReadOnly")
	if p == nil || p.Get("sso_session") != "corp" || p.Get("sso_account_id") != "111111111111" || p.Get("sso_role_name") != "ReadOnly" || p.Get("region") != "eu-west-1" {
		t.Fatalf("generated profile %+v", p)
	}
	if hand := cfg.Profile("Prod.Admin"); hand.Get("sso_account_id") != "999999999999" {
		t.Error("the hand-written profile was touched")
	}

	// Same answers: nothing changes.
	again, err := PlanPopulate(plan.New, cfg, tgt, as, PopulateOptions{})
	if err != nil || again.Changed() || len(again.Added)+len(again.Removed) != 0 {
		t.Fatalf("second run changes the file: %v %q %q", err, again.Added, again.Removed)
	}

	// An account goes away, a role comes; text after the block stays too.
	after := append(append([]byte(nil), plan.New...), []byte("\n[profile later]\nregion = us-west-2\n")...)
	as2 := []Assignment{{"111111111111", "Prod", "ReadOnly"}, {"111111111111", "Prod", "Billing"}}
	third, err := PlanPopulate(after, loadData(t, after), tgt, as2, PopulateOptions{Region: "us-east-2", Template: "{session}-{account_id}-{role_name}"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(third.Profiles, []string{"corp-111111111111-ReadOnly", "corp-111111111111-Billing"}) ||
		len(third.Removed) != 4 || len(third.Added) != 2 {
		t.Errorf("profiles %q added %q removed %q", third.Profiles, third.Added, third.Removed)
	}
	if !strings.HasPrefix(string(third.New), handConfig) || !strings.HasSuffix(string(third.New), "\n[profile later]\nregion = us-west-2\n") {
		t.Errorf("text outside the block changed:\n%s", third.New)
	}
	if strings.Count(string(third.New), "aws-profile-bridge sso populate") != 2 {
		t.Errorf("want one block:\n%s", third.New)
	}
	d := third.Diff("config")
	if !strings.Contains(d, "-[profile Prod.ReadOnly]") || !strings.Contains(d, "+[profile corp-111111111111-Billing]") || !strings.Contains(d, "+region = us-east-2") || strings.Contains(d, "keep this comment") {
		t.Errorf("diff:\n%s", d)
	}
	if again.Diff("config") != "" {
		t.Error("a diff for no change")
	}
}

func TestPlanPopulateEdges(t *testing.T) {
	tgt := Target{Session: "corp", Region: "eu-west-1"}
	as := []Assignment{{"1", "A", "R"}}
	// CRLF files get CRLF lines; a file without a final newline gets one before the block.
	crlf := []byte("[default]\r\nregion = us-east-1")
	plan, err := PlanPopulate(crlf, loadData(t, crlf), tgt, as, PopulateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(plan.New), "[default]\r\nregion = us-east-1\r\n\r\n# aws-profile-bridge") || strings.Count(string(plan.New), "\n") != strings.Count(string(plan.New), "\r\n") {
		t.Errorf("CRLF: %q", plan.New)
	}
	// A begin line without its end is refused.
	broken := []byte(blockBegin("corp") + "\n[profile x]\n")
	if _, err := PlanPopulate(broken, loadData(t, broken), tgt, as, PopulateOptions{}); err == nil || !strings.Contains(err.Error(), "no end line") {
		t.Errorf("err %v", err)
	}
	// A legacy target cannot be populated.
	if _, err := PlanPopulate(nil, &awsconfig.Config{}, Target{StartURL: "x"}, as, PopulateOptions{}); err == nil {
		t.Error("legacy target accepted")
	}
	for in, want := range map[string]string{"a b/c": "a-b-c", "--x--": "x", "ünï": "n", "": "1.R"} {
		if got := profileName("{account_name}", "s", Assignment{"1", in, "R"}); got != want {
			t.Errorf("profileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAssignmentsPages(t *testing.T) {
	w := newWorld(t)
	w.fake.SetSSO(fakeaws.SSOConfig{PageSize: 2, Accounts: []fakeaws.SSOAccount{
		{ID: "3", Name: "c", Roles: []string{"R1", "R2", "R3"}},
		{ID: "1", Name: "a", Roles: []string{"Admin"}},
		{ID: "2", Name: "b"},
	}})
	as, err := Assignments(context.Background(), w.portal, "tok")
	if err != nil {
		t.Fatal(err)
	}
	want := []Assignment{{"1", "a", "Admin"}, {"3", "c", "R1"}, {"3", "c", "R2"}, {"3", "c", "R3"}}
	if !slices.Equal(as, want) {
		t.Errorf("got %v, want %v", as, want)
	}
	// 3 accounts at 2 a page: 2 ListAccounts; roles: c 2 pages, a 1, b 1.
	if n, m := len(w.fake.Find("ListAccounts")), len(w.fake.Find("ListAccountRoles")); n != 2 || m != 4 {
		t.Errorf("%d ListAccounts, %d ListAccountRoles", n, m)
	}
	w.fake.Fail("ListAccounts", fakeaws.Failure{Code: "UnauthorizedException"})
	if _, err := Assignments(context.Background(), w.portal, "tok"); err == nil || !strings.Contains(err.Error(), "listing accounts") {
		t.Errorf("err %v", err)
	}
}
