package install

import (
	"os"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
)

// isOurBinaryName reports whether p names either of our binaries.
func isOurBinaryName(p string) bool {
	b := layout.BinaryBase(p)
	return b == layout.CLIName || b == layout.LeanHostName
}

// isFile reports whether p is a regular file (following links).
func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
