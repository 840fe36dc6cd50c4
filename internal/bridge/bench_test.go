package bridge

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// BenchmarkGetProfilesCold is the native host's work for one getProfiles request, in process:
// decode, read and parse both files, build the list, encode the reply (no reply cache). With
// BenchmarkSpawnGetProfiles (cmd) it tells the host's own work from process start.
func BenchmarkGetProfilesCold(b *testing.B) {
	setSettle(b, 0, settleDeadline, 0) // the fixture was just written; the policy is not measured here
	for _, n := range []int{10, 1000, 10000} {
		b.Run(fmt.Sprintf("profiles=%d", n), func(b *testing.B) {
			home := b.TempDir()
			testaws.WriteProfiles(b, home, n)
			paths := Paths{ConfigFile: filepath.Join(home, ".aws", "config"),
				CredentialsFile: filepath.Join(home, ".aws", "credentials"), SSOCacheDir: filepath.Join(home, ".aws", "sso", "cache")}
			req := []byte(`{"action":"getProfiles"}`)
			b.ReportAllocs()
			for b.Loop() {
				s := &Service{Paths: paths} // a new process: nothing in memory
				if r := s.Handle(context.Background(), req); len(r) < 100 {
					b.Fatalf("reply %s", r)
				}
			}
		})
	}
}
