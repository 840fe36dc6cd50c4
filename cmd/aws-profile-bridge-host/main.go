// Command aws-profile-bridge-host is the native-messaging host that install registers for the
// browsers. It lists profiles, enriches them and answers version itself, and hands each sign-in
// to aws-profile-bridge beside it (internal/host): without the AWS SDK it starts in a fraction of
// the time, which is most of what a click on the extension waits for (docs/PERFORMANCE.md). It
// is not a command for people; aws-profile-bridge is.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/host"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/nativemsg"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/settings"
)

// Set by `make build` and `make dist` through -ldflags, as for aws-profile-bridge.
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
	caller, ok := nativemsg.ParseCaller(args)
	if !ok {
		const about = "aws-profile-bridge-host is the native-messaging host that browsers start; it takes no commands (only `version`). Use aws-profile-bridge: see aws-profile-bridge --help"
		switch {
		case len(args) == 1 && (args[0] == "version" || args[0] == "--version"):
			fmt.Fprintf(stdout, "aws-profile-bridge-host %s (commit %s, built %s)\n", version, commit, date)
			return 0
		case len(args) == 1 && (args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help"):
			fmt.Fprintln(stdout, about)
			return 0
		}
		fmt.Fprintln(stderr, about)
		return 2
	}
	full := layout.CLIName
	if self, err := os.Executable(); err == nil {
		full = layout.FullBinaryBeside(runtime.GOOS, self)
	}
	return host.Run(caller, stdin, stdout, host.Options{
		Version: version, Commit: commit, Date: date,
		Signer: func(_ settings.Settings, log zerolog.Logger) bridge.Signer {
			return host.HandOff(full, args, log)
		},
	})
}
