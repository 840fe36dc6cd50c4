package install

import (
	"os"
	"strings"
)

// The two binaries `make build`, the scripts, the archives and the packages put side by side:
// aws-profile-bridge, the command line (and a complete host), and aws-profile-bridge-host, the
// lean native host the manifests name, which links no AWS SDK and hands each sign-in to
// aws-profile-bridge beside it (internal/host/handoff.go).
const (
	CLIName      = "aws-profile-bridge"
	LeanHostName = "aws-profile-bridge-host"
)

// exeName is name as a file on goos.
func exeName(goos, name string) string {
	if goos == "windows" {
		return name + ".exe"
	}
	return name
}

// beside is the file name on goos in p's directory. Windows paths split at either slash, so the
// rule is the same when a test on Linux gives it C:\… paths.
func beside(goos, p, name string) string {
	seps := "/"
	if goos == "windows" {
		seps = `\/`
	}
	return p[:strings.LastIndexAny(p, seps)+1] + exeName(goos, name)
}

// LeanHostBeside is where the lean host of the aws-profile-bridge at bin sits on goos: in the
// same directory.
func LeanHostBeside(goos, bin string) string { return beside(goos, bin, LeanHostName) }

// FullBinaryBeside is where the lean host at host finds aws-profile-bridge on goos: in the same
// directory (host.FullBinary, for any OS).
func FullBinaryBeside(goos, host string) string { return beside(goos, host, CLIName) }

// ManifestBinary is the program a host manifest names for the aws-profile-bridge at bin: the
// lean host beside it when isFile says it is there, else bin itself (a `go install` builds only
// bin), a complete host that starts slower. Install, doctor and the packages' manifest
// (scripts/sysmanifest) all follow it.
func ManifestBinary(goos, bin string, isFile func(string) bool) string {
	if h := LeanHostBeside(goos, bin); isFile(h) {
		return h
	}
	return bin
}

// IsLeanHost reports whether p names the lean host (by its file name, on any OS).
func IsLeanHost(p string) bool { return binaryBase(p) == LeanHostName }

// isOurBinaryName reports whether p names either of our binaries.
func isOurBinaryName(p string) bool {
	b := binaryBase(p)
	return b == CLIName || b == LeanHostName
}

// binaryBase is p's file name, lower case, without .exe, whichever slashes it uses.
func binaryBase(p string) string {
	base := strings.ToLower(p[strings.LastIndexAny(p, `\/`)+1:])
	return strings.TrimSuffix(base, ".exe")
}

// isFile reports whether p is a regular file (following links).
func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
