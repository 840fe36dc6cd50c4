package main

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// Every process pays for package initialisation before it reads a frame, and the native host is
// a new process per request: the module's packages build no regexp, table or map at init (each
// is built on first use). GODEBUG=inittrace=1 reports each package's init allocations.
func TestOurPackageInitsAllocateLittle(t *testing.T) {
	const module = "github.com/aws-profile-bridge/aws-profile-bridge/"
	const maxBytes = 2 << 10 // a compiled regexp or a region table is several KiB
	cmd := exec.Command(hostBinary(t), "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("version: %v\n%s", err, out)
	}
	seen := 0
	for _, line := range strings.Split(string(out), "\n") {
		// init github.com/... @2.5 ms, 0.008 ms clock, 72 bytes, 2 allocs
		f := strings.Fields(line)
		if len(f) < 10 || f[0] != "init" || (!strings.HasPrefix(f[1], module) && f[1] != "main") {
			continue
		}
		seen++
		n, err := strconv.Atoi(f[7])
		if err != nil || f[8] != "bytes," {
			t.Fatalf("cannot read %q", line)
		}
		if n > maxBytes {
			t.Errorf("%s allocates %d bytes at init (limit %d): build it on first use (sync.OnceValue)", f[1], n, maxBytes)
		}
	}
	if seen < 5 {
		t.Fatalf("inittrace listed %d of our packages:\n%s", seen, out)
	}
}
