package host

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/install"
)

// The lean host finds aws-profile-bridge where install, the scripts and the packages put it: the
// rule install follows (install.FullBinaryBeside, install.LeanHostBeside) and FullBinary agree.
func TestFullBinaryIsWhereInstallPutsIt(t *testing.T) {
	dir := t.TempDir()
	lean := install.LeanHostBeside(runtime.GOOS, filepath.Join(dir, "aws-profile-bridge"))
	if got, want := FullBinary(lean), install.FullBinaryBeside(runtime.GOOS, lean); got != want {
		t.Errorf("FullBinary(%s) = %s, install says %s", lean, got, want)
	}
	if got := install.LeanHostBeside(runtime.GOOS, FullBinary(lean)); got != lean {
		t.Errorf("the lean host beside FullBinary(%s) is %s", lean, got)
	}
}
