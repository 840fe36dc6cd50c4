package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
)

func cmdVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", "aws-profile-bridge version [--json]\n\nPrint the version, the commit it was built from and the protocol version.", stderr)
	asJSON := fs.Bool("json", false, "print a JSON object")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if *asJSON {
		_ = json.NewEncoder(stdout).Encode(map[string]string{"version": version, "commit": commit, "protocol": bridge.ProtocolVersion, "go": runtime.Version()})
		return 0
	}
	fmt.Fprintf(stdout, "aws-profile-bridge %s (commit %s, protocol %s, %s %s/%s)\n", version, commit, bridge.ProtocolVersion, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}

// newFlagSet makes a flag set whose --help prints the text and the flags on stdout.
func newFlagSet(name, text string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s\n\nFlags:\n", text)
		printFlags(fs)
	}
	return fs
}

// printFlags lists flags GNU-style (--name), as the help texts and README write them. As in
// package flag, a back-quoted word in a flag's usage names its value (--browser LIST): quote
// anything else with double quotes.
func printFlags(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		typ, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if typ != "" {
			line += " " + strings.ToUpper(typ)
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			usage += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(fs.Output(), "%s\n      %s\n", line, usage)
	})
}

// showHelp prints the usage on stdout when args ask for help anywhere (so --help works after
// other flags and arguments too) and reports whether it did.
func showHelp(fs *flag.FlagSet, args []string, stdout io.Writer) bool {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout)
			fs.Usage()
			return true
		}
	}
	return false
}

// parseFlags parses args; done is true when the command should stop with code (help or error).
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (code int, done bool) {
	if showHelp(fs, args, stdout) {
		return 0, true
	}
	if err := fs.Parse(args); err != nil {
		return 2, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return 2, true
	}
	return 0, false
}
