package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

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
		fmt.Fprintf(fs.Output(), "%s\n%s", line, wrap(usage, "      "))
	})
}

// helpWidth is the width every help text fits in.
const helpWidth = 100

// wrap breaks text into lines of at most helpWidth columns, each starting with indent, at
// spaces (a word longer than a line stands alone). The result ends with a newline.
func wrap(text, indent string) string {
	var b strings.Builder
	line := indent
	for _, word := range strings.Fields(text) {
		if line != indent && len([]rune(line))+1+len([]rune(word)) > helpWidth {
			b.WriteString(line + "\n")
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += word
	}
	b.WriteString(line + "\n")
	return b.String()
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
	if err := parseQuiet(fs, args); err != nil {
		return 2, true
	}
	if fs.NArg() > 0 {
		usageError(fs, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
		return 2, true
	}
	return 0, false
}

// parseQuiet is fs.Parse that reports a bad flag in one line (usageError) instead of the flag
// package's message followed by the whole usage.
func parseQuiet(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	if err != nil {
		msg := err.Error()
		if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
			msg = "unknown flag --" + name
		} else {
			// The flag package names flags with one dash; the help texts use two.
			msg = strings.ReplaceAll(msg, " -", " --")
		}
		usageError(fs, msg)
	}
	return err
}

// usageError prints one line: the command, what is wrong, and where the help is.
func usageError(fs *flag.FlagSet, msg string) {
	errorf(fs.Output(), fs.Name(), "%s (see aws-profile-bridge %s --help)", msg, fs.Name())
}
