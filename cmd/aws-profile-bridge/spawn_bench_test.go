//go:build linux || darwin

package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// benchSizes are the profile counts of the spawn benchmark's rows (scripts/bench.sh prints them).
var benchSizes = []int{10, 1000, 5000, 10000}

// BenchmarkSpawn measures what the extension waits for: start the host, send a request, read
// the reply (then close stdin and wait for exit, untimed). The host is the lean one that install
// registers (cmd/aws-profile-bridge-host). Rows: "floor", a trivial Go host that answers one
// fixed frame (process start alone); "version", the host's cheapest action (its own start-up
// cost); "version-full", the same from aws-profile-bridge, which links the AWS SDK (what the
// lean host saves); "cold", getProfiles with the reply cache off, both files parsed on every
// request; "warm", getProfiles served from the reply cache because the files did not change
// (the common case: the popup opens again; files under 32 KiB are never cached, so the
// 10-profile warm row is a second cold one). Reported: mean ns/op, the median (p50-ms), the
// slowest run (max-ms) and the host's peak RSS (peak-RSS-MB). `make bench` prints them as a table
// next to the targets.
func BenchmarkSpawn(b *testing.B) {
	bin := leanHostBinary(b)
	floor := filepath.Join(b.TempDir(), "floorhost")
	fb := exec.Command("go", "build", "-o", floor, "./testdata/floorhost")
	fb.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := fb.CombinedOutput(); err != nil {
		b.Fatalf("build floor host: %v\n%s", err, out)
	}
	type fixture struct {
		n              int
		manifest, home string
	}
	var fixtures []fixture
	for _, n := range benchSizes {
		home := b.TempDir()
		testaws.WriteProfiles(b, home, n)
		manifest := testaws.WriteFile(b, filepath.Join(home, ".mozilla", "native-messaging-hosts", "aws_profile_bridge.json"),
			testaws.Manifest(bin, "allowed_extensions", testExtID), 0o644)
		fixtures = append(fixtures, fixture{n, manifest, home})
	}
	b.Run("floor", func(b *testing.B) { benchSpawn(b, floor, nil, nil) })
	b.Run("version", func(b *testing.B) {
		f := fixtures[0]
		env := []string{"HOME=" + f.home, "PATH=" + os.Getenv("PATH")}
		benchSpawnRequest(b, bin, []string{f.manifest, testExtID}, env, `{"action":"version"}`, `"version"`)
	})
	b.Run("version-full", func(b *testing.B) {
		f := fixtures[0]
		env := []string{"HOME=" + f.home, "PATH=" + os.Getenv("PATH")}
		benchSpawnRequest(b, hostBinary(b), []string{f.manifest, testExtID}, env, `{"action":"version"}`, `"version"`)
	})
	// The host waits for files changed in the last 250 ms to settle, and the reply cache trusts
	// no file changed within the last 3 s: the cold rows run after the first wait, the warm ones
	// after the second.
	settled := time.Now().Add(300 * time.Millisecond)
	time.Sleep(time.Until(settled))
	for _, f := range fixtures {
		env := []string{"HOME=" + f.home, "PATH=" + os.Getenv("PATH"), "AWS_PROFILE_BRIDGE_CACHE_DIR=off"}
		b.Run(fmt.Sprintf("cold/profiles=%d", f.n), func(b *testing.B) { benchSpawn(b, bin, []string{f.manifest, testExtID}, env) })
	}
	time.Sleep(time.Until(settled.Add(2800 * time.Millisecond)))
	for _, f := range fixtures {
		env := []string{"HOME=" + f.home, "PATH=" + os.Getenv("PATH")}
		benchSpawnOnce(b, bin, []string{f.manifest, testExtID}, env) // fills the cache
		b.Run(fmt.Sprintf("warm/profiles=%d", f.n), func(b *testing.B) { benchSpawn(b, bin, []string{f.manifest, testExtID}, env) })
	}
}

func benchSpawnOnce(b *testing.B, bin string, args, env []string) {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdin = bytes.NewReader(frame(`{"action":"getProfiles"}`))
	if out, err := cmd.Output(); err != nil || len(out) < 4 {
		b.Fatalf("priming run: %v", err)
	}
}

func benchSpawn(b *testing.B, bin string, args, env []string) {
	benchSpawnRequest(b, bin, args, env, `{"action":"getProfiles"}`, `"profileList"`)
}

// benchSpawnRequest spawns the host b.N times, sends req, waits for a reply containing want and
// reports the median and slowest spawn-to-reply times and the host's peak RSS.
func benchSpawnRequest(b *testing.B, bin string, args, env []string, req, want string) {
	frameReq := frame(req)
	var durs []time.Duration
	var peakKB int64
	for i := 0; i < b.N; i++ {
		start := time.Now()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		stdin.Write(frameReq)
		var n [4]byte
		if _, err := io.ReadFull(stdout, n[:]); err != nil {
			b.Fatal(err)
		}
		body := make([]byte, binary.LittleEndian.Uint32(n[:]))
		if _, err := io.ReadFull(stdout, body); err != nil {
			b.Fatal(err)
		}
		if !strings.Contains(string(body[:min(len(body), 256)]), want) {
			b.Fatalf("unexpected reply: %.300s", body)
		}
		durs = append(durs, time.Since(start)) // the reply is what the extension waits for
		// The host now idles until EOF, its work done: read its own high-water mark. (rusage's
		// maxrss would include this test process's RSS, which the child shares until exec.)
		hwm := vmHWM(cmd.Process.Pid)
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			b.Fatal(err)
		}
		if hwm == 0 { // no /proc: macOS
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				hwm = ru.Maxrss / 1024 // bytes on darwin
			}
		}
		peakKB = max(peakKB, hwm)
	}
	sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
	b.ReportMetric(float64(durs[len(durs)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(durs[len(durs)-1].Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(peakKB)/1024, "peak-RSS-MB")
}

// vmHWM returns a live process's peak resident set in KiB from /proc (0 where there is none).
func vmHWM(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
			return kb
		}
	}
	return 0
}

// BenchmarkSpawnOpenProfile: spawn the lean host, send openProfile for a role profile, read the
// consoleUrl frame (the lean host hands the sign-in to aws-profile-bridge) — with a local fake
// AWS answering at once. Reports p50 and requests per call.
func BenchmarkSpawnOpenProfile(b *testing.B) {
	bin := leanHostBinary(b)
	home := b.TempDir()
	fake := fakeaws.New()
	defer fake.Close()
	dir := filepath.Join(home, ".aws")
	testaws.WriteFile(b, filepath.Join(dir, "config"), "[profile prod-admin]\nrole_arn = arn:aws:iam::111122223333:role/Admin\nsource_profile = base\nregion = eu-west-1\n", 0o600)
	testaws.WriteFile(b, filepath.Join(dir, "credentials"), "[base]\naws_access_key_id = AKIABENCH00000000001\naws_secret_access_key = benchSecret\n", 0o600)
	manifest := testaws.WriteFile(b, filepath.Join(home, ".mozilla", "native-messaging-hosts", "aws_profile_bridge.json"),
		testaws.Manifest(bin, "allowed_extensions", testExtID), 0o644)
	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "AWS_ENDPOINT_URL_STS=" + fake.URL,
		"AWS_ENDPOINT_URL_SSO=" + fake.URL, "AWS_PROFILE_BRIDGE_SIGNIN_ENDPOINT=" + fake.FederationURL()}
	fake.Reset() // count this round's requests only
	benchSpawnRequest(b, bin, []string{manifest, testExtID}, env, `{"action":"openProfile","profileName":"prod-admin"}`, `"consoleUrl"`)
	b.ReportMetric(float64(len(fake.Requests()))/float64(b.N), "requests/op")
}
