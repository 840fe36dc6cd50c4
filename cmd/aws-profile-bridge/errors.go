package main

import (
	"fmt"
	"io"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
)

// errorf prints one error line for a person: "aws-profile-bridge CMD: message", the one prefix
// every command's errors carry.
func errorf(stderr io.Writer, cmd, format string, args ...any) {
	fmt.Fprintf(stderr, "aws-profile-bridge %s: %s\n", cmd, fmt.Sprintf(format, args...))
}

// fail reports a core error: its message on stderr and, with --json, the protocol's error object
// on stdout, so a script reads the same code the extension gets. Exit status 1.
func fail(cmd string, err error, asJSON bool, stdout, stderr io.Writer) int {
	errorf(stderr, cmd, "%s", apierr.MessageOf(err))
	if asJSON {
		stdout.Write(append(apierr.Reply(err, false), '\n'))
	}
	return 1
}
