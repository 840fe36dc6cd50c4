package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
)

func cmdVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", "aws-profile-bridge version [--json]\n\nPrint the version, the commit and build date it was built from, and the protocol version.", stderr)
	asJSON := fs.Bool("json", false, "print a JSON object")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if *asJSON {
		_ = json.NewEncoder(stdout).Encode(map[string]string{"version": version, "commit": commit, "date": date, "protocol": bridge.ProtocolVersion, "go": runtime.Version()})
		return 0
	}
	fmt.Fprintf(stdout, "aws-profile-bridge %s (commit %s, built %s, protocol %s, %s %s/%s)\n", version, commit, date, bridge.ProtocolVersion, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}
