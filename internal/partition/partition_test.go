package partition

import (
	"slices"
	"strings"
	"testing"
)

func TestOf(t *testing.T) {
	tests := map[string]string{
		"":                AWS,
		"us-east-1":       AWS,
		"eu-west-1":       AWS,
		"eu-central-2":    AWS,
		"us-gov-west-1":   GovCloud,
		"cn-north-1":      China,
		"cn-northwest-1":  China,
		"eusc-de-east-1":  EUSC,
		"us-iso-east-1":   ISO,
		"us-isob-east-1":  ISOB,
		"eu-isoe-west-1":  ISOE,
		"us-isof-south-1": ISOF,
		"US-GOV-EAST-1":   GovCloud,
		" cn-north-1 ":    China,
		"usgov":           AWS,
	}
	for region, want := range tests {
		if got := Of(region); got != want {
			t.Errorf("Of(%q) = %q, want %q", region, got, want)
		}
	}
}

// TestTable: every region the table lists has a valid name and belongs to its own partition,
// and every partition with a console has its default region among its regions.
func TestTable(t *testing.T) {
	seen := map[string]bool{}
	for i := range table {
		p := &table[i]
		if Lookup(p.ID) != p {
			t.Errorf("Lookup(%q) does not find it", p.ID)
		}
		if p.HasConsole() != (len(p.Regions) > 0) || p.HasConsole() != (p.DefaultRegion != "") || p.HasConsole() != (p.SigninDomain != "") {
			t.Errorf("%s: a partition with a console has regions, a default region and a sign-in domain; one without has none", p.ID)
		}
		for _, r := range p.Regions {
			if seen[r.Code] || !ValidRegion(r.Code) || Of(r.Code) != p.ID || r.Name == "" {
				t.Errorf("%s: region %+v is a duplicate, malformed, or of partition %s", p.ID, r, Of(r.Code))
			}
			seen[r.Code] = true
		}
		if p.HasConsole() && !slices.ContainsFunc(p.Regions, func(r Region) bool { return r.Code == p.DefaultRegion }) {
			t.Errorf("%s: default region %s not listed", p.ID, p.DefaultRegion)
		}
	}
	if got := WithConsole(); !slices.Equal(got, []string{AWS, GovCloud, China, EUSC}) {
		t.Errorf("WithConsole() = %q", got)
	}
	if Lookup("aws-nope") != nil || Lookup("") != nil {
		t.Error("Lookup of an unknown ID must be nil")
	}
}

func TestHosts(t *testing.T) {
	tests := []struct {
		id, region, signin, console, logout string
	}{
		{AWS, "eu-west-1", "signin.aws.amazon.com", "eu-west-1.console.aws.amazon.com", "us-east-1.signin.aws.amazon.com"},
		{GovCloud, "us-gov-east-1", "signin.amazonaws-us-gov.com", "console.amazonaws-us-gov.com", "signin.amazonaws-us-gov.com"},
		{China, "cn-north-1", "signin.amazonaws.cn", "console.amazonaws.cn", "signin.amazonaws.cn"},
		{EUSC, "eusc-de-east-1", "eusc-de-east-1.signin.amazonaws-eusc.eu", "console.amazonaws-eusc.eu", "eusc-de-east-1.signin.amazonaws-eusc.eu"},
	}
	for _, tt := range tests {
		p := Lookup(tt.id)
		if got := p.SigninHost(tt.region); got != tt.signin {
			t.Errorf("%s SigninHost = %q, want %q", tt.id, got, tt.signin)
		}
		if got := p.ConsoleHost(tt.region); got != tt.console {
			t.Errorf("%s ConsoleHost = %q, want %q", tt.id, got, tt.console)
		}
		if got := p.LogoutHost(tt.region); got != tt.logout {
			t.Errorf("%s LogoutHost = %q, want %q", tt.id, got, tt.logout)
		}
	}
}

func TestValidRegion(t *testing.T) {
	for _, r := range []string{"us-east-1", "us-gov-east-1", "eusc-de-east-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1", "cn-northwest-1"} {
		if !ValidRegion(r) {
			t.Errorf("ValidRegion(%q) = false", r)
		}
	}
	for _, r := range []string{"", "us", "US-EAST-1", "us-east-1/", "../x", "us-east-1\n", "us_east_1", strings.Repeat("a-", 20) + "1"} {
		if ValidRegion(r) {
			t.Errorf("ValidRegion(%q) = true", r)
		}
	}
}

func TestParseARN(t *testing.T) {
	tests := []struct {
		in, partition, account string
		ok                     bool
	}{
		{"arn:aws:iam::123456789012:role/x", "aws", "123456789012", true},
		{"arn:aws-us-gov:iam::123456789012:role/a/b", "aws-us-gov", "123456789012", true},
		{"arn:aws-cn:iam::123456789012:mfa/me", "aws-cn", "123456789012", true},
		{" arn:aws:sts::1:assumed-role/r/s ", "aws", "1", true},
		{"GAHT12345678", "", "", false},
		{"arn:aws:iam", "", "", false},
		{"arn:aws-cn:iam::1", "", "", false},
		{"arn::iam::1:role/x", "", "", false},
	}
	for _, tt := range tests {
		p, a, ok := ParseARN(tt.in)
		if p != tt.partition || a != tt.account || ok != tt.ok {
			t.Errorf("ParseARN(%q) = %q, %q, %v", tt.in, p, a, ok)
		}
	}
}
