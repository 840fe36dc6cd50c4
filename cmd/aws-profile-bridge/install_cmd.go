package main

import (
	"fmt"
	"io"
)

// The installers issue replaces these with the real install, uninstall and doctor commands.

func cmdInstall(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "aws-profile-bridge install: not in this build yet; run install/install.sh from the source tree")
	return 1
}

func cmdUninstall(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "aws-profile-bridge uninstall: not in this build yet; run install/install.sh --uninstall from the source tree")
	return 1
}

func cmdDoctor(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "aws-profile-bridge doctor: not in this build yet")
	return 1
}
