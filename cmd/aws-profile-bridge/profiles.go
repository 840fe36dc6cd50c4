package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/install"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/settings"
)

const profilesHelp = `aws-profile-bridge profiles [--json] [--no-sso]

List the profiles of ~/.aws/config and ~/.aws/credentials (or $AWS_CONFIG_FILE and
$AWS_SHARED_CREDENTIALS_FILE) with their kind, region, account, expiry and state. SSO profiles
show the state of their cached token unless --no-sso is given. Warnings (what the AWS CLI would
reject, what cannot sign in) go to stderr.

--json prints a JSON array of the same profile objects the native host sends, each with its
merged non-secret settings under "settings", an object (never secret keys or session tokens);
a key with indented sub-properties (s3 = then max_concurrent_requests = 10) holds an object.
On failure --json prints the protocol's error object {"action":"error","code":…,"message":…}.`

func cmdProfiles(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("profiles", profilesHelp, stderr)
	asJSON := fs.Bool("json", false, "print a JSON array of profile objects")
	noSSO := fs.Bool("no-sso", false, "do not read the SSO token cache")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	st, err := settings.Load()
	if err != nil {
		errorf(stderr, "profiles", "%v", err)
		return 1
	}
	svc := &bridge.Service{Paths: st.AWS, Version: version, Commit: commit, BuildDate: date}
	l, err := svc.Profiles(context.Background(), bridge.ListOptions{Enrich: !*noSSO, Settings: *asJSON})
	if err != nil {
		return fail("profiles", err, *asJSON, stdout, stderr)
	}
	list := l.Profiles
	if *asJSON {
		out := make([]jsonProfile, len(list))
		for i := range list {
			out[i] = jsonProfile{list[i], l.Settings[i]}
		}
		if err := printJSON(stdout, out); err != nil {
			errorf(stderr, "profiles", "%v", err)
			return 1
		}
		return 0
	}
	if len(list) == 0 {
		fmt.Fprintf(stderr, "No profiles in %s or %s. Run `aws configure` or `aws configure sso` to add one.\n", st.AWS.ConfigFile, st.AWS.CredentialsFile)
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKIND\tREGION\tACCOUNT\tEXPIRES\tSTATE")
	for i := range list {
		p := &list[i]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", cell(p.Name), p.Kind, dash(p.Region), dash(p.AccountID), expiry(p.Expiration), state(p))
	}
	tw.Flush()
	warnUnsafeAWSFiles(st, stderr)
	for _, w := range l.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	for i := range list {
		for _, w := range list[i].Warnings {
			fmt.Fprintf(stderr, "warning: %s: %s\n", list[i].Name, w)
		}
	}
	return 0
}

// jsonProfile is a profile as --json prints it: the native host's profile object and its
// settings (bridge.ListOptions.Settings), always an object.
type jsonProfile struct {
	bridge.Profile
	Settings map[string]any `json:"settings"`
}

func state(p *bridge.Profile) string {
	switch {
	case p.IsSSO && (p.SSOAccountID == "" || p.SSORoleName == "" || p.SSOStartURL == ""):
		// A login would not help until the profile names an account, a role and a portal.
		return "cannot sign in"
	case p.IsSSO && p.SSOTokenState == bridge.TokenMissing:
		return "sso login needed"
	case p.IsSSO && p.SSOTokenState == bridge.TokenExpired:
		return "sso token expired"
	case p.IsSSO && p.SSOTokenState == bridge.TokenUnknown && p.HasCredentials:
		// --no-sso: the token cache was not read, so nobody knows whether it can sign in.
		return "sso token unknown"
	case p.Expired:
		return "expired"
	case !p.HasCredentials:
		if p.Kind == bridge.KindConfigOnly {
			return "no credentials"
		}
		return "cannot sign in"
	case len(p.Warnings) > 0:
		return "ready (warnings)"
	}
	return "ready"
}

func expiry(s *string) string {
	if s == nil {
		return "-"
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		return *s
	}
	return t.Local().Format("2006-01-02 15:04")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return cell(s)
}

// cell keeps a table cell on one line whatever the file contains.
func cell(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

// printJSON writes v as indented JSON, as every --json listing prints it.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// warnUnsafeAWSFiles warns about AWS files others can change (or read, for credentials), with the
// command that fixes it: doctor's check, for the people who only ever run profiles.
func warnUnsafeAWSFiles(st settings.Settings, stderr io.Writer) {
	for _, f := range awsFiles(st) {
		for _, fd := range install.CheckAWSFile(f) {
			if fd.Status == install.StatusFail {
				fmt.Fprintf(stderr, "warning: %s; run: %s\n", fd.Message, fd.Fix)
			}
		}
	}
}
