package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/settings"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/signer"
)

const consoleHelp = `aws-profile-bridge console PROFILE [flags]

Sign PROFILE in to the AWS Console and print the sign-in URL alone on stdout. The URL is a bearer
secret good for about 15 minutes: don't paste it anywhere you would not paste your password.
Long-term IAM user keys sign in through GetFederationToken, roles through AssumeRole (with MFA when
mfa_serial is set), SSO profiles through the token ` + "`aws-profile-bridge sso login`" + ` (or
` + "`aws sso login`" + `) cached.

Examples:
  aws-profile-bridge console prod-admin --open
  aws-profile-bridge console prod-admin --service s3 --region eu-west-1
  aws-profile-bridge console prod-admin --container --open  # in a Granted container add-on tab`

// openBrowser opens a URL in the default browser; tests replace it.
var openBrowser = openURL

func cmdConsole(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("console", consoleHelp, stderr)
	open := fs.Bool("open", false, "open the URL in the default browser instead of printing it")
	container := fs.Bool("container", false, "make it a Firefox container URL: ext+granted-containers:name=…&url=…&color=…&icon=…")
	region := fs.String("region", "", "console region (default: the profile's region)")
	service := fs.String("service", "", "open this service's console (s3, ec2, cloudwatch …)")
	path := fs.String("path", "", "open this console path (/ec2/home?region=eu-west-1#Instances:) or console URL")
	duration := fs.String("duration", "", "console session length, e.g. 8h or 28800 (roles assumed with long-term keys: 15m-12h)")
	mfaCode := fs.String("mfa-code", "", "current MFA code (asked for on a terminal when the role needs one)")
	logoutFirst := fs.Bool("logout-first", false, "sign out of any other AWS account in the browser first")
	asJSON := fs.Bool("json", false, "print the same JSON object the native host sends (it holds the URL); on failure, its error object")

	profile, code, done := parseWithPositional(fs, args, stdout)
	if done {
		return code
	}
	if profile == "" {
		fmt.Fprintln(stderr, "aws-profile-bridge console: name a profile (aws-profile-bridge profiles lists them)")
		return 2
	}
	if *service != "" && *path != "" {
		fmt.Fprintln(stderr, "aws-profile-bridge console: use --service or --path, not both")
		return 2
	}
	var dur time.Duration
	if *duration != "" {
		d, err := parseDuration(*duration)
		if s := int(d / time.Second); err == nil && (s < bridge.MinSessionDuration || s > bridge.MaxSessionDuration) {
			err = fmt.Errorf("a console session lasts %v to %v (%d to %d seconds)",
				time.Duration(bridge.MinSessionDuration)*time.Second, time.Duration(bridge.MaxSessionDuration)*time.Second, bridge.MinSessionDuration, bridge.MaxSessionDuration)
		}
		if err != nil {
			errorf(stderr, "console", "--duration %s: %v", *duration, err)
			return 2
		}
		dur = d
	}
	if *service != "" {
		if known, guess := signer.SuggestService(*service); !known {
			hint := ""
			if guess != "" {
				hint = "did you mean " + guess + "? "
			}
			errorf(stderr, "console", "--service %s: not a console service this knows; %sknown: %s (any other page: --path /SERVICE/home)",
				*service, hint, strings.Join(signer.Services, ", "))
			return 2
		}
	}
	st, err := settings.Load()
	if err != nil {
		errorf(stderr, "console", "%v", err)
		return 1
	}
	env := signer.Env{Paths: st.AWS, SigninEndpoint: st.SigninEndpoint}
	if *mfaCode == "" && isTerminal(stdin) {
		env.MFAPrompt = func(serial string) (string, error) {
			fmt.Fprintf(stderr, "MFA code for %s: ", serial)
			line, err := bufio.NewReader(stdin).ReadString('\n')
			if err != nil && line == "" {
				return "", fmt.Errorf("no MFA code read: %w", err)
			}
			return strings.TrimSpace(line), nil
		}
	}
	svc := &bridge.Service{Paths: st.AWS, Version: version, Commit: commit, BuildDate: date, SignIn: signer.New(env)}
	dest := *service
	if *path != "" {
		dest = *path
	}
	reply, err := svc.Open(context.Background(), bridge.OpenRequest{ProfileName: profile, Region: *region, Destination: dest,
		SessionDuration: int(dur / time.Second), MFACode: *mfaCode, LogoutFirst: *logoutFirst})
	if err != nil {
		if *mfaCode == "" && env.MFAPrompt == nil && apierr.CodeOf(err) == apierr.CodeMFARequired {
			// No terminal to ask on (a script, a pipe): say how to give the code instead.
			err = apierr.Wrap(apierr.CodeMFARequired, err, "profile %s needs an MFA code and there is no terminal to ask for it on; pass --mfa-code CODE", profile)
		}
		return fail("console", err, *asJSON, stdout, stderr)
	}
	for _, w := range reply.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	out := reply.URL
	if *container {
		out = containerURL(profile, reply.URL, reply.Color, reply.Icon)
	}
	switch {
	case *asJSON:
		if *container {
			reply.URL = out
		}
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(reply)
	case *open:
		// Never the sign-in URL itself on a command line (handoff.go): other users can read those.
		h, err := startHandoff(reply.URL)
		if err != nil {
			errorf(stderr, "console", "cannot hand the URL to a browser safely: %v; run again without --open and paste the URL", err)
			return 1
		}
		if h != nil {
			defer h.close()
			out = h.url
			if *container {
				out = containerURL(profile, h.url, reply.Color, reply.Icon)
			}
		}
		if err := openBrowser(out); err != nil {
			errorf(stderr, "console", "cannot open a browser (%v); run again without --open and paste the URL", err)
			return 1
		}
		if h != nil {
			if err := h.wait(handoffTimeout); err != nil {
				errorf(stderr, "console", "%v; run again without --open and paste the URL", err)
				return 1
			}
		}
		until := ""
		if reply.ExpiresAt != nil {
			if t, err := time.Parse(time.RFC3339, *reply.ExpiresAt); err == nil {
				until = ", session until " + t.Local().Format("15:04 MST")
			}
		}
		fmt.Fprintf(stderr, "Opened %s (%s, %s)%s\n", profile, reply.Kind, reply.Region, until)
	default:
		fmt.Fprintln(stdout, out)
	}
	return 0
}

// containerURL is the ext+granted-containers form that Granted's Firefox add-on (and others that
// copied it) turn into a tab in a named container.
func containerURL(name, signin, color, icon string) string {
	return "ext+granted-containers:name=" + url.QueryEscape(name) + "&url=" + url.QueryEscape(signin) +
		"&color=" + url.QueryEscape(color) + "&icon=" + url.QueryEscape(icon)
}

// parseDuration accepts Go durations (8h, 90m) and plain seconds.
func parseDuration(s string) (time.Duration, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n <= 0 {
			return 0, fmt.Errorf("want a positive duration")
		}
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("want a duration like 8h, 90m or a number of seconds")
	}
	return d, nil
}

// parseWithPositional lets flags come before or after the one positional argument.
func parseWithPositional(fs *flag.FlagSet, args []string, stdout io.Writer) (positional string, code int, done bool) {
	if showHelp(fs, args, stdout) {
		return "", 0, true
	}
	rest := args
	for {
		if err := parseQuiet(fs, rest); err != nil {
			return "", 2, true
		}
		if fs.NArg() == 0 {
			return positional, 0, false
		}
		if positional != "" {
			usageError(fs, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
			return "", 2, true
		}
		positional = fs.Arg(0)
		rest = fs.Args()[1:]
	}
}

// isTerminal reports whether r is a terminal a person can type an MFA code into. A character
// device is not enough: /dev/null is one too, and a prompt there waits for nothing.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
