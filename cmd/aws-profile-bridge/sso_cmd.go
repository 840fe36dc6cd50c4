package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr/netfail"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/logging"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/settings"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/sso"
)

const ssoHelp = `aws-profile-bridge sso login|logout|populate

Sign in to IAM Identity Center (AWS SSO) without the AWS CLI. The token is cached where the AWS CLI
and the SDKs look for it (~/.aws/sso/cache), so they use it too.

Commands:
  login (--sso-session NAME | --profile NAME) [--no-browser]
        open the sign-in page and wait for your approval
  logout (--sso-session NAME | --profile NAME)
        end the sign-in and remove the cached token
  populate --sso-session NAME [--name-template T] [--region R] [--dry-run]
        write a profile into ~/.aws/config for every account and role the sign-in may use`

const ssoLoginHelp = `aws-profile-bridge sso login (--sso-session NAME | --profile NAME) [--no-browser]

Sign in to IAM Identity Center with the device flow: the sign-in page opens in your browser (or,
with --no-browser, its address is printed); check that it shows the code printed here, and
approve. The token is written to ~/.aws/sso/cache as the AWS CLI writes it; a session's token is
refreshed without you while its refresh token lasts. If another sign-in to the same session is
under way, this one waits for it and uses its token.`

const ssoLogoutHelp = `aws-profile-bridge sso logout (--sso-session NAME | --profile NAME)

End the IAM Identity Center sign-in (when the portal is reachable) and remove the cached token.`

// ssoLoginTimeout bounds a sign-in, waiting for another one included (a device code lasts
// minutes, not hours).
const ssoLoginTimeout = 20 * time.Minute

func ssoUsage(w io.Writer) { fmt.Fprintf(w, "Usage: %s\n", ssoHelp) }

func cmdSSO(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		ssoUsage(stderr)
		return 2
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "login":
		return cmdSSOLogin(rest, stdout, stderr)
	case "logout":
		return cmdSSOLogout(rest, stdout, stderr)
	case "populate":
		return cmdSSOPopulate(rest, stdout, stderr)
	case "login-detached": // started by the host (sso_detached.go), not by people
		return cmdSSOLoginDetached(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		ssoUsage(stdout)
		return 0
	}
	errorf(stderr, "sso", "unknown command %q (see aws-profile-bridge sso --help)", sub)
	return 2
}

// ssoEnv is what an sso command needs once its flags are parsed.
type ssoEnv struct {
	name   string
	st     settings.Settings
	target sso.Target
	oidc   sso.OIDC
	portal sso.Portal
	log    zerolog.Logger
	close  func()
}

// fail prints err for a person on one line: a network failure as what could not be reached and
// what to check (netfail.Wrap), rather than the SDK's wording.
func (e *ssoEnv) fail(stderr io.Writer, err error) {
	if u, ok := netfail.Wrap(err, "IAM Identity Center"); ok {
		fmt.Fprintf(stderr, "%s: %s\n", e.name, u.Message)
		return
	}
	fmt.Fprintf(stderr, "%s: %v\n", e.name, err)
}

// openSSO loads the settings, resolves the target and makes the clients; it prints what went
// wrong and returns nil on failure.
func openSSO(name, session, profile string, stderr io.Writer) *ssoEnv {
	e := &ssoEnv{name: "aws-profile-bridge " + name, log: zerolog.Nop(), close: func() {}}
	if (session == "") == (profile == "") {
		fmt.Fprintf(stderr, "%s: name --sso-session NAME or --profile NAME\n", e.name)
		return nil
	}
	st, err := settings.Load()
	if err != nil {
		e.fail(stderr, err)
		return nil
	}
	e.st = st
	if e.target, err = sso.ResolveFiles(st.AWS, session, profile); err != nil {
		e.fail(stderr, err)
		return nil
	}
	if e.oidc, e.portal, err = sso.Clients(context.Background(), e.target.Region, st.AWS.ConfigFile, nil); err != nil {
		e.fail(stderr, err)
		return nil
	}
	if l, closer, err := logging.Open(st.LogDir, st.LogLevel); err == nil {
		e.log, e.close = l, func() { closer.Close() }
	}
	return e
}

func cmdSSOLogin(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sso login", ssoLoginHelp, stderr)
	session := fs.String("sso-session", "", "the [sso-session `NAME`] to sign in to")
	profile := fs.String("profile", "", "sign in for the profile `NAME` (its sso_session, or its own sso_start_url)")
	noBrowser := fs.Bool("no-browser", false, "only print the sign-in page's address")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	e := openSSO("sso login", *session, *profile, stderr)
	if e == nil {
		return 1
	}
	defer e.close()
	flow := &sso.Flow{OIDC: e.oidc, Out: stderr, Log: &e.log}
	if !*noBrowser {
		flow.Open = pageOpener(e.st)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, ssoLoginTimeout)
	defer cancel()
	res, err := flow.Login(ctx, e.target)
	if err != nil {
		e.fail(stderr, err)
		return 1
	}
	how := "Signed in to"
	if res.Shared {
		how = "Another sign-in signed in to"
	}
	fmt.Fprintf(stdout, "%s %s; the token expires at %s.\n", how, e.target, res.Entry.ExpiresAt)
	return 0
}

func cmdSSOLogout(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sso logout", ssoLogoutHelp, stderr)
	session := fs.String("sso-session", "", "the [sso-session `NAME`] to sign out of")
	profile := fs.String("profile", "", "sign out for the profile `NAME`")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	e := openSSO("sso logout", *session, *profile, stderr)
	if e == nil {
		return 1
	}
	defer e.close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := sso.Logout(ctx, e.portal, e.target)
	if err != nil {
		e.fail(stderr, err)
		return 1
	}
	if !r.Removed {
		fmt.Fprintf(stdout, "No cached token for %s; nothing to do.\n", e.target)
		return 0
	}
	if r.PortalErr != nil {
		fmt.Fprintf(stderr, "%s: the portal's Logout failed (%v); the cached token is removed all the same.\n", e.name, r.PortalErr)
	}
	e.log.Info().Str("sso", e.target.String()).Msg("sso: signed out")
	fmt.Fprintf(stdout, "Signed out of %s.\n", e.target)
	return 0
}

const ssoPopulateHelp = `aws-profile-bridge sso populate --sso-session NAME [--name-template T] [--region R] [--dry-run]

Write one profile into ~/.aws/config for every account and role the sign-in of the sso-session may
use (run aws-profile-bridge sso login first). The profiles go in one block per session, between two
comment lines; the rest of the file is left exactly as it is, and a profile you wrote yourself is
never changed (a generated name that clashes with it gets the account id appended). Accounts and
roles that went away leave the block. The old file is kept as config.bak.`

func cmdSSOPopulate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sso populate", ssoPopulateHelp, stderr)
	session := fs.String("sso-session", "", "the [sso-session `NAME`] whose accounts and roles to write")
	tmpl := fs.String("name-template", sso.DefaultNameTemplate, "profile names: {account_name}, {account_id}, {role_name} and {session} are replaced, then anything but A-Z a-z 0-9 . _ - becomes -")
	region := fs.String("region", "", "region of every profile (default: the session's sso_region)")
	dryRun := fs.Bool("dry-run", false, "print the change as a diff and write nothing")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if *session == "" {
		fmt.Fprintln(stderr, "aws-profile-bridge sso populate: name --sso-session NAME")
		return 2
	}
	e := openSSO("sso populate", *session, "", stderr)
	if e == nil {
		return 1
	}
	defer e.close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	flow := &sso.Flow{OIDC: e.oidc, Log: &e.log}
	plan, err := flow.Populate(ctx, e.st.AWS, e.portal, e.target, sso.PopulateOptions{Template: *tmpl, Region: *region})
	if err != nil {
		e.fail(stderr, err)
		return 1
	}
	for _, n := range plan.Notes {
		fmt.Fprintf(stderr, "note: %s\n", n)
	}
	if !plan.Changed() {
		fmt.Fprintf(stdout, "%s: %d profiles, no change.\n", e.st.AWS.ConfigFile, len(plan.Profiles))
		return 0
	}
	if *dryRun {
		fmt.Fprint(stdout, plan.Diff(e.st.AWS.ConfigFile))
		fmt.Fprintf(stdout, "(dry run: %d profiles, %d added, %d removed; nothing written)\n", len(plan.Profiles), len(plan.Added), len(plan.Removed))
		return 0
	}
	if err := sso.WritePopulate(e.st.AWS.ConfigFile, plan); err != nil {
		e.fail(stderr, err)
		return 1
	}
	e.log.Info().Str("sso", e.target.String()).Int("profiles", len(plan.Profiles)).Int("added", len(plan.Added)).Int("removed", len(plan.Removed)).Msg("sso: populated")
	fmt.Fprintf(stdout, "%s: %d profiles for %s, %d added, %d removed (the old file is %s.bak).\n",
		e.st.AWS.ConfigFile, len(plan.Profiles), e.target, len(plan.Added), len(plan.Removed), e.st.AWS.ConfigFile)
	return 0
}
