// Command aws-profile-bridge is the native-messaging host of the AWS Profile Containers
// extension, a loopback HTTP fallback, and a command line for people. main tells a browser
// launch (argv = manifest path + add-on id, or a chrome-extension:// origin) from a subcommand.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/nativemsg"
)

// Set by `make build` and `make dist` through -ldflags; date is the commit's time (RFC 3339) in
// a release build, so two builds of one commit are the same bytes.
var (
	version = "dev"
	commit  = "unknown"
	date    = "unknown"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fsafe.PrivateUmask()
	if caller, ok := nativemsg.ParseCaller(args); ok {
		return runHost(caller, stdin, stdout)
	}
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "profiles":
		return cmdProfiles(rest, stdout, stderr)
	case "console":
		return cmdConsole(rest, stdin, stdout, stderr)
	case "serve":
		return cmdServe(rest, stdout, stderr)
	case "token":
		return cmdToken(rest, stdout, stderr)
	case "sso":
		return cmdSSO(rest, stdout, stderr)
	case "install":
		return cmdInstall(rest, stdout, stderr)
	case "uninstall":
		return cmdUninstall(rest, stdout, stderr)
	case "doctor":
		return cmdDoctor(rest, stdout, stderr)
	case "version", "--version":
		return cmdVersion(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
			return run([]string{rest[0], "--help"}, stdin, stdout, stderr)
		}
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "aws-profile-bridge: unknown command %q (see aws-profile-bridge --help)\n", cmd)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, `aws-profile-bridge: AWS profiles for the browser, signed in.

Usage:
  aws-profile-bridge profiles [--json] [--no-sso]      list the profiles in ~/.aws
  aws-profile-bridge console PROFILE [flags]           print (or --open) an AWS Console sign-in URL
  aws-profile-bridge serve [flags]                     run the HTTP fallback on 127.0.0.1:10999
  aws-profile-bridge token create|list|rotate|revoke   manage the HTTP fallback's API tokens
  aws-profile-bridge sso login|logout|populate         sign in to IAM Identity Center (AWS SSO)
  aws-profile-bridge install [flags]                   register the host for your browsers
  aws-profile-bridge uninstall [flags]                 remove what install wrote
  aws-profile-bridge doctor [--json]                   check the installation and say what to fix
  aws-profile-bridge version [--json]                  print the version and commit
  aws-profile-bridge help [COMMAND]                    show help for a command (or COMMAND --help)

When Firefox or a Chromium-family browser starts it (argv: manifest path and add-on id, or a
chrome-extension:// origin), it is the native-messaging host named aws_profile_bridge and speaks
the protocol in PROTOCOL.md on stdin and stdout; logs go to ~/.aws/logs/aws_profile_bridge.log.

Environment:
`)
	printVars(w)
}
