// Command sysmanifest prints the system-wide Firefox host manifest of the packaged binaries,
// rendered by the installer's own template with its default extension ids and naming the binary
// the installer's rule picks (layout.ManifestBinary: the lean host aws-profile-bridge-host, which
// the packages install beside aws-profile-bridge), and the directory Firefox reads it from: what
// `aws-profile-bridge install --system` would write. `make dist` (tools/dist) puts it into the
// .deb and .rpm packages, so the product's module renders it and the release tool's module needs
// none of the product's dependencies.
//
//	go run ./scripts/sysmanifest --binary /usr/bin/aws-profile-bridge --dir   # the directory
//	go run ./scripts/sysmanifest --binary /usr/bin/aws-profile-bridge         # the manifest
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/install"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sysmanifest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	binary := fs.String("binary", install.PackagedBinary, "the packaged aws-profile-bridge's absolute path (the lean host is beside it)")
	dir := fs.Bool("dir", false, "print the Linux system directory of the Firefox manifest instead")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir {
		fmt.Fprintln(stdout, layout.SystemManifestDir("linux", "", layout.Firefox)+"/"+layout.ManifestFile)
		return 0
	}
	// The packages always hold the lean host beside the binary, though not on this machine.
	packaged := func(string) bool { return true }
	b, err := install.RenderManifest(layout.Firefox, layout.ManifestBinary("linux", *binary, packaged), install.DefaultExtensionIDs, nil)
	if err != nil {
		fmt.Fprintf(stderr, "sysmanifest: %v\n", err)
		return 1
	}
	stdout.Write(b)
	return 0
}
