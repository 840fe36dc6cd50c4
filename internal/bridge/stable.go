package bridge

import (
	"slices"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// Reading the AWS files while `aws configure` or an editor rewrites them in place can see a
// half-written file, and a list built from it would be neither the old list nor the new one. So
// the files are read only once neither changed within settleWindow, and read again when their
// stamps differ across the read; after settleDeadline of constant change the read is used as it
// is (the next request reads again). Files that have been still for a while — nearly always —
// cost two stats and no wait. (The HTTP server adds its own, stricter rule for empty files, since
// it answers many requests while a file changes.)
//
// An empty file is different: on Linux a stat can show a file emptied by open(O_TRUNC) with its
// old modification time for as long as the writer takes to write again (measured: tens of ms
// on a busy machine), so an empty file is looked at twice, emptyConfirm apart.
var (
	settleWindow   = 250 * time.Millisecond
	settleDeadline = 3 * time.Second
	emptyConfirm   = 15 * time.Millisecond
	sleep          = time.Sleep
)

// loadSettled is awsconfig.Load on files that are not being written.
func (s *Service) loadSettled() (*awsconfig.Config, error) {
	deadline := time.Now().Add(settleDeadline)
	for {
		before := s.stamps()
		if wait := settleWindow - youngestAge(before); wait > 0 && time.Now().Add(wait).Before(deadline) {
			sleep(wait)
			continue
		}
		if hasEmpty(before) {
			sleep(emptyConfirm)
			if !slices.Equal(before, s.stamps()) && time.Now().Before(deadline) {
				continue
			}
		}
		cfg, err := awsconfig.Load(s.Paths)
		if slices.Equal(before, s.stamps()) || !time.Now().Before(deadline) {
			return cfg, err
		}
	}
}

func hasEmpty(st []fileStamp) bool {
	for _, f := range st {
		if f.Exists && f.Size == 0 {
			return true
		}
	}
	return false
}

// youngestAge is how long ago the most recently changed file changed.
func youngestAge(st []fileStamp) time.Duration {
	age := time.Duration(1<<62 - 1)
	now := time.Now().UnixNano()
	for _, f := range st {
		if f.Exists {
			age = min(age, time.Duration(now-f.changedNs()))
		}
	}
	return age
}
