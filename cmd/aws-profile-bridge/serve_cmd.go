package main

import (
	"fmt"
	"io"
)

// The HTTP fallback issue replaces these with the real serve and token commands.

func cmdServe(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "aws-profile-bridge serve: not in this build yet")
	return 1
}

func cmdToken(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "aws-profile-bridge token: not in this build yet")
	return 1
}
